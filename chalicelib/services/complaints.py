"""What officers and admins do through the API: list, read and act on complaints within their scope.

Who may see and do what is decided here, from the principal; the HTTP edge only parses."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Callable

from ..domain.access import Principal
from ..domain.complaint import Complaint, Policies
from ..domain.lifecycle import Action
from ..domain.status import Status
from ..domain.tally import STATE
from ..domain.values import REFERENCE
from ..domain.pii import clean, mask
from ..errors import Forbidden, NotFound, VersionConflict
from .ports import Alerts, ListQuery, Storage
from .sending import Sent, new_claim, publish_alert


def summary(c: Complaint) -> dict:
    # Masked again on the way out: a record masked by older, weaker rules is shown as today's would mask it.
    return {
        "ref": c.ref,
        "status": c.status.value,
        "district": c.district,
        "district_name": c.district_name,
        "department": c.department,
        "urgent": c.urgent,
        "confidence": c.confidence,
        "text": mask(c.masked_text),
        "tweet_url": c.tweet_url,
        "author": c.author_username,
        "tweeted_at": c.tweeted_at.isoformat(),
        "created_at": c.created_at.isoformat(),
        "version": c.version,
    }


def detail(c: Complaint) -> dict:
    clock = c.clock
    deadline = None if clock.stage is None else {
        "stage": clock.stage, "due_at": clock.due_at.isoformat(), "level": clock.level, "breached": clock.breached,
        "late": clock.late}  # read after the citizen's post had outlived its acknowledgement window
    return summary(c) | {
        "raw_text": clean(c.text),  # the citizen's words for officers: unmasked, but none shown reversed
        "handles": list(c.handles),
        "alert": c.alert.state,
        "resolved_at": c.resolved_at.isoformat() if c.resolved_at else None,
        "deadline": deadline,
        "channel": c.channel,
        "replies": {kind: _reply(r) for kind, r in c.replies.items()},
        "history": [_shown(e.as_dict()) for e in c.history],
    }


def _reply(r) -> dict:
    """A reply as officers see it: who it went from, or why it waits (blocked: no tagged handle authorised)."""
    shown = {"status": r.status, "text": r.text}
    if r.from_handle:
        shown["from_handle"] = r.from_handle
    if r.post_id:
        shown["post_id"] = r.post_id
    if r.at:
        shown["at"] = r.at.isoformat()
    if r.last_error and r.status != "sent":
        shown["reason"] = r.last_error
    if r.next_attempt_at and r.pending:
        shown["next_attempt_at"] = r.next_attempt_at.isoformat()
    return shown


def _shown(entry: dict) -> dict:
    """A history line as officers see it: a citizen's words masked like the complaint, any note cleaned."""
    if "note" in entry:
        citizens = entry["action"].startswith("citizen_") or entry["action"] == "edited"
        entry["note"] = (mask if citizens else clean)(entry["note"])
    return entry


def list_complaints(store: Storage, principal: Principal, query: ListQuery) -> dict:
    if not principal.is_admin:
        query = replace(query, scope_districts=principal.districts, scope_departments=principal.departments)
    found, cursor = store.complaints.list(query)
    # The store filters by scope already; checking again costs nothing and guards the rule.
    visible = [c for c in found if principal.can_see(c.district, c.department)]
    return {"complaints": [summary(c) for c in visible], "next_cursor": cursor}


def _visible(store: Storage, principal: Principal, ref: str) -> Complaint:
    # Not shaped like a reference: no complaint has it (and DynamoDB refuses keys over 2 KB).
    complaint = store.complaints.get(ref) if REFERENCE.fullmatch(ref) else None
    if complaint is None:
        raise NotFound(f"no complaint with reference {ref}")
    if not principal.can_see(complaint.district, complaint.department):
        raise Forbidden(f"complaint {ref} is outside your district or department")
    return complaint


def visible(store: Storage, principal: Principal, ref: str) -> Complaint:
    """The complaint, if the principal may see it: NotFound, or Forbidden outside their scope."""
    return _visible(store, principal, ref)


def get_complaint(store: Storage, principal: Principal, ref: str) -> dict:
    return detail(_visible(store, principal, ref))


def act(store: Storage, alerts: Alerts, principal: Principal, ref: str, request: dict,
        clock: Callable[[], datetime], policies: Policies) -> dict:
    """An officer's action request (the API's validated body), done as this principal."""
    action = Action(request["action"], principal.subject, note=request.get("note") or "",
                    reason=request.get("reason"), to_district=request.get("to_district"),
                    to_department=request.get("to_department"), outcome=request.get("outcome"),
                    channel=request.get("channel"), urgent=request.get("urgent"))
    if action.name == "review" and not principal.is_admin:
        raise Forbidden("the state review queue is decided by admins")
    before = _visible(store, principal, ref)
    expected_version = request.get("version")
    if expected_version is not None and expected_version != before.version:
        raise VersionConflict(ref)
    change = before.act(action, clock(), policies, claim=new_claim())
    if not store.complaints.save(change):
        raise VersionConflict(ref)
    after = change.after
    if after.alert.pending and after.alert.claim:
        # A transfer (or a review routing a complaint): tell the new owner now rather than at the next poll;
        # if SNS fails, the poll retries. A reply waiting (a review's) goes with the next poll's replies.
        publish_alert(store, alerts, after, clock, Sent())
    return detail(store.complaints.get(ref))


def review_queue(store: Storage, principal: Principal, limit: int = 25, cursor: str | None = None) -> dict:
    """The state review queue, newest first, and its size (a counter: no listing is counted)."""
    if not principal.is_admin:
        raise Forbidden("the state review queue is for admins")
    found, next_cursor = store.complaints.list(ListQuery(status=Status.NEEDS_REVIEW.value, limit=limit, cursor=cursor))
    waiting = store.stats.read([STATE])[STATE].get(f"status:{Status.NEEDS_REVIEW.value}", 0)
    return {"waiting": waiting, "complaints": [summary(c) for c in found], "next_cursor": next_cursor}


def read_status_as(principal: Principal) -> None:
    if not principal.is_admin:
        raise Forbidden("the state-wide status is for admins")
