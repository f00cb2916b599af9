"""Poll: fetch new mentions of every watched handle, record each as one complaint, alert officers.

Safety rules: a handle's cursor moves only after every mention up to it is recorded; a
complaint is written once per tweet; alerts live on the complaint until SNS accepts them,
so a crash or an outage anywhere is repaired by the next poll.
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Callable, Sequence

from ..domain.complaint import Complaint, Mention, Status
from ..domain.handles import Registry, WatchedHandle
from ..domain import sla
from ..domain.replies import KINDS, ReplyPolicy
from ..domain.tally import tally
from ..triage import Triage, triage
from .alerting import send_pending_alerts
from .ports import (
    Alerts,
    ComplaintStore,
    DuplicateReply,
    MentionSource,
    RateLimited,
    Replies,
    ReplyFailed,
    SourceUnavailable,
)

Classifier = Callable[[str, Sequence[WatchedHandle]], Triage]
log = logging.getLogger(__name__)


@dataclass
class HandleOutcome:
    handle: str
    outcome: str  # ok | rate_limited | error | unknown_handle
    fetched: int = 0
    created: int = 0
    detail: str = ""
    lag_seconds: float | None = None  # age of the newest mention fetched, when the poll succeeded


@dataclass
class PollReport:
    handles: list[HandleOutcome] = field(default_factory=list)
    created: list[str] = field(default_factory=list)
    skipped: Counter = field(default_factory=Counter)
    alerts_sent: int = 0
    alerts_failed: int = 0
    replies_sent: int = 0
    replies_failed: int = 0

    def as_dict(self) -> dict:
        return {
            "created": self.created,
            "skipped": dict(self.skipped),
            "alerts_sent": self.alerts_sent,
            "alerts_failed": self.alerts_failed,
            "replies_sent": self.replies_sent,
            "replies_failed": self.replies_failed,
            "handles": [vars(h) for h in self.handles],
        }


def poll(
    registry: Registry,
    source: MentionSource,
    store: ComplaintStore,
    alerts: Alerts,
    clock: Callable[[], datetime],
    replies: Replies,
    reply_policy: ReplyPolicy,
    sla_policy: sla.SlaPolicy,
    classify: Classifier = triage,
) -> PollReport:
    report = PollReport()
    record = _Recorder(registry, store, clock, classify, reply_policy, sla_policy, report)
    for handle in registry:
        report.handles.append(_poll_handle(handle, source, store, clock, record, report))
    report.alerts_sent, report.alerts_failed = send_pending_alerts(store, alerts, clock)
    _send_pending_replies(store, replies, clock, report)
    return report


def _poll_handle(handle, source, store, clock, record, report) -> HandleOutcome:
    outcome = HandleOutcome(handle.handle, "ok")
    state = store.handle_state(handle.key)
    newest_id, newest_at = None, None
    try:
        user_id = state.user_id or source.resolve_user_id(handle.handle)
        if user_id is None:
            outcome.outcome, outcome.detail = "unknown_handle", "X knows no such user"
            store.record_poll_failure(handle.key, clock(), outcome.outcome, outcome.detail)
            return outcome
        if user_id != state.user_id:
            store.remember_user_id(handle.key, user_id)
        for page in source.pages(user_id, state.since_id):
            newest_id = newest_id or page.newest_id
            if page.rejected:
                report.skipped["malformed"] += page.rejected
            # Oldest first, so reference numbers follow the order citizens tweeted in.
            for mention in reversed(page.mentions):
                outcome.fetched += 1
                newest_at = max(newest_at or mention.created_at, mention.created_at)
                if record(mention):
                    outcome.created += 1
    except RateLimited as e:
        outcome.outcome, outcome.detail = "rate_limited", str(e)
    except SourceUnavailable as e:
        outcome.outcome, outcome.detail = "error", str(e)
    if outcome.outcome != "ok":
        log.warning("handle not polled", extra={"handle": handle.handle, "outcome": outcome.outcome, "detail": outcome.detail})
        store.record_poll_failure(handle.key, clock(), outcome.outcome, outcome.detail)
        return outcome
    now = clock()
    outcome.lag_seconds = (now - newest_at).total_seconds() if newest_at else 0.0
    store.advance_cursor(handle.key, newest_id or state.since_id, now, outcome.lag_seconds)
    return outcome


class _Recorder:
    """Turns one mention into a complaint, a follow-up on an earlier one, or a counted skip."""

    def __init__(self, registry, store, clock, classify, reply_policy, sla_policy, report):
        self.registry, self.store, self.clock, self.classify = registry, store, clock, classify
        self.reply_policy, self.sla_policy, self.report = reply_policy, sla_policy, report

    def __call__(self, mention: Mention) -> bool:
        store, report = self.store, self.report
        if mention.is_retweet:
            report.skipped["retweet"] += 1
            return False
        if self.registry.get(mention.author_username):
            report.skipped["own_tweet"] += 1
            return False
        if store.is_recorded(mention.tweet_id):
            # Seen before: through another handle it also tags, or a poll that crashed before its cursor moved.
            report.skipped["already_recorded"] += 1
            return False
        tagged = self.registry.watched(mention.mentioned)
        decision = self.classify(mention.text, tagged)
        now = self.clock()
        if mention.conversation_id != mention.tweet_id:
            ref = store.complaint_for_conversation(mention.conversation_id, mention.author_id)
            # Only an open complaint takes follow-ups: after thanks, a closure or a rejection,
            # a new problem in the same thread is a new complaint.
            if ref and store.get(ref).status.is_open:
                entry = {"at": now.isoformat(), "by": f"@{mention.author_username}", "action": "citizen_follow_up",
                         "tweet_id": mention.tweet_id, "tweet_url": mention.url, "note": decision.masked_text}
                report.skipped["follow_up" if store.attach(ref, mention.tweet_id, entry) else "already_recorded"] += 1
                return False
        complaint = Complaint(
            ref=store.next_reference(decision.district, now.astimezone(self.sla_policy.tz).year),
            tweet_id=mention.tweet_id,
            text=mention.text,
            masked_text=decision.masked_text,
            author_id=mention.author_id,
            author_username=mention.author_username,
            tweet_url=mention.url,
            conversation_id=mention.conversation_id,
            tweeted_at=mention.created_at,
            created_at=now,
            district=decision.district,
            department=decision.department or "other",
            urgent=decision.urgent,
            confidence=decision.confidence,
            handles=tuple(h.handle for h in tagged),
            status=Status.NEW if decision.is_complaint else Status.NOT_ACTIONABLE,
            alert="pending" if decision.is_complaint else "not_needed",
        )
        if decision.is_complaint:
            complaint.sla = sla.receive(self.sla_policy, now, complaint.department, complaint.urgent).as_dict()
            if text := self.reply_policy.text("acknowledged", complaint):
                complaint.replies["acknowledged"] = {"status": "pending", "text": text}
        if not store.record_new(complaint, tally(None, complaint, now, self.sla_policy.tz)):
            report.skipped["already_recorded"] += 1
            return False
        report.created.append(complaint.ref)
        log.info(
            "complaint recorded",
            extra={"complaint_ref": complaint.ref, "tweet_id": mention.tweet_id, "handle": ",".join(complaint.handles),
                   "district": complaint.district, "department": complaint.department, "urgent": complaint.urgent},
        )
        return True


def _send_pending_replies(store: ComplaintStore, replies: Replies, clock, report: PollReport) -> None:
    for complaint in store.pending_replies():
        for kind in KINDS:
            reply = complaint.replies.get(kind)
            if not reply or reply["status"] != "pending":
                continue
            try:
                post_id = replies.post_reply(complaint.tweet_id, reply["text"])
            except DuplicateReply:
                # X refuses the same text twice: an earlier attempt got through before it was recorded.
                post_id = None
            except ReplyFailed as e:
                store.reply_failed(complaint.ref, kind, str(e), clock())
                report.replies_failed += 1
                continue
            store.reply_sent(complaint.ref, kind, reply["text"], post_id, clock())
            report.replies_sent += 1
