"""What storage costs per complaint on the local stack: AWS calls and (estimated) DynamoDB write units.

    .venv/bin/python bench/store_costs.py

It drives the product only through entry points that survive a rewrite of the storage layer:
`devtools.stack.LocalStack`, the local X server's control endpoint (to seed mentions) and
`chalicelib.runtime.run_poll()`. The table's indexes are read with DescribeTable.

Scenario (mentions from bench/mentions.py, seeded, so every run posts the same tweets):
  (a) a fresh desk (one empty poll first: it resolves the handles' user ids, a one-off):
      200 new mentions, polled until all are recorded and their alerts and replies are sent;
  (b) the desk grown to 1,000 complaints, then 200 new mentions measured the same way;
  (c) an idle poll, no new mentions: its AWS calls;
  (d) the floor: the least a complaint must cost (below).
Ends with one JSON line: calls_per_complaint (a), wcu_per_complaint (b), wcu_floor (d),
idle_poll_calls (c). Per complaint = everything the polls of a phase did, over the complaints
they created (the per-handle work of those polls included).

AWS calls are counted with botocore hooks (bench/capacity.py): API calls, not HTTP retries.

Write units are ESTIMATED: moto bills no capacity. The model, after DynamoDB's documented rules:
  - item size: attribute names (UTF-8 bytes) plus values: strings UTF-8 bytes, numbers one byte
    per two significant digits plus one, binary its bytes, booleans and null 1, sets the sum of
    their elements, lists and maps 3 bytes plus one per element plus the elements (map keys
    count like names);
  - a write costs ceil(size / 1 KB) units, at least 1, size being the larger of the item before
    and after (read with an un-hooked client just before and just after the call); in a
    transaction, twice that (a ConditionCheck is counted as a write of the item);
  - each global secondary index the item enters, leaves or changes in costs a write of the
    projected item (table keys, index keys, projected attributes; ALL projects everything):
    entering or leaving one write, a change of index key a delete plus a put, a change of
    projected attributes one write; nothing when the projection is unchanged. Index writes are
    not doubled in transactions, and the 100 bytes DynamoDB adds per index entry for storage are
    not counted;
  - a refused write (failed condition, cancelled transaction) costs each item's size once,
    with no index writes.

The floor (d), per complaint, from its measured sizes, then averaged:
  2 x (1 + ceil(S_new / 1 KB) + K)   one transaction: the tweet guard (small), the complaint at
                                      the size it was created with, K counter items (small)
  + 2 x ceil(S_max / 1 KB)            one update for "alert sent", one for "reply sent", at the
                                      largest size the complaint reached
  + G + 2                             one keys-only index entry (1 unit) for each index the new
                                      complaint is in (G), and leaving the pending-alert and
                                      pending-reply indexes
where the creating transaction is the one that creates the guard and the complaint (its
largest new item) and K counts the items it updates. No other index copies.

The moto server runs in this process: the resident memory printed is the stack's and the bench's.
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import boto3
import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.capacity import Recorder, units  # noqa: E402
from bench.mentions import generate  # noqa: E402
from devtools.stack import REGION, LocalStack  # noqa: E402

BATCH = 200
GROWN_TO = 1000
MAX_POLLS = 5  # per batch: one normally does it all; more only if X or SNS refused something


@dataclass
class Phase:
    complaints: int
    polls: int
    alerts: int
    replies: int
    calls: Counter
    wcu: Counter
    writes: list
    seconds: float

    @property
    def calls_per_complaint(self) -> float:
        return sum(self.calls.values()) / self.complaints

    @property
    def wcu_per_complaint(self) -> float:
        return sum(self.wcu.values()) / self.complaints


def rss_mb() -> int:
    status = Path("/proc/self/status").read_text()
    return int(next(line for line in status.splitlines() if line.startswith("VmRSS")).split()[1]) // 1024


class Desk:
    """The local stack with its X server emptied and unthrottled, and the recorder hooked in."""

    def __init__(self, stack: LocalStack):
        self.x_url = stack.x.url
        requests.post(f"{self.x_url}/_control/reset", json={"mentions": False}, timeout=10).raise_for_status()
        # X's real limits (100 posts a window) would stop the replies: the bench is about storage.
        for family in ("mentions", "users", "post"):
            requests.post(f"{self.x_url}/_control/rate_limits", json={"family": family, "limit": 100_000}, timeout=10).raise_for_status()
        reader = boto3.session.Session().client("dynamodb", endpoint_url=stack.aws_url, region_name=REGION)
        self.recorder = Recorder(reader).install()
        self.table = self.recorder.table(stack.env["TABLE_NAME"])
        # Every handle lets the desk reply as it (the steady state): an unauthorised handle's replies are
        # blocked and stay on the reply queue, which is not what this bench measures.
        from chalicelib import runtime

        for handle in runtime.registry():
            stack.authorise(handle.handle)
        self.authors = 0

    def run(self, mentions: int, seed: int, sizing: bool = True) -> Phase:
        from chalicelib import runtime

        if mentions:
            tweets = generate(mentions, seed, first_author=self.authors)
            self.authors += mentions
            requests.post(f"{self.x_url}/_control/tweets", json=tweets, timeout=30).raise_for_status()
        self.recorder.reset()
        self.recorder.sizing = sizing
        created = alerts = replies = polls = 0
        started = time.monotonic()
        while True:
            report = runtime.run_poll()
            polls += 1
            created += len(report["created"])
            alerts += report["alerts_sent"]
            replies += report["replies_sent"]
            if created >= mentions and not report["alerts_failed"] and not report["replies_failed"]:
                break
            if polls == MAX_POLLS:
                raise SystemExit(f"after {polls} polls: {created} of {mentions} recorded, last report {report}")
        r = self.recorder
        return Phase(created, polls, alerts, replies, Counter(r.calls), Counter(r.wcu), list(r.writes),
                     time.monotonic() - started)


def show(title: str, phase: Phase) -> None:
    print(f"\n{title}: {phase.complaints} complaints in {phase.polls} poll(s), "
          f"{phase.alerts} alerts and {phase.replies} replies sent; {phase.seconds:.0f} s, memory {rss_mb()} MB")
    per, unit = (phase.complaints, "per complaint") if phase.complaints else (1, "in all")
    for (service, op), n in sorted(phase.calls.items(), key=lambda kv: -kv[1]):
        print(f"  {service:>9} {op:<20} {n / per:7.2f} {unit}")
    print(f"  AWS calls {sum(phase.calls.values()) / per:.2f} {unit}")
    for (where, what), n in sorted(phase.wcu.items(), key=lambda kv: -kv[1]):
        print(f"  WCU {where:<5} {what:<16} {n / per:6.1f} {unit}")
    if phase.wcu:
        print(f"  WCU {sum(phase.wcu.values()) / per:.1f} {unit} (estimated)")


def floor(writes: list) -> float:
    """The floor of the module docstring, averaged over the complaints created in these writes."""
    created, largest = [], {}
    for operation, failed, items in writes:
        if failed:
            continue
        for w in items:
            largest[w.key] = max(largest.get(w.key, 0), w.after)
        new = [w for w in items if w.op == "Put" and not w.before]
        if operation == "TransactWriteItems" and len(new) >= 2:
            complaint = max(new, key=lambda w: w.after)
            counters = sum(w.op == "Update" for w in items)
            created.append((complaint, counters))
    if not created:
        raise SystemExit("no complaint-creating transaction seen: cannot compute the floor")
    floors = [
        2 * (1 + units(c.after) + k) + 2 * units(largest[c.key]) + c.indexes + 2
        for c, k in created
    ]
    c, k = created[len(created) // 2]
    print(f"\nFloor per complaint: 2 x (1 + ceil(S_new/1KB) + K) + 2 x ceil(S_max/1KB) + G + 2, e.g. "
          f"S_new {c.after} B, S_max {largest[c.key]} B, K {k}, G {c.indexes}: "
          f"{2 * (1 + units(c.after) + k)} + {2 * units(largest[c.key])} + {c.indexes + 2}")
    print(f"  complaint size at creation: median {statistics.median(x.after for x, _ in created):.0f} B; "
          f"floor {statistics.mean(floors):.1f} WCU (mean over {len(floors)} complaints)")
    return float(statistics.mean(floors))


def main() -> None:
    started = time.monotonic()
    with LocalStack() as stack:
        stack.provision()
        desk = Desk(stack)
        print(f"Table: {len(desk.table.indexes)} global secondary indexes "
              f"({', '.join(i.name + ('' if i.projected is None else ' keys') for i in desk.table.indexes)}); "
              f"memory {rss_mb()} MB")
        show("First poll, no mentions (resolves the handles' user ids, loads secrets)", desk.run(0, seed=0))
        fresh = desk.run(BATCH, seed=1)
        show(f"(a) Fresh desk, {BATCH} new mentions", fresh)
        total, seed = fresh.complaints, 2
        while total < GROWN_TO:
            total += desk.run(min(BATCH, GROWN_TO - total), seed=seed, sizing=False).complaints
            seed += 1
        print(f"\nDesk grown to {total} complaints; memory {rss_mb()} MB")
        grown = desk.run(BATCH, seed=seed)
        show(f"(b) At {total} complaints, {BATCH} new mentions", grown)
        # Secrets are cached for 5 minutes: one of two polls in a row may fetch them again.
        idle = min((desk.run(0, seed=0) for _ in range(2)), key=lambda p: sum(p.calls.values()))
        show("(c) Idle poll, no new mentions (the cheaper of two in a row)", idle)
        wcu_floor = floor(grown.writes)
        print(f"\nFresh desk: {fresh.calls_per_complaint:.2f} AWS calls and {fresh.wcu_per_complaint:.1f} WCU "
              f"per complaint; at {total}: {grown.calls_per_complaint:.2f} calls, {grown.wcu_per_complaint:.1f} WCU")
        print(f"Memory (moto server and bench, one process) {rss_mb()} MB after {total + grown.complaints} complaints; "
              f"{time.monotonic() - started:.0f} s")
    print(json.dumps({
        "calls_per_complaint": round(fresh.calls_per_complaint, 2),
        "wcu_per_complaint": round(grown.wcu_per_complaint, 1),
        "wcu_floor": round(wcu_floor, 1),
        "idle_poll_calls": sum(idle.calls.values()),
    }))


if __name__ == "__main__":
    main()
