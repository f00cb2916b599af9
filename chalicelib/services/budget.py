"""The X budget's rules, whatever stores it: one window per endpoint family (and per handle for posting).

X counts every call of the app in its window, whichever function makes it, and reports the count
back in each answer's x-rate-limit-* headers; so while a window has plenty left, each function
counts its own calls in memory and the shared item is read once a run. The shared item is written
only when that matters to the others: a 429 or a spent window (everyone waits until its reset),
an app window's new window or drop of a tenth of its limit (for /status), and, below a small reserve, every call
(an atomic conditional decrement), so two functions never overspend the last few calls between them.

`take_turns` gives each handle or query group its turn when the budget cannot cover them all.
"""

from __future__ import annotations

import logging
import math
from dataclasses import replace
from datetime import datetime, timedelta

from .ports import StorageUnavailable, XWindow

log = logging.getLogger(__name__)

RESERVE = 5  # with this many calls left, every call is counted in the shared item
FRESH_FOR = timedelta(seconds=50)  # a copy read this long ago is read again: once per minute's run
WINDOW_MINUTES = 15  # X's usual rate window
STEP_SHARE = 10  # the shared item follows a plentiful window in steps of a tenth of its limit (for /status)
Key = tuple[str, "str | None"]


class Budget:
    """The rules over a store of windows. A subclass stores them: `_read`, `_record` (kept only when
    newer or lower than what is stored), `_spend` (one call off the stored window, atomically), `_all`."""

    def __init__(self, reserve: int = RESERVE, fresh_for: timedelta = FRESH_FOR):
        self.reserve, self.fresh_for = reserve, fresh_for
        self._held: dict[Key, tuple[datetime, XWindow]] = {}  # this function's view, and when it was read
        self._stored: dict[Key, XWindow] = {}  # what the shared item held when last read or written

    # --- storage, one item per window ---
    def _read(self, family: str, user: str | None) -> XWindow | None: ...
    def _record(self, window: XWindow) -> bool: ...
    def _spend(self, window: XWindow) -> tuple[bool, XWindow | None]:
        """One call off the stored window if it still has `window.reset` and calls left: (done, stored now)."""
    def _all(self) -> list[XWindow]: ...

    # --- the port ---
    def take(self, family: str, now: datetime, user: str | None = None) -> bool | datetime:
        for scope in [None] if user is None else [None, user]:  # a handle's posts count in the app's day too
            until = self._take_one((family, scope), now)
            if until is not None:
                return until
        return True

    def observe(self, family: str, remaining: int, reset: datetime, limit: int | None, user: str | None = None) -> None:
        key = (family, user)
        seen = XWindow(family, user, limit, max(0, remaining), reset)
        held = self._held.get(key)
        if held is not None:
            self._held[key] = (held[0], seen)
        if self._material(self._stored.get(key), seen) and self._quietly(lambda: self._record(seen), False):
            self._stored[key] = seen

    def allowance(self, family: str, now: datetime, user: str | None = None) -> int | None:
        window = self._window((family, user), now)
        if window.waiting_until(now):
            return 0
        if window.remaining is None or window.reset is None:
            # A new window not heard of yet: its limit spread over X's usual 15 minutes, when the limit is known.
            return max(1, window.limit // WINDOW_MINUTES) if window.limit else None
        runs_left = max(1, math.ceil((window.reset - now).total_seconds() / 60))
        return max(1, window.remaining // runs_left) if window.remaining > 0 else 0

    def windows(self, now: datetime) -> list[XWindow]:
        return sorted(self._all(), key=lambda w: (w.family, w.user or ""))

    # --- the rules ---
    def _window(self, key: Key, now: datetime) -> XWindow:
        held = self._held.get(key)
        if held is None or not (held[0] <= now < held[0] + self.fresh_for):
            try:
                stored = self._read(*key) or XWindow(*key)
            except StorageUnavailable as e:  # X still enforces its limits: the desk goes on with what it knew
                log.warning("X budget not read", extra={"family": key[0], "problem": str(e)})
                stored = held[1] if held else XWindow(*key)
            self._stored[key] = stored
            held = self._held[key] = (now, stored)
        window = held[1].current(now)
        if window is not held[1]:
            self._held[key] = (held[0], window)
        return window

    def _take_one(self, key: Key, now: datetime) -> datetime | None:
        window = self._window(key, now)
        if until := window.waiting_until(now):
            return until
        if window.remaining is None:
            return None  # X's next answer tells what is left
        if window.remaining <= self.reserve:
            done, stored = self._quietly(lambda: self._spend(window), (False, None))
            if stored is not None:
                self._stored[key] = stored
                if stored.reset is not None and (window.reset is None or stored.reset >= window.reset):
                    window = stored.current(now)
                    self._held[key] = (self._held[key][0], window)
            if done:
                return None
            if until := window.waiting_until(now):
                return until  # another function spent the last calls
        self._held[key] = (self._held[key][0], replace(window, remaining=max(0, window.remaining - 1)))
        return None

    @staticmethod
    def _quietly(write, otherwise):
        try:
            return write()
        except StorageUnavailable as e:
            log.warning("X budget not written", extra={"problem": str(e)})
            return otherwise

    def _material(self, stored: XWindow | None, seen: XWindow) -> bool:
        """Worth a write: the others would act differently (or /status would be a tenth off) without it."""
        if seen.remaining <= 0:
            return stored is None or stored.reset != seen.reset or stored.remaining != 0
        if seen.user is not None and seen.remaining > self.reserve:
            return False  # a handle's own plentiful window concerns nobody else: not stored (/status shows it when low)
        if stored is None or stored.reset != seen.reset or stored.remaining is None:
            return stored is None or stored.reset is None or seen.reset > stored.reset
        if seen.remaining >= stored.remaining:
            return False
        step = max(1, (seen.limit or 0) // STEP_SHARE)
        return seen.remaining <= self.reserve or stored.remaining - seen.remaining >= step


def take_turns(items: list, run: int, share: int | None) -> list:
    """`items` in the order to serve them in run number `run` when only `share` of them can be served per
    run: each run starts where the last one's share ended, so every item is served within
    ceil(len(items) / share) runs. `share` None (or enough for all): the items as they are."""
    if not items or share is None or share >= len(items):
        return list(items)
    start = (run * max(1, share)) % len(items)
    return items[start:] + items[:start]


def run_number(now: datetime) -> int:
    """The run of a per-minute schedule, from the clock: no state to keep between runs."""
    return int(now.timestamp() // 60)
