"""The local stack for the simulated day: the day's registry seeded, its accounts on the local X, every
handle authorised to reply, and one clock that the desk and the local X both read.

The clock is a discrete simulation's: the bench sets it to each simulated minute in turn; within a
minute it runs at real speed, so the work the services do (real boto3 on moto, real tweepy on the
local X) takes the time it takes. The local X follows it through its settable clock
(POST /_control/clock {"now", "rate": 1}).
"""

from __future__ import annotations

import time
from dataclasses import replace
from datetime import datetime, timedelta

import requests

from chalicelib.domain.handles import Registry
from devtools.stack import LocalStack


class SimClock:
    """The simulated time: set to a minute, then running at real speed until set again."""

    def __init__(self, start: datetime):
        self.set(start)

    def set(self, at: datetime) -> None:
        self._at, self._real = at, time.monotonic()

    def __call__(self) -> datetime:
        return self._at + timedelta(seconds=time.monotonic() - self._real)

    def timestamp(self) -> float:
        return self().timestamp()


class XClock:
    """Keeps the local X's clock (POST /_control/clock) on the simulated one."""

    def __init__(self, x_url: str, clock: SimClock):
        self.url, self.clock = x_url, clock
        self.follow()

    def follow(self) -> None:
        """Called after each clock.set: the local X jumps to the same instant and runs at real speed."""
        requests.post(f"{self.url}/_control/clock", json={"now": self.clock().isoformat(), "rate": 1},
                      timeout=10).raise_for_status()


class DayStack(LocalStack):
    """LocalStack whose registry is the day's handles, live from `live_from`."""
    user_ids: dict[str, str]

    def __init__(self, registry: Registry, live_from: datetime):
        super().__init__()
        self.day_registry, self.live_from = registry, live_from

    def provision(self) -> None:
        """The day's accounts on the local X first (government check marks), so the registry is seeded with
        their user ids, as a desk that has run for a while knows them."""
        self.control("POST", "reset", {"mentions": False})
        self.user_ids = {h.key: self.control("POST", "users", {"username": h.handle, "verified_type": "government"})["id"]
                         for h in self.day_registry.all()}
        super().provision()

    def seed_registry(self) -> None:
        from chalicelib.adapters.dynamo_registry import item

        live = self.live_from
        entries = [item(replace(h, start_at=live, added_at=live, user_id=self.user_ids[h.key]))
                   for h in self.day_registry.all()]
        for start in range(0, len(entries), 25):  # BatchWriteItem takes 25 at a time
            batch = [{"PutRequest": {"Item": e}} for e in entries[start: start + 25]]
            answer = self.client("dynamodb").batch_write_item(RequestItems={self.env["TABLE_NAME"]: batch})
            assert not answer.get("UnprocessedItems"), "moto left registry entries unwritten"

    def authorise_all(self) -> None:
        """Every handle's owner authorises the desk to reply (the consent flow on the local X)."""
        for h in self.day_registry:
            self.authorise(h.handle)

    def control(self, method: str, path: str, payload=None):
        answer = requests.request(method, f"{self.x.url}/_control/{path}", json=payload, timeout=60)
        answer.raise_for_status()
        return answer.json()
