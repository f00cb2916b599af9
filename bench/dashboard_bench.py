"""How the admins' dashboard's time grows with the desk: GET /app/dashboard at 1,000 and 100,000 complaints
(not a test; target: the larger no more than 1.2 times the smaller).

    .venv/bin/python bench/dashboard_bench.py [--sizes 1000 100000] [--repeats 5]

One clean local stack is seeded with the smaller number, timed, grown to the larger and timed again.
It is seeded directly: complaints made by the domain
(Complaint.receive, four in five then resolved, over the last 60 days, across the 75 districts and 11
departments) are put into the moto server's table (in this process) as the desk stores them
(adapters/dynamo_items.to_item, index keys and all), and the counters their changes move, summed,
written as the counter items their ADDs would leave.
The page is then asked for `--repeats` times as an admin through chalice.test.Client (after one
warm-up) and the median time kept, with the AWS requests and the items DynamoDB returned per page.

moto by itself answers every Query by listing and sorting the whole table; devtools/moto_fixes.py (fix
3) makes a Query look its partition up, as DynamoDB does, so the time here follows the page's own
work. The requests and items per page, which DynamoDB's time follows, are printed beside the time: the
requests must be the same at both sizes. Ends with one JSON line.
"""

from __future__ import annotations

import argparse
import gc
import json
import statistics
import sys
import time
from collections import Counter
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from devtools.stack import DUMMY_SIGNING_KEY, LocalStack  # noqa: E402

RESOLVED_SHARE = 0.8
DAYS = 60


@dataclass(frozen=True)
class Decision:
    district: int | None
    department: str
    urgent: bool
    is_complaint: bool = True
    confidence: float = 0.9
    masked_text: str = "Gali me 3 din se pani nahi aa raha"
    outcome: str = "complaint"  # triage's outcome: one an officer is alerted to
    channel: str | None = None


def seed(stack: LocalStack, start: int, n: int, counts: dict, days: float = DAYS,
         resolved_share: float = RESOLVED_SHARE, alerted: bool = False) -> None:
    """Complaints start..n-1, received over the last `days` (their first alert sent when `alerted`),
    written straight into the table, and the counters (`counts`, running over every seeding of this
    table) their changes move."""
    from chalicelib import runtime
    from chalicelib.adapters import dynamo_items as items
    from chalicelib.adapters.dynamo_stats import scope_key
    from chalicelib.domain.complaint import Complaint
    from chalicelib.domain.departments import DEPARTMENTS
    from chalicelib.domain.districts import DISTRICTS
    from chalicelib.domain.lifecycle import Action
    from chalicelib.domain.values import Mention, reference

    policies, now = runtime.policies(), runtime.utcnow()
    districts = list(DISTRICTS)
    dynamodb, table = stack.client("dynamodb"), stack.env["TABLE_NAME"]
    batch: list[dict] = []
    for i in range(start, n):
        at = now - timedelta(minutes=((i - start) * days * 1440) // (n - start) + 30)
        district, department = districts[i % len(districts)], DEPARTMENTS[i % len(DEPARTMENTS)]
        mention = Mention(tweet_id=str(10**15 + i), text="Gali me 3 din se pani nahi aa raha", author_id=str(i),
                          author_username=f"citizen{i}", created_at=at, conversation_id=str(10**15 + i),
                          mentioned=("uppolice",))
        change = Complaint.receive(mention, Decision(district, department, i % 17 == 0), ("uppolice",),
                                   reference(district, at.year, i + 1), at, policies)
        changes = [change, change.after.alert_sent(f"seeded-{i}", at)] if alerted else [change]
        if (i % 10) < resolved_share * 10:
            changes.append(changes[-1].after.act(Action("resolve", "bench", note="done"), at + timedelta(hours=i % 96 + 1),
                                            policies))
        for c in changes:
            for scope, deltas in c.counts.items():
                into = counts.setdefault(scope, Counter())
                into.update(deltas)
        batch.append(items.to_item(changes[-1].after))
        if len(batch) == 1000:
            _write(dynamodb, table, batch)
            batch = []
    if batch:
        _write(dynamodb, table, batch)
    # The counter items as the ADDs would leave them (moto parses every update expression: slow in bulk).
    _write(dynamodb, table, [scope_key(scope) | {name: {"N": str(n)} for name, n in c.items() if n}
                             for scope, c in counts.items()])


def _write(dynamodb, table: str, batch: list[dict]) -> None:
    """Straight into the moto server's table (it runs in this process): a lakh of items over HTTP would
    take the bench half an hour on a shared machine. The items are those the desk's writes leave."""
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.dynamodb.models import dynamodb_backends

    from devtools.stack import REGION

    stored = dynamodb_backends[DEFAULT_ACCOUNT_ID][REGION].get_table(table)
    for item in batch:
        stored.put_item(item)


class Requests:
    """AWS requests and the items DynamoDB returned, counted with botocore's hooks."""

    def __init__(self):
        self.calls, self.items = Counter(), 0

    def install(self, client) -> None:
        client.meta.events.register("after-call.*.*", self._after)

    def _after(self, parsed, model, **_):
        self.calls[model.name] += 1
        self.items += len(parsed.get("Items", [])) + sum(len(v) for v in parsed.get("Responses", {}).values()
                                                          if isinstance(v, list))


def measure(stack: LocalStack, start: int, n: int, counts: dict, repeats: int) -> dict:
    """Grow the table to n complaints, then time the page."""
    from chalice.test import Client

    from app import app
    from chalicelib import auth, runtime
    from chalicelib.adapters.aws import client

    gc.unfreeze()
    started = time.monotonic()
    seed(stack, start, n, counts)
    seeded = time.monotonic() - started
    # moto holds the table in this process: a lakh of items is millions of Python objects, which every
    # full garbage collection would walk during the page (a cost of the bench, not of DynamoDB).
    gc.collect()
    gc.freeze()
    token = auth.issue(DUMMY_SIGNING_KEY, "bench", "admin", now=runtime.utcnow())
    headers = {"Authorization": f"Bearer {token}"}
    counted = Requests()
    counted.install(client("dynamodb"))
    with Client(app, stage_name="local") as http:
        assert http.http.get("/app/dashboard", headers=headers).status_code == 200  # warm: secrets, imports
        times = []
        counted.calls.clear()
        counted.items = 0
        for _ in range(repeats):
            t = time.perf_counter()
            answer = http.http.get("/app/dashboard", headers=headers)
            times.append(time.perf_counter() - t)
            assert answer.status_code == 200 and answer.body.count(b'<tr data-key="') == 86
    client("dynamodb").meta.events.unregister("after-call.*.*", counted._after)
    return {"complaints": n, "seconds": statistics.median(times), "seed_seconds": round(seeded, 1),
            "requests": sum(counted.calls.values()) / repeats, "items": counted.items / repeats,
            "by_operation": {k: v / repeats for k, v in sorted(counted.calls.items())}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs=2, default=(1000, 100_000))
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    from chalicelib import runtime

    small_n, large_n = args.sizes
    with LocalStack() as stack:
        stack.reset()
        runtime.registry.cache_clear()
        runtime.subscriptions.cache_clear()
        counts: dict = {}
        # One table, grown: both sizes are timed in the same process and stack, minutes apart.
        results = [measure(stack, 0, small_n, counts, args.repeats),
                   measure(stack, small_n, large_n, counts, args.repeats)]
    for r in results:
        print(f"{r['complaints']:>7} complaints (seeded in {r['seed_seconds']} s): {r['seconds'] * 1000:.0f} ms per page, "
              f"{r['requests']:.0f} DynamoDB requests {r['by_operation']}, {r['items']:.0f} items returned")
    small, large = results
    ratio = large["seconds"] / small["seconds"]
    # Items returned grow until every district has an open complaint (one oldest each), then stay.
    work = large["requests"] == small["requests"]
    print(f"time ratio {ratio:.2f} (target <= 1.2); "
          f"DynamoDB requests per page {'the same' if work else 'DIFFERENT'} at both sizes")
    print(json.dumps({"ratio": round(ratio, 2), "same_work": work, "small_ms": round(small["seconds"] * 1000),
                      "large_ms": round(large["seconds"] * 1000), "requests": large["requests"],
                      "items": large["items"]}))


if __name__ == "__main__":
    main()
