"""The designs a column of the day runs, behind one small interface, so the harness (day_sim.py) does not
change when the services do: `minute()` is what the schedules run at the start of each simulated minute,
`between(until)` what happens until the next minute (the streamed path), `stop()` ends what still runs.

Each invocation is timed; its duration (simulated seconds, which run at real speed) feeds Lambda's
GB-seconds. The services are called through chalicelib.runtime, as app.py's handlers call them.
"""

from __future__ import annotations

import importlib
from datetime import datetime
from typing import Callable

from chalicelib import runtime


class Design:
    name = ""
    label = ""
    functions: tuple[str, ...] = ()

    def __init__(self, clock: Callable[[], datetime], stack):
        self.clock, self.stack = clock, stack
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

    @classmethod
    def available(cls) -> str | None:
        if not _has("chalicelib.runtime", "run_stream_holder"):
            return "no stream holder (run_stream_holder) on this branch"
        return super().available() or "the streamed path is not wired into the bench yet"


DESIGNS = {d.name: d for d in (Streamed, SearchOnly, Baseline)}
