"""The stream holder: one function at a time holds X's filtered stream and puts each matching post on the
mentions queue; the recorder function (services/queued.py) records them.

X allows one stream connection per app, so a DynamoDB lease names the holder. A holder keeps the stream
until HANDOVER_MARGIN before its function's time runs out, then disconnects and releases the lease; the
next minute's invocation, already waiting when the end was near, takes it at once. The gap between the
old holder's disconnect and the new one's first connect is measured and reported. A holder that crashes
loses the lease LEASE_SECONDS after its last renewal.

The rules follow the registry: synced when a holder takes the stream, and whenever the enabled, live
handles change. Posts the stream misses (a drop, the handover gap) are found by the search reconciler.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Callable

from ..domain.handles import Registry
from ..domain.stream_rules import RulePlan, pack_rules, plan
from .ports import (FilteredStream, MentionsQueue, QueueUnavailable, RateLimited, SourceUnavailable,
                    StorageUnavailable, StreamLeases)

log = logging.getLogger(__name__)
HANDOVER_MARGIN = 60.0  # seconds of the function's time left when the holder hands over
LEASE_SECONDS = 90.0  # a holder that stops renewing (crashed) loses the lease this long after its last renewal
RENEW_EVERY = 20.0
TAKEOVER_WAIT = 75.0  # a contender waits for a holder that hands over within this many seconds
REGISTRY_CHECK_EVERY = 60.0
TICK = 1.0  # how often the posts read are put on the queue: the queue adds at most this to a post's latency
STOP_WAIT = 25.0  # for the stream's thread to end after a planned disconnect (X's keep-alive is every 20 s)
# X counts a closed connection for a moment after it closes: a holder connecting at once after the previous
# one's disconnect is answered 429 TooManyConnections (and tweepy then waits a minute). Leave this much.
SETTLE = 1.0
RESTART_AFTER = 5.0  # a stream that gave up (an error tweepy does not retry) is started again after this
UNBOUNDED_HOLD = 840.0  # outside Lambda (make serve): as long as a 15-minute function would hold


@dataclass
class HoldReport:
    holder: str
    outcome: str = "starting"  # handed_over | held_elsewhere | lost_lease | stopped
    held_seconds: float = 0.0
    queued: int = 0  # posts put on the queue
    not_queued: int = 0  # posts SQS never took before the holder ended (the search reconciler finds them)
    connects: int = 0
    disconnects: int = 0  # unplanned: X or the network dropped the connection
    handover_gap_s: float | None = None
    rules_added: int = 0
    rules_deleted: int = 0
    rules_failed: int = 0
    problems: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return dict(vars(self))

    def metrics(self) -> dict[str, tuple[str, float]]:
        figures = {
            "StreamPostsQueued": ("Count", self.queued),
            "StreamPostsNotQueued": ("Count", self.not_queued),
            "StreamDisconnects": ("Count", self.disconnects),
            "StreamRulesChanged": ("Count", self.rules_added + self.rules_deleted),
            "StreamRuleSyncsFailed": ("Count", self.rules_failed),
        }
        if self.handover_gap_s is not None:
            figures["StreamHandoverGapSeconds"] = ("Seconds", self.handover_gap_s)
        return figures


def wanted_rules(registry: Registry, now: datetime) -> list[str]:
    """The rules for the enabled handles that are live (a handle going live later joins the rules then)."""
    live = [h for h in registry if h.start_at is None or h.start_at <= now]
    return pack_rules([h.handle for h in live], replying=[h.handle for h in live if h.user_id])


def sync_rules(wanted: list[str], stream: FilteredStream) -> RulePlan:
    """Bring X's rules to `wanted`, compared by value: new ones added before old ones go (no gap)."""
    change = plan(wanted, stream.rules())
    if not change.empty:
        stream.change_rules(list(change.add), list(change.delete))
        log.info("stream rules changed", extra={"added": len(change.add), "deleted": len(change.delete)})
    return change


class _Inbox:
    """What the stream's thread hands the holder: posts and connection events, taken under a lock."""

    def __init__(self, clock):
        self.clock = clock
        self.lock = threading.Lock()
        self.posts: list[dict] = []
        self.events: list[tuple[str, datetime, str]] = []

    def post(self, body: dict) -> None:
        with self.lock:
            self.posts.append(body)

    def event(self, kind: str, detail: str = "") -> None:
        with self.lock:
            self.events.append((kind, self.clock(), detail))

    def take(self) -> tuple[list[dict], list[tuple[str, datetime, str]]]:
        with self.lock:
            posts, events, self.posts, self.events = self.posts, self.events, [], []
        return posts, events


class Holder:
    def __init__(self, registry: Callable[[], Registry], leases: StreamLeases, stream: FilteredStream,
                 queue: MentionsQueue, clock: Callable[[], datetime], wait: Callable[[float], None] = time.sleep,
                 holder_id: str | None = None):
        self.registry, self.leases, self.stream, self.queue = registry, leases, stream, queue
        self.clock, self.wait = clock, wait
        self.report = HoldReport(holder_id or uuid.uuid4().hex)
        self.unsent: list[dict] = []  # posts read that SQS has not taken yet
        self.synced: list[str] | None = None  # the rules last brought onto X
        self.started: datetime | None = None  # when the stream was last started

    def hold(self, time_left: Callable[[], float] | None = None, stop: threading.Event | None = None) -> HoldReport:
        """`time_left`: seconds the function has left (None outside Lambda); `stop`: end early (make serve)."""
        start = self.clock()
        seconds = time_left() if time_left else UNBOUNDED_HOLD + HANDOVER_MARGIN
        ends_at = start + timedelta(seconds=seconds - HANDOVER_MARGIN)
        previous = self._take(ends_at)
        if previous is None:
            self.report.outcome = "held_elsewhere"
            return self.report
        if previous.released_at is not None:
            since = (self.clock() - previous.released_at).total_seconds()
            if 0 <= since < SETTLE:
                self.wait(SETTLE - since)
        taken_at = self.clock()
        inbox = _Inbox(self.clock)
        self._sync()
        self._start(inbox)
        outcome = self._run(inbox, previous, ends_at, stop)
        self.stream.stop(STOP_WAIT)
        self._deliver(inbox, previous, final=True)
        if outcome != "lost_lease":
            try:
                self.leases.release(self.report.holder, self.clock())
            except StorageUnavailable as e:  # the lease runs out on its own
                self.report.problems.append(f"release: {e}")
        self.report.outcome = outcome
        self.report.held_seconds = round((self.clock() - taken_at).total_seconds(), 3)
        log.info("stream held", extra={"report": self.report.as_dict()})
        return self.report

    def _start(self, inbox: _Inbox) -> None:
        self.started = self.clock()
        try:
            self.stream.start(inbox.post, lambda: inbox.event("connected"), lambda why: inbox.event("disconnected", why))
        except RateLimited as e:
            # X's connect window is spent (the shared budget says so, unasked): keep the lease, and connect
            # again after RESTART_AFTER, as for a stream that gave up; the search path covers meanwhile.
            self.report.problems.append(f"connect: {e}")
            log.warning("stream connect waits for X's window", extra={"holder": self.report.holder, "detail": str(e)})

    def _take(self, ends_at: datetime):
        """The lease as it stood before this holder took it; None when another holder keeps it."""
        looked_again = False
        while True:
            now = self.clock()
            try:
                previous = self.leases.take(self.report.holder, now, now + timedelta(seconds=LEASE_SECONDS), ends_at)
                if previous is not None:
                    return previous
                current = self.leases.read()
            except StorageUnavailable as e:
                self.report.problems.append(f"lease: {e}")
                return None
            until = current.ends_at or current.expires_at
            if current.live(now) and until and (until - now).total_seconds() <= TAKEOVER_WAIT and now < ends_at:
                # A holder about to hand over: wait for it, so the gap is a reconnect, not up to a minute.
                self.wait(TICK)
            elif not current.live(now) and not looked_again:
                looked_again = True  # it ran out between the two reads
            else:
                return None

    def _run(self, inbox: _Inbox, previous, ends_at: datetime, stop) -> str:
        renewed = checked = self.clock()
        last_delivery = None
        disconnects_unsaved = 0
        while True:
            self.wait(TICK)
            now = self.clock()
            delivered, dropped = self._deliver(inbox, previous)
            last_delivery = delivered or last_delivery
            disconnects_unsaved += dropped
            if not self.stream.alive() and (now - self.started).total_seconds() >= RESTART_AFTER:
                log.error("the stream gave up: connecting again", extra={"holder": self.report.holder})
                self._start(inbox)
            if (now - checked).total_seconds() >= REGISTRY_CHECK_EVERY:
                checked = now
                self._sync()
            if (stop is not None and stop.is_set()) or now >= ends_at:
                self._renew(now, last_delivery, disconnects_unsaved)
                return "stopped" if now < ends_at else "handed_over"
            if (now - renewed).total_seconds() >= RENEW_EVERY:
                renewed = now
                kept = self._renew(now, last_delivery, disconnects_unsaved)
                if kept is False:
                    log.error("stream lease lost to another holder", extra={"holder": self.report.holder})
                    return "lost_lease"
                if kept:
                    disconnects_unsaved = 0

    def _renew(self, now: datetime, last_delivery, disconnects: int) -> bool | None:
        try:
            return self.leases.renew(self.report.holder, now, now + timedelta(seconds=LEASE_SECONDS),
                                     last_delivery, disconnects)
        except StorageUnavailable as e:
            self.report.problems.append(f"renew: {e}")
            return None  # kept for now: the lease lasts LEASE_SECONDS, several renewals

    def _deliver(self, inbox: _Inbox, previous, final: bool = False) -> tuple[datetime | None, int]:
        """Queue the posts read; note connects and drops. (newest delivery time, drops)."""
        posts, events = inbox.take()
        dropped = 0
        for kind, at, detail in events:
            if kind == "connected":
                self._connected(at, previous)
            else:
                dropped += 1
                self.report.disconnects += 1
                log.warning("stream disconnected", extra={"holder": self.report.holder, "detail": detail})
        self.unsent += posts
        if self.unsent:
            self._send()
        if final and self.unsent:
            self.report.not_queued += len(self.unsent)
            log.error("posts read from the stream were not queued", extra={"count": len(self.unsent)})
            self.unsent = []
        return (self.clock() if posts else None), dropped

    def _send(self) -> None:
        try:
            failed = self.queue.send(self.unsent)
        except QueueUnavailable as e:
            self.report.problems.append(f"queue: {e}")
            return
        self.report.queued += len(self.unsent) - len(failed)
        self.unsent = failed

    def _connected(self, at: datetime, previous) -> None:
        self.report.connects += 1
        gap = None
        if self.report.connects == 1 and previous.holder is not None:
            # A holder that crashed never released: its last renewal is the latest it was known connected.
            before = previous.released_at or previous.renewed_at
            gap = round(max(0.0, (at - before).total_seconds()), 3) if before else None
            self.report.handover_gap_s = gap
        try:
            self.leases.connected(self.report.holder, at, gap)
        except StorageUnavailable as e:
            self.report.problems.append(f"connected: {e}")

    def _sync(self) -> None:
        try:
            wanted = wanted_rules(self.registry(), self.clock())
            if wanted == self.synced:
                return
            change = sync_rules(wanted, self.stream)
        except (StorageUnavailable, SourceUnavailable, RateLimited) as e:
            # The rules X holds stay as they were; tried again at the next registry check.
            self.report.rules_failed += 1
            self.report.problems.append(f"rules: {e}")
            log.warning("stream rules not synced", extra={"detail": str(e)})
            return
        self.synced = wanted
        self.report.rules_added += len(change.add)
        self.report.rules_deleted += len(change.delete)


def hold(registry: Callable[[], Registry], leases: StreamLeases, stream: FilteredStream, queue: MentionsQueue,
         clock: Callable[[], datetime], time_left: Callable[[], float] | None = None,
         stop: threading.Event | None = None, wait: Callable[[float], None] = time.sleep,
         holder_id: str | None = None) -> HoldReport:
    return Holder(registry, leases, stream, queue, clock, wait, holder_id).hold(time_left, stop)
