"""One chaos scenario on its own local stack: the stack (moto + local X, the chaos registry of watched
handles, every handle authorised), the seeded workload posted to the local X, the desk's functions run in
worker processes on a seeded schedule and SIGKILLed at random, the clocks, and the end: faults off, the
functions run in rounds until nothing waits, the invariants checked. `Ctx` is what a scenario's run(ctx) gets;
its interface is documented in devtools/chaos/scenarios/__init__.py.
"""

from __future__ import annotations

import json
import os
import random
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import requests

from bench.day_stack import DayStack
from bench.day_workload import Shape, handles as day_handles
from chalicelib.domain.districts import DISTRICTS
from devtools.chaos import workload
from devtools.chaos.pool import Pool, Worker
from devtools.stack import EXAMPLE_OFFICERS, Officer

WEIGHTS = {"reconcile": 3, "record_mentions": 4, "stream_holder": 2, "sweep": 1}
MAX_EACH = 2  # overlapping invocations of each function
WORKER_OUTPUT = {"POWERTOOLS_LOG_LEVEL": "INFO", "POWERTOOLS_METRICS_DISABLED": "false"}
SETTLE_ROUNDS = 12  # the bound: what still waits after this many rounds is stuck
SETTLE_STEP = timedelta(minutes=16)  # each round moves the clocks past one X rate window and a stale claim
# The watched handles: 30 district police, 12 district magistrates, 2 police zones, 6 departments.
REGISTRY_SHAPE = Shape(handles=50, district_police=30, magistrates=12, zones_and_ranges=2)


def _plant_or_nothing():
    try:
        from devtools.chaos import pii
        return pii.plant
    except ImportError:  # helper `pii` not merged yet: nothing planted
        return workload._no_pii


class Ctx:
    def __init__(self, name: str, seed: int, mentions: int, out_dir: Path):
        self.name, self.seed, self.mentions, self.out_dir = name, seed, mentions, out_dir
        self.rng = random.Random(f"{name}:{seed}")
        self.registry = day_handles(REGISTRY_SHAPE)
        self.handles = [h.handle for h in self.registry]
        self.districts = [(d.name_en, d.name_hi) for d in sorted(DISTRICTS.values(), key=lambda d: d.lgd)]
        self.stack = DayStack(self.registry, datetime.now(timezone.utc) - timedelta(minutes=5))
        # Most complaints reach an officer (the district police's desks); the magistrates' and departments' go
        # unrouted to the state desk, so both paths are exercised.
        self.stack.officers = (*EXAMPLE_OFFICERS, Officer("district-police", {"department": ["police"], "level": ["L1"]}))
        self.pool = Pool(out_dir)
        self.worker_env: dict[str, str] = {}  # overrides for the workers (e.g. AWS through a fault proxy)
        self.offset = timedelta(0)  # how far the desk's and X's clocks are ahead of real time
        self.posted: list[dict] = []
        self.ids: dict[str, str] = {}  # act key -> X id (an edit: its new version's)
        self.planted: list[str] = []
        self.captured: list[tuple[str, str]] = []
        self.faults_off: list = []  # callables that switch this scenario's faults off, run before settling
        self.plant = _plant_or_nothing()

    # --- the stack -----------------------------------------------------------------------------
    def start(self) -> "Ctx":
        self._hear_sms()
        self.stack.start()
        self.stack.provision()
        self.stack.authorise_all()
        return self

    def _hear_sms(self) -> None:
        """moto (in this process) delivers nothing to SMS subscribers: keep the SMS text of every publish
        (the "sms" part of a json-structured message, or a text sent to a phone) for the PII scan."""
        from moto.sns.models import SNSBackend

        publish, captured = SNSBackend.publish, self.captured

        def hearing(backend, message, arn, phone_number=None, *args, message_structure=None, **kwargs):
            if phone_number:
                captured.append(("sms", message))
            elif message_structure == "json":
                try:
                    sms = json.loads(message).get("sms")
                except ValueError:
                    sms = None
                if sms:
                    captured.append(("sms", sms))
            return publish(backend, message, arn, phone_number, *args, message_structure=message_structure, **kwargs)

        SNSBackend.publish = hearing

    def stop(self) -> None:
        for w in list(self.pool.running):
            self.pool.kill(w)
        self.pool.wait_all(5)
        self.stack.stop()

    def x(self, method: str, path: str, payload=None):
        """The local X's control endpoints (/_control/<path>)."""
        answer = requests.request(method, f"{self.stack.x.url}/_control/{path}", json=payload, timeout=120)
        answer.raise_for_status()
        return answer.json()

    def now(self) -> datetime:
        """The desk's and the local X's time."""
        return datetime.now(timezone.utc) + self.offset

    def advance(self, by: timedelta) -> None:
        """Move the desk's clock (the workers started from now on) and the local X's by `by`."""
        self.offset += by
        self.x("POST", "clock", {"now": self.now().isoformat(), "rate": 1})

    # --- the workload --------------------------------------------------------------------------
    def workload(self, count: int | None = None, n_waves: int = 10, burst_handle: str | None = None,
                 prefix: str | None = None) -> list[list[workload.Act]]:
        prefix = prefix or f"c{len(self.posted) // 1000}{self.rng.randrange(10**4):04d}"
        return workload.waves(self.rng, self.handles, count or self.mentions, self.districts, n_waves, self.plant,
                              burst_handle, prefix)

    def post(self, wave: list[workload.Act], times: list[datetime] | None = None) -> None:
        """Post one wave on the local X (edits one by one), and remember each post for the checks."""
        specs, keep = [], []
        for i, act in enumerate(wave):
            if act.op == "edit":
                continue
            spec = {"author": act.author, "text": act.text}
            if act.op == "follow_up":
                spec["in_reply_to"] = self.ids[act.parent]
            elif act.op == "retweet":
                spec = {"author": act.author, "retweet_of": self.ids[act.parent]}
            if times:
                spec["created_at"] = times[i].isoformat()
            specs.append(spec)
            keep.append(act)
        tweets = self.x("POST", "tweets", specs) if specs else []
        for act, tweet in zip(keep, tweets):
            self._remember(act, tweet)
        for act in wave:
            if act.op == "edit":
                self._remember(act, self.x("POST", f"tweets/{self.ids[act.parent]}/edit", {"text": act.text}))

    def _remember(self, act: workload.Act, tweet: dict) -> None:
        self.ids[act.key] = tweet["id"]
        self.planted += act.planted
        tagged = self.posted_tagged(act)
        self.posted.append({"key": act.key, "op": act.op, "id": tweet["id"], "parent": act.parent,
                            "created_at": tweet["created_at"], "tagged": tagged, "kind": act.kind})

    def posted_tagged(self, act: workload.Act) -> list[str]:
        if act.op == "retweet":
            return []
        return [h.lower() for h in act.tagged]

    # --- workers -------------------------------------------------------------------------------
    def env(self, **extra: str) -> dict[str, str]:
        # Logs at INFO and EMF metrics on stdout, as the deployed stages have them: the PII scan reads them all.
        return {**os.environ, **self.stack.env, **WORKER_OUTPUT, **self.worker_env,
                "CHAOS_CLOCK_OFFSET_SECONDS": str(self.offset.total_seconds()), **extra}

    def spawn(self, function: str, hold_seconds: float | None = None, batches: int | None = None) -> Worker:
        extra = {}
        if hold_seconds is not None:
            extra["CHAOS_HOLD_SECONDS"] = str(hold_seconds)
        if batches is not None:
            extra["CHAOS_BATCHES"] = str(batches)
        return self.pool.spawn(function, self.env(**extra))

    def run(self, function: str, timeout: float = 300, **options) -> dict | None:
        """One invocation to its end (no kill): its answer."""
        return self.pool.wait(self.spawn(function, **options), timeout).result

    def chaos(self, seconds: float, waves: list[list[workload.Act]] = (), kills: int = 30,
              weights: dict[str, int] = WEIGHTS, max_running: int = 4) -> None:
        """For `seconds`: post `waves` evenly, keep invocations of the functions (two of each at most) going on
        a seeded schedule, and SIGKILL `kills` of them at random points (each after it got going)."""
        rng, start = self.rng, time.monotonic()
        post_at = [start + seconds * 0.85 * i / max(1, len(waves)) for i in range(len(waves))]
        kill_at = sorted(start + rng.uniform(0.05, 1.0) * seconds for _ in range(kills))
        waves = list(waves)
        while time.monotonic() < start + seconds or waves or kill_at:
            now = time.monotonic()
            self.pool.reap()
            while waves and post_at[0] <= now:
                post_at.pop(0)
                self.post(waves.pop(0))
            if len(self.pool.running) < max_running:
                open_ = {f: w for f, w in weights.items() if w and self.pool.count(f) < MAX_EACH}
                if open_ and rng.random() < 0.6:
                    function = rng.choices(list(open_), weights=list(open_.values()))[0]
                    self.spawn(function, hold_seconds=rng.uniform(2, 8), batches=rng.randint(2, 8))
            if kill_at and kill_at[0] <= now:
                targets = [w for w in self.pool.running if w.age >= 0.8]
                if targets:
                    kill_at.pop(0)
                    self.pool.kill(rng.choice(targets))
            if now > start + seconds + 60:  # the kills could not all be placed: say so in the report
                break
            time.sleep(0.25)
        self.pool.wait_all(90)

    # --- the end -------------------------------------------------------------------------------
    def settle(self) -> dict:
        """Faults off; then rounds (at most SETTLE_ROUNDS, each moving the clocks SETTLE_STEP) of reconcile, the
        recorder until the queue is empty, and the sweep, until nothing waits after a round with no new work."""
        for switch_off in self.faults_off:
            switch_off()
        self.worker_env.clear()
        from devtools.chaos import records

        rounds, started = 0, time.monotonic()
        for rounds in range(1, SETTLE_ROUNDS + 1):
            self.advance(SETTLE_STEP)
            answer = self.run("reconcile") or {}
            for _ in range(20):
                got = self.run("record_mentions", batches=50) or {}
                if not got.get("received"):
                    break
            self.run("sweep")
            table = records.table_records(self.stack)
            waiting = any(c["alert"]["state"] == "pending" or any(r["status"] == "pending" for r in c["replies"].values())
                          for c in table["complaints"])
            if rounds >= 2 and not waiting and not answer.get("created") and not records.queue_depths(self.stack)["mentions"]:
                break
        return {"rounds": rounds, "bound": SETTLE_ROUNDS, "seconds": round(time.monotonic() - started, 1)}

    def explained_references(self) -> int:
        """Reference numbers the finished runs took for mentions that made no complaint (from their reports)."""
        total = 0
        for where, line in self.pool.captured():
            if '"report"' not in line or not line.startswith("{"):
                continue
            try:
                skipped = json.loads(line).get("report", {}).get("skipped", {})
            except ValueError:
                continue
            total += sum(n for k, n in skipped.items() if k not in ("retweet", "own_tweet", "triage_failed"))
        return total
