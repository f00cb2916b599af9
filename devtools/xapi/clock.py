"""The local X's clock: real time by default, or a chosen instant from which time runs `rate`
times faster (the bench plays a whole day in minutes). Everything X times follows it: rate
windows, token and code expiry, edit windows, the search window and indexing delay, post ids."""

from __future__ import annotations

import threading
import time
from datetime import datetime, timezone


class Clock:
    def __init__(self):
        self._lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        """Back to real time."""
        with self._lock:
            self._anchor_real = None  # real epoch seconds when the scaled clock was set
            self._anchor_now = 0.0  # the clock's epoch seconds at that moment
            self._rate = 1.0

    def set(self, now: datetime | None = None, rate: float = 1.0) -> datetime:
        """From this instant the clock reads `now` (default: what it reads) and runs `rate` times as fast."""
        rate = float(rate)
        if not rate > 0:
            raise ValueError("rate must be positive")
        if now is not None and now.tzinfo is None:
            raise ValueError("now needs a time zone, e.g. 2026-12-01T09:00:00Z")
        start = now.timestamp() if now is not None else self.time()
        with self._lock:
            self._anchor_real, self._anchor_now, self._rate = time.time(), start, rate
        return self.now()

    @property
    def rate(self) -> float:
        return self._rate

    def time(self) -> float:
        """Epoch seconds on this clock."""
        with self._lock:
            if self._anchor_real is None:
                return time.time()
            return self._anchor_now + (time.time() - self._anchor_real) * self._rate

    def now(self) -> datetime:
        return datetime.fromtimestamp(self.time(), timezone.utc)

    def report(self) -> dict:
        return {"now": self.now().isoformat().replace("+00:00", "Z"), "rate": self._rate,
                "real_time": self._anchor_real is None}
