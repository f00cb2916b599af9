"""The designs a column of the day runs, behind one small interface, so the harness (day_sim.py) does not
change when the services do: `minute()` is what the schedules run at the start of each simulated minute,
`between(until)` what happens until the next minute (the streamed path), `stop()` ends what still runs.

Each invocation is timed; its duration (simulated seconds, which run at real speed) feeds Lambda's
GB-seconds. The services are called through chalicelib.runtime, as app.py's handlers call them.
"""

from __future__ import annotations

import importlib
import math
import threading
import time
from bisect import bisect_left
from datetime import datetime, timedelta

from chalicelib import runtime


class Design:
    name = ""
    label = ""
    functions: tuple[str, ...] = ()

    def __init__(self, clock, stack, xclock, posts: list[tuple[str, datetime]]):
        """`posts`: (tweet id, created_at) of the span's posts, oldest first."""
        self.clock, self.stack, self.xclock, self.posts = clock, stack, xclock, posts
        self.invocations: list[tuple[str, float]] = []  # (function, seconds)

    @classmethod
    def available(cls) -> str | None:
        """None when this branch has what the design needs; else why not."""
        return None

    def timed(self, function: str, work):
        started = self.clock()
        try:
            return work()
        finally:
            self.invocations.append((function, (self.clock() - started).total_seconds()))

    def start(self) -> None:
        pass

    def minute(self) -> None:
        raise NotImplementedError

    def between(self, until: datetime) -> None:
        pass

    def outage(self, on: bool) -> None:
        pass

    def stop(self) -> None:
        pass


class Baseline(Design):
    """Today's design: every watched handle's mentions timeline read every minute (services/poll.py)."""

    name, label, functions = "baseline", "baseline: poll each handle every minute", ("poll",)

    def minute(self) -> None:
        self.timed("poll", runtime.run_poll)


def _has(module: str, attribute: str) -> bool:
    try:
        return hasattr(importlib.import_module(module), attribute)
    except ImportError:
        return False


class SearchOnly(Design):
    """The new design with the stream switched off: the batched search reconciler every minute."""

    name, label, functions = "search_only", "new design, stream off", ("reconcile",)

    @classmethod
    def available(cls) -> str | None:
        return None if _has("chalicelib.runtime", "run_reconcile") else "no reconciler (run_reconcile) on this branch"

    def minute(self) -> None:
        self.timed("reconcile", runtime.run_reconcile)


class Streamed(SearchOnly):
    """The new design: the filtered stream held by stream_holder, queued on SQS, recorded by record_mentions;
    the search reconciler every minute catches what the stream missed."""

    name, label, functions = "new", "new design: stream + search", ("reconcile", "stream_holder", "record_mentions")
    DELIVERY_WAIT = 1.0  # real seconds to wait for the local X's stream to hand a post to tweepy's thread
    CONNECT_WAIT = 2.0  # real seconds to wait for a holder's connection before the clock moves on

    @classmethod
    def available(cls) -> str | None:
        if not _has("chalicelib.runtime", "run_stream_holder"):
            return "no stream holder (run_stream_holder) on this branch"
        return super().available()

    def start(self) -> None:
        from bench.day_stream import Gate

        self.gate, self.stopping, self.delivered, self.down = Gate(), threading.Event(), 0, False
        self.hub = self.stack.x.state.stream
        self.times = [at for _, at in self.posts]
        stream = runtime.filtered_stream()
        start = stream.start

        def counted_start(on_post, on_connect, on_disconnect):
            def on_post_counted(body):
                on_post(body)
                self.delivered += 1
            return start(on_post_counted, on_connect, on_disconnect)

        stream.start = counted_start  # the bench counts deliveries, to know when the stream has handed them over

    def minute(self) -> None:
        super().minute()
        self.gate.start(lambda: self.timed("stream_holder", self._hold))  # the schedule's invocation
        self._tick()

    def _hold(self):
        from chalicelib.services import stream as stream_service

        began = self.clock()
        return stream_service.hold(runtime.registry, runtime.storage().stream, runtime.filtered_stream(),
                                   runtime.mentions_queue(), self.clock, wait=self.gate.wait, stop=self.stopping,
                                   time_left=lambda: 900.0 - (self.clock() - began).total_seconds())

    def between(self, until: datetime) -> None:
        """Each second in which posts were made: the clocks go there, the stream delivers, the holders tick."""
        now = self.clock()
        first, last = bisect_left(self.times, now), bisect_left(self.times, until)
        seconds = sorted({math.ceil(at.timestamp()) for at in self.times[first:last]})
        for second in seconds:
            at = datetime.fromtimestamp(second, now.tzinfo)
            due = [i for i, t in self.posts[first:last] if now <= t <= at and not self.hub.dropped(i)]
            self._connecting()
            if at > self.clock():  # a (re)connect took long enough for this second to have come
                self.clock.set(at)
                self.xclock.follow()
            if self.hub.report()["connected"]:
                expected, deadline = self.delivered + len(due), time.monotonic() + self.DELIVERY_WAIT
                while self.delivered < expected and time.monotonic() < deadline:
                    time.sleep(0.005)
            now = at + timedelta(microseconds=1)
            self._tick()

    def _connecting(self) -> None:
        """A holder connecting takes real time, which the clock counts: the next second waits for it (while
        X is up), rather than being skipped to before the connection could have been made."""
        deadline = time.monotonic() + self.CONNECT_WAIT
        while (not self.down and self.gate.holding and not self.hub.report()["connected"]
               and time.monotonic() < deadline):
            time.sleep(0.01)

    def _tick(self) -> None:
        from bench.day_stream import consume

        self.gate.step()
        consume(runtime.mentions_queue().sqs, runtime.config().mentions_queue_url,
                lambda messages: self.timed("record_mentions", lambda: runtime.run_record_mentions(messages)))

    def outage(self, on: bool) -> None:
        self.down = on
        if on:  # X is down: the live stream drops, and reconnecting gets 503 until it is back
            self.stack.control("POST", "stream", {"disconnect": True})

    def stop(self) -> None:
        self.stopping.set()
        for _ in range(100):
            if not self.gate.holding:
                return
            self.gate.step()


DESIGNS = {d.name: d for d in (Streamed, SearchOnly, Baseline)}
