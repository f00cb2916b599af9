"""Every X call through the budget: asked before, told X's x-rate-limit-* headers after.

    with gate.guard("search") as seen:        # RateLimited(reset) here when the family is spent: X is not called
        response = client.search_recent_tweets(...)
        seen(response)                         # the headers of the answer (a 429 raised through is seen too)

A refused call never reaches X. A 429 records the window as spent until its x-rate-limit-reset, so
every later call of that family, in any function, waits without calling X. A handle's posts also
count in the app's day (x-app-limit-24hour-*), which X reports beside the handle's own window.
"""

from __future__ import annotations

from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from typing import Callable, Iterator

from ..services.ports import RateLimited, XBudget

UNKNOWN_RESET = timedelta(minutes=1)  # a 429 without x-rate-limit-reset: wait this long
WINDOWS = (("x-rate-limit", False), ("x-app-limit-24hour", True))  # header prefix, whether it is the app's


def _int(headers, name: str) -> int | None:
    try:
        return int(headers.get(name))
    except (TypeError, ValueError):
        return None


def reset_of(headers) -> datetime | None:
    """X's x-rate-limit-reset (epoch seconds) as a time; None when absent or malformed."""
    reset = _int(headers or {}, "x-rate-limit-reset")
    return datetime.fromtimestamp(reset, tz=timezone.utc) if reset is not None else None


class XBudgetGate:
    """`budget` None: no budget (a test of the adapter alone); calls go straight to X."""

    def __init__(self, budget: XBudget | None, clock: Callable[[], datetime]):
        self.budget, self.clock = budget, clock

    def ask(self, family: str, user: str | None = None) -> None:
        """RateLimited(reset) when the family (or the handle's window) is spent: do not call X."""
        if self.budget is None:
            return
        answer = self.budget.take(family, self.clock(), user)
        if answer is not True:
            raise RateLimited(answer)

    def seen(self, family: str, response, user: str | None = None) -> None:
        """Tell the budget what X's answer (any status) said of its windows."""
        if self.budget is None or response is None:
            return
        headers, refused = getattr(response, "headers", None) or {}, getattr(response, "status_code", None) == 429
        found = []
        for prefix, app in WINDOWS:
            remaining = _int(headers, f"{prefix}-remaining")
            reset = _int(headers, f"{prefix}-reset")
            if remaining is not None and reset is not None:
                found.append([app, remaining, datetime.fromtimestamp(reset, tz=timezone.utc),
                              _int(headers, f"{prefix}-limit")])
        if refused:
            spent = [w for w in found if w[1] <= 0] or found[:1]
            if not spent:  # X said 429 without its headers: wait a while all the same
                found = spent = [[False, 0, self.clock() + UNKNOWN_RESET, None]]
            for w in spent:
                w[1] = 0
        for app, remaining, reset, limit in found:
            self.budget.observe(family, remaining, reset, limit, None if app else user)

    @contextmanager
    def guard(self, family: str, user: str | None = None) -> Iterator[Callable]:
        self.ask(family, user)
        try:
            yield lambda response: self.seen(family, response, user)
        except Exception as e:
            # A 429 (or any refusal) raised through: its response, on the error or on the one it was raised from.
            failed = getattr(e, "response", None) or getattr(e.__cause__, "response", None)
            if getattr(failed, "status_code", None) == 429:
                self.seen(family, failed, user)
            raise
