"""The local X's request log, bounded: the most recent CALL_LOG_LIMIT requests (a day of `make serve` made
it grow without end). A reader never gets a silently partial log: once a request has been dropped, reading
is refused (CallLogOverflow; GET /_control/calls answers 409) until the log is cleared. A reader that needs
every request reads and clears it within CALL_LOG_LIMIT requests, as bench/day_sim.py does every
simulated hour."""

from __future__ import annotations

from collections import deque

CALL_LOG_LIMIT = 20_000


class CallLogOverflow(Exception):
    """The log dropped requests since it was last cleared: what it holds is not every request."""


class CallLog:
    def __init__(self, limit: int = CALL_LOG_LIMIT):
        self._entries: deque[dict] = deque(maxlen=limit)
        self.dropped = 0

    def append(self, entry: dict) -> None:
        if len(self._entries) == self._entries.maxlen:
            self.dropped += 1
        self._entries.append(entry)

    def last(self) -> dict:
        return self._entries[-1]

    def __len__(self) -> int:
        return len(self._entries)

    def read(self) -> list[dict]:
        if self.dropped:
            raise CallLogOverflow(f"the call log dropped its {self.dropped} oldest requests (it keeps "
                                  f"{self._entries.maxlen}); clear it (DELETE /_control/calls) and read it more often")
        return list(self._entries)

    def clear(self) -> None:
        self._entries.clear()
        self.dropped = 0
