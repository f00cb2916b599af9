"""What officers and admins do through the API: list, read and act on complaints within their scope."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Callable

from dataclasses import replace

from ..domain import lifecycle, sla
from ..domain.access import Principal
from ..domain.complaint import Complaint, Status
from ..domain.replies import ReplyPolicy
from ..domain.tally import tally
from ..errors import Forbidden, NotFound
from .alerting import send_alert
from .ports import Alerts, ComplaintStore, ListQuery, VersionConflict


def summary(c: Complaint) -> dict:
    return {
        "ref": c.ref,
        "status": c.status.value,
        "district": c.district,
        "district_name": c.district_name,
        "department": c.department,
        "urgent": c.urgent,
        "confidence": c.confidence,
        "text": c.masked_text,
        "tweet_url": c.tweet_url,
        "author": c.author_username,
        "tweeted_at": c.tweeted_at.isoformat(),
        "created_at": c.created_at.isoformat(),
        "version": c.version,
    }


def detail(c: Complaint) -> dict:
    return summary(c) | {
        "raw_text": c.text,
        "handles": list(c.handles),
        "alert": c.alert,
        "resolved_at": c.resolved_at.isoformat() if c.resolved_at else None,
        "deadline": _deadline(c),
        "replies": {k: {f: v for f, v in r.items() if f in ("status", "post_id", "text", "at")} for k, r in c.replies.items()},
        "history": c.history,
    }


def _deadline(c: Complaint) -> dict | None:
    clock = sla.Clock.from_dict(c.sla)
    if clock.stage is None:
        return None
    return {"stage": clock.stage, "due_at": clock.due_at.isoformat(), "level": clock.level, "breached": clock.breached}


def list_complaints(store: ComplaintStore, principal: Principal, query: ListQuery) -> dict:
    if not principal.is_admin:
        query = ListQuery(
            **{**vars(query),
               "scope_districts": frozenset(str(d) for d in principal.districts),
               "scope_departments": principal.departments}
        )
    found, cursor = store.list_complaints(query)
    # The store filters by scope already; checking again costs nothing and guards the rule.
    visible = [c for c in found if principal.can_see(c.district, c.department)]
    return {"complaints": [summary(c) for c in visible], "next_cursor": cursor}


def _visible(store: ComplaintStore, principal: Principal, ref: str) -> Complaint:
    complaint = store.get(ref)
    if complaint is None:
        raise NotFound(f"no complaint with reference {ref}")
    if not principal.can_see(complaint.district, complaint.department):
        raise Forbidden(f"complaint {ref} is outside your district or department")
    return complaint


def get_complaint(store: ComplaintStore, principal: Principal, ref: str) -> dict:
    return detail(_visible(store, principal, ref))


def act(
    store: ComplaintStore,
    alerts: Alerts,
    principal: Principal,
    ref: str,
    action: lifecycle.Action,
    expected_version: int | None,
    clock: Callable[[], datetime],
    replies: ReplyPolicy,
    reopen_window: timedelta,
    sla_policy: sla.SlaPolicy,
) -> dict:
    before = _visible(store, principal, ref)
    if expected_version is not None and expected_version != before.version:
        raise VersionConflict(ref)
    now = clock()
    after = lifecycle.apply(before, action, now, replies, reopen_window)
    restarted = after.status in (Status.TRANSFERRED, Status.REOPENED)
    clock_after = sla.after_transition(
        sla_policy, sla.Clock.from_dict(before.sla), after.status, now, after.department, after.urgent, restarted
    )
    after = replace(after, sla=clock_after.as_dict())
    store.save_change(before, after, tally(before, after, now, sla_policy.tz))
    if action.name == "transfer":
        # Tell the new owner now rather than at the next poll; if SNS fails, the poll retries.
        send_alert(store, alerts, ref, clock)
    return detail(store.get(ref))
