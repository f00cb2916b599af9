"""Sending what waits on complaints: officers' alerts over SNS and replies to citizens on X.

An alert is held by one sender (a claim token) from the moment it is written or claimed until
it is marked sent, so two senders running at once publish it once. Replies rely on X refusing
the same text twice; X's posting limit stops the run's replies until the window resets.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Callable, Iterable

from ..domain.complaint import Complaint
from .ports import AlertFailed, Alerts, DuplicateReply, RateLimited, Replies, ReplyFailed, Storage, StorageUnavailable

log = logging.getLogger(__name__)


UNKNOWN_RESET = timedelta(minutes=15)  # X's windows are 15 minutes: when it names no reset, wait one


def new_claim() -> str:
    return uuid.uuid4().hex


@dataclass
class Sent:
    alerts_sent: int = 0
    alerts_failed: int = 0
    replies_sent: int = 0
    replies_failed: int = 0
    replies_given_up: int = 0
    replies_rate_limited: bool = False


def _always() -> bool:
    return True


def publish_alert(store: Storage, alerts: Alerts, complaint: Complaint, clock: Callable[[], datetime],
                  sent: Sent) -> None:
    """Publish an alert this sender holds, and record the outcome. If the record cannot be written,
    the claim lapses and another run sends the alert again: delivery is at least once."""
    try:
        message_id = alerts.notify(complaint)
    except AlertFailed as e:
        sent.alerts_failed += 1
        _save(store, complaint.alert_failed(str(e), clock()))
        return
    saved = _save(store, complaint.alert_sent(message_id, clock()))
    if saved:
        sent.alerts_sent += 1
    elif saved is False:
        # Replaced meanwhile (a transfer or an escalation): the new alert waits for its own sender.
        log.info("alert replaced while it was sent", extra={"complaint_ref": complaint.ref})


def _held(store: Storage, clock: Callable[[], datetime], sent: Sent) -> bool:
    """Whether replies wait for X's posting window (read only when there is a reply to send)."""
    if not sent.replies_rate_limited:
        until = quietly(store.outbox.replies_held_until)
        sent.replies_rate_limited = bool(until and clock() < until)
    return sent.replies_rate_limited


def quietly(work):
    """Bookkeeping a later run redoes anyway: a storage failure is logged, not fatal (None then)."""
    try:
        return work()
    except StorageUnavailable as e:
        log.warning("bookkeeping not done; a later run redoes it", extra={"detail": str(e)})
        return None


def _save(store: Storage, change) -> bool | None:
    """Save one complaint's change; None when the store failed (logged: the work waits, the run goes on)."""
    try:
        return store.complaints.save(change)
    except StorageUnavailable as e:
        log.warning("complaint change not saved", extra={"complaint_ref": change.after.ref, "detail": str(e)})
        return None


def send_waiting_alerts(store: Storage, alerts: Alerts, clock: Callable[[], datetime], sent: Sent,
                        skip: Iterable[str] = (), keep_going: Callable[[], bool] = _always) -> None:
    """Claim and publish every alert still waiting (left by a failure or a crashed sender)."""
    claim, skip = new_claim(), set(skip)
    for complaint in _waiting(store.outbox.pending_alerts):
        if not keep_going():
            return
        if complaint.ref in skip:
            continue
        change = complaint.claim_alert(claim, clock())
        if change and _save(store, change):
            publish_alert(store, alerts, change.after, clock, sent)


def _waiting(read) -> list[Complaint]:
    return quietly(read) or []


def send_replies(store: Storage, replies: Replies, complaints: Iterable[Complaint], clock: Callable[[], datetime],
                 sent: Sent, keep_going: Callable[[], bool] = _always) -> None:
    complaints = [c for c in complaints if c.pending_replies]
    if not complaints or _held(store, clock, sent):
        return
    for complaint in complaints:
        for kind, reply in complaint.pending_replies.items():
            if sent.replies_rate_limited or not keep_going():
                return
            try:
                post_id = replies.post_reply(complaint.tweet_id, reply.text)
            except DuplicateReply:
                post_id = None  # X refuses the same text twice: an earlier attempt got through unrecorded
            except RateLimited as e:
                # Every further reply would be refused too: none is posted until X's window resets.
                log.warning("X's posting limit reached", extra={"reset_at": str(e.reset_at)})
                sent.replies_rate_limited = True
                until = e.reset_at or clock() + UNKNOWN_RESET
                quietly(lambda: store.outbox.hold_replies(until))
                return
            except ReplyFailed as e:
                change = complaint.reply_failed(kind, str(e), clock(), final=e.final)
                _save(store, change)
                complaint = change.after
                given_up = change.after.replies[kind].status == "given_up"
                sent.replies_given_up += given_up
                sent.replies_failed += not given_up
                continue
            change = complaint.reply_sent(kind, post_id, clock())
            if _save(store, change):
                sent.replies_sent += 1
                complaint = change.after


def send_waiting_replies(store: Storage, replies: Replies, clock: Callable[[], datetime], sent: Sent,
                         skip: Iterable[str] = (), keep_going: Callable[[], bool] = _always) -> None:
    skip = set(skip)
    waiting = [c for c in _waiting(store.outbox.pending_replies) if c.ref not in skip]
    send_replies(store, replies, waiting, clock, sent, keep_going)
