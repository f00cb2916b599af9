"""Sending what waits on complaints: officers' alerts over SNS and replies to citizens on X.

An alert is held by one sender (a claim token) from the moment it is written or claimed until
it is marked sent, so two senders running at once publish it once. A reply goes from a handle the
citizen tagged that has authorised the desk (domain/senders.py); none: it is blocked, and looked at
again hourly or when such a handle is authorised. Replies rely on X refusing the same text twice from
one account, so a failed reply is tried again from the handle that tried it while that one is authorised;
X's posting limit holds that handle's replies until its window resets, not the other handles'.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Callable, Iterable

from ..domain.complaint import Complaint
from ..domain.handles import Registry, WatchedHandle
from ..domain.senders import blocked_reason, reply_senders
from ..domain.tally import STATE
from .ports import (AlertFailed, Alerts, DuplicateReply, NeedsAuthorisation, RateLimited, Replies, ReplyFailed,
                    Storage, StorageUnavailable)

log = logging.getLogger(__name__)


UNKNOWN_RESET = timedelta(minutes=15)  # X's windows are 15 minutes: when it names no reset, wait one
POSTING_OFF = "posting to X is switched off in this stage"


def new_claim() -> str:
    return uuid.uuid4().hex


@dataclass
class Sent:
    alerts_sent: int = 0
    alerts_failed: int = 0
    alerts_unrouted: int = 0  # sent to the state desk as well: no officer's subscription took them
    replies_sent: int = 0
    replies_failed: int = 0
    replies_blocked: int = 0
    replies_undeliverable: int = 0
    replies_held: list[str] = field(default_factory=list)  # handles waiting for X's posting window
    posting: str = "on"  # or why nothing was posted

    def add(self, other: "Sent") -> None:
        """Another run's sends counted in (the reconciler's backfill): the counts add up, the held handles join,
        and `posting` stays a word, not two run together."""
        for name, value in vars(other).items():
            mine = getattr(self, name)
            if name == "posting":
                self.posting = value if mine == "on" else mine
            elif isinstance(mine, list):
                setattr(self, name, list(dict.fromkeys(mine + value)))
            else:
                setattr(self, name, mine + value)


def _always() -> bool:
    return True


def publish_alert(store: Storage, alerts: Alerts, complaint: Complaint, clock: Callable[[], datetime],
                  sent: Sent) -> None:
    """Publish an alert this sender holds, and record the outcome. If the record cannot be written,
    the claim lapses and another run sends the alert again: delivery is at least once."""
    try:
        message_id = alerts.notify(complaint)
        # Nothing goes to nobody: an alert no officer's filter takes goes to the state's level-3 desk too.
        unrouted = not alerts.reaches(complaint)
        if unrouted:
            alerts.notify_state_desk(complaint)
    except AlertFailed as e:
        sent.alerts_failed += 1
        _save(store, complaint.alert_failed(str(e), clock()))
        return
    change = complaint.alert_sent(message_id, clock())
    if unrouted:
        sent.alerts_unrouted += 1
        change = replace(change, counts={STATE: {**change.counts.get(STATE, {}), "alerts_unrouted": 1}})
    saved = _save(store, change)
    if saved:
        sent.alerts_sent += 1
    elif saved is False:
        # Replaced meanwhile (a transfer or an escalation): the new alert waits for its own sender.
        log.info("alert replaced while it was sent", extra={"complaint_ref": complaint.ref})


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


class ReplyRun:
    """Who may post in this run: the grants and X's holds, read once, when the first reply is due."""

    def __init__(self, store: Storage, registry: Registry, clock: Callable[[], datetime], sent: Sent):
        self.store, self.registry, self.clock, self.sent = store, registry, clock, sent
        self.authorised: set[str] | None = None
        self.needing: set[str] = set()
        self.held: dict[str, datetime] = {}

    def ready(self) -> bool:
        """False when the grants cannot be read: replies wait rather than being wrongly blocked."""
        if self.authorised is None:
            grants, held = quietly(self.store.grants.states), quietly(self.store.outbox.replies_held)
            if grants is None or held is None:
                return False
            # Only a watched (enabled) handle replies: one switched off must not make its blocked replies due
            # (and rewritten) every poll.
            watched = {h.key for h in self.registry}
            self.authorised = {k for k, g in grants.items() if g.state == "authorised" and k in watched}
            self.needing = {k for k, g in grants.items() if g.state == "needs_authorisation"}
            now = self.clock()
            self.held = {k: until for k, until in held.items() if now < until}
            self.sent.replies_held = sorted(self.held)
        return True

    def hold(self, handle: WatchedHandle, e: RateLimited) -> None:
        log.warning("X's posting limit reached", extra={"handle": handle.handle, "reset_at": str(e.reset_at)})
        until = e.reset_at or self.clock() + UNKNOWN_RESET
        self.held[handle.key] = until
        self.sent.replies_held = sorted(self.held)
        quietly(lambda: self.store.outbox.hold_replies(handle.key, until))

    def revoked(self, handle: WatchedHandle) -> None:
        self.authorised.discard(handle.key)
        self.needing.add(handle.key)

    def send(self, replies: Replies, complaint: Complaint, kind: str) -> Complaint:
        """Post one reply from the best tagged, authorised handle that X lets post now."""
        reply = complaint.replies[kind]
        candidates = reply_senders(complaint.handles, self.registry, complaint.district, complaint.department)
        earlier = next((h for h in candidates if reply.from_handle
                        and h.key == reply.from_handle.lower() and h.key in self.authorised), None)
        if earlier is not None:
            candidates = [earlier] + [h for h in candidates if h is not earlier]
        text = reply.text
        for handle in candidates:
            if handle.key not in self.authorised or handle.key in self.held:
                continue
            if earlier is not None and handle is not earlier and earlier.key in self.authorised:
                # A failed attempt may have got through unanswered; X refuses the same text again only from the
                # same account, so the reply waits for that handle while it may post (another would post it twice).
                continue
            if reply.from_handle != handle.handle:
                named = complaint.reply_goes_from(kind, handle.handle)
                if not _save(self.store, named):
                    return complaint  # another run named its handle first: it posts the reply
                complaint = named.after
            try:
                post_id = replies.post_reply(handle.handle, complaint.tweet_id, text)
            except DuplicateReply:
                post_id = None  # X refuses the same text twice: an earlier attempt got through unrecorded
            except RateLimited as e:
                self.hold(handle, e)  # every further reply from it would be refused too; others may post
                continue
            except NeedsAuthorisation:
                self.revoked(handle)
                continue
            except ReplyFailed as e:
                change = complaint.reply_failed(kind, str(e), self.clock(), final=e.final, from_handle=handle.handle)
                if _save(self.store, change):
                    undeliverable = change.after.replies[kind].status == "undeliverable"
                    self.sent.replies_undeliverable += undeliverable
                    self.sent.replies_failed += not undeliverable
                    return change.after
                return complaint
            change = complaint.reply_sent(kind, post_id, self.clock(), handle.handle)
            if _save(self.store, change):
                self.sent.replies_sent += 1
                return change.after
            return complaint
        if any(h.key in self.authorised for h in candidates):
            return complaint  # an authorised handle waits for X's window: the reply waits with it
        change = complaint.reply_blocked(kind, blocked_reason(candidates, self.needing), self.clock())
        if _save(self.store, change):
            status = change.after.replies[kind].status
            self.sent.replies_blocked += status == "blocked"
            self.sent.replies_undeliverable += status == "undeliverable"
            return change.after
        return complaint


def _ready(store: Storage, replies: Replies | None, registry: Registry, clock: Callable[[], datetime], sent: Sent,
           run: ReplyRun | None) -> ReplyRun | None:
    """The run's senders, or None when nothing may be posted now (posting switched off, X holding every handle)."""
    if replies is None:
        sent.posting = POSTING_OFF
        return None
    run = run or ReplyRun(store, registry, clock, sent)
    return run if run.ready() else None


def send_replies(store: Storage, replies: Replies | None, registry: Registry, complaints: Iterable[Complaint],
                 clock: Callable[[], datetime], sent: Sent, keep_going: Callable[[], bool] = _always,
                 run: ReplyRun | None = None) -> None:
    """`replies` None: posting to X is switched off in this stage; the replies stay pending."""
    complaints = [c for c in complaints if c.pending_replies]
    if not complaints or (run := _ready(store, replies, registry, clock, sent, run)) is None:
        return
    for complaint in complaints:
        for kind in complaint.due_replies(clock(), frozenset(run.authorised)):
            if not keep_going():
                return
            complaint = run.send(replies, complaint, kind)


def send_waiting_replies(store: Storage, replies: Replies | None, registry: Registry, clock: Callable[[], datetime],
                         sent: Sent, skip: Iterable[str] = (), keep_going: Callable[[], bool] = _always,
                         run: ReplyRun | None = None) -> None:
    """Replies left waiting by earlier runs, as they fall due."""
    if (run := _ready(store, replies, registry, clock, sent, run)) is None:
        return
    skip = set(skip)
    due = quietly(lambda: store.outbox.pending_replies(clock(), frozenset(run.authorised))) or []
    send_replies(store, replies, registry, [c for c in due if c.ref not in skip], clock, sent, keep_going, run)
