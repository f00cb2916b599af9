"""Sending what waits on complaints: officers' alerts over SNS and replies to citizens on X.

An alert is held by one sender (a claim token) from the moment it is written or claimed until
it is marked sent, so two senders running at once publish it once. Replies rely on X refusing
the same text twice; X's posting limit stops the run's replies until the window resets.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Callable, Iterable

from ..domain.complaint import Complaint
from .ports import AlertFailed, Alerts, DuplicateReply, RateLimited, Replies, ReplyFailed, Storage

log = logging.getLogger(__name__)


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


def publish_alert(store: Storage, alerts: Alerts, complaint: Complaint, clock: Callable[[], datetime],
                  sent: Sent) -> None:
    """Publish an alert this sender holds, and record the outcome."""
    try:
        message_id = alerts.notify(complaint)
    except AlertFailed as e:
        store.complaints.save(complaint.alert_failed(str(e), clock()))
        sent.alerts_failed += 1
        return
    if store.complaints.save(complaint.alert_sent(message_id, clock())):
        sent.alerts_sent += 1
    else:
        # Replaced meanwhile (a transfer or an escalation): the new alert waits for its own sender.
        log.info("alert replaced while it was sent", extra={"complaint_ref": complaint.ref})


def send_waiting_alerts(store: Storage, alerts: Alerts, clock: Callable[[], datetime], sent: Sent,
                        skip: Iterable[str] = ()) -> None:
    """Claim and publish every alert still waiting (left by a failure or a crashed sender)."""
    claim, skip = new_claim(), set(skip)
    for complaint in store.outbox.pending_alerts():
        if complaint.ref in skip:
            continue
        change = complaint.claim_alert(claim, clock())
        if change and store.complaints.save(change):
            publish_alert(store, alerts, change.after, clock, sent)


def send_replies(store: Storage, replies: Replies, complaints: Iterable[Complaint], clock: Callable[[], datetime],
                 sent: Sent) -> None:
    for complaint in complaints:
        for kind, reply in complaint.pending_replies.items():
            if sent.replies_rate_limited:
                return
            try:
                post_id = replies.post_reply(complaint.tweet_id, reply.text)
            except DuplicateReply:
                post_id = None  # X refuses the same text twice: an earlier attempt got through unrecorded
            except RateLimited as e:
                # Every further reply would be refused too: stop until X's window resets.
                log.warning("X's posting limit reached", extra={"reset_at": str(e.reset_at)})
                sent.replies_rate_limited = True
                return
            except ReplyFailed as e:
                change = complaint.reply_failed(kind, str(e), clock(), final=e.final)
                store.complaints.save(change)
                complaint = change.after
                given_up = change.after.replies[kind].status == "given_up"
                sent.replies_given_up += given_up
                sent.replies_failed += not given_up
                continue
            change = complaint.reply_sent(kind, post_id, clock())
            if store.complaints.save(change):
                sent.replies_sent += 1
                complaint = change.after


def send_waiting_replies(store: Storage, replies: Replies, clock: Callable[[], datetime], sent: Sent,
                         skip: Iterable[str] = ()) -> None:
    skip = set(skip)
    send_replies(store, replies, (c for c in store.outbox.pending_replies() if c.ref not in skip), clock, sent)
