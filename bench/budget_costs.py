"""What the shared X budget costs in DynamoDB per minute, on the local stack (store_costs.py's approach:
real boto3 calls counted with botocore hooks, through the product's entry point `runtime.run_poll()`).

    .venv/bin/python bench/budget_costs.py [minutes]

Each simulated minute is one scheduled run in a fresh container (the runtime's caches cleared: the worst
case; a warm container reads the budget again once its copy is 50 s old, which is the same once a minute).
The seeded handles are polled; every third minute new mentions arrive, so replies are posted too. The
budget's calls are told from the rest by their key (partition XBUDGET). Units: a GetItem of the small
budget item is 1 read unit (strongly consistent), an UpdateItem 1 write unit. Ends with one JSON line.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from devtools.stack import LocalStack  # noqa: E402


class Counted:
    """DynamoDB calls of one client, by (is it the budget's, operation)."""

    def __init__(self):
        self.calls: Counter = Counter()

    def hook(self, params, model, **_):
        key = params.get("Key") or {}
        values = params.get("ExpressionAttributeValues") or {}
        budget = key.get("pk", {}).get("S") == "XBUDGET" or {"S": "XBUDGET"} in values.values()
        self.calls[("budget" if budget else "other", model.name)] += 1


def main(minutes: int = 15) -> None:
    from chalicelib import runtime
    from chalicelib.adapters import aws

    with LocalStack() as stack:
        stack.provision()
        stack.authorise_seeded()
        counted = Counted()
        aws.client("dynamodb").meta.events.register("provide-client-params.dynamodb", counted.hook)
        x = stack.x.url
        per_minute = []
        for minute in range(minutes):
            for held in (runtime.x_budget, runtime.source, runtime.replies, runtime.x_authorisation):
                held.cache_clear()  # a new run in a fresh container
            if minute % 3 == 1:
                tweet = {"author": f"citizen_{minute}", "text": f"@lucknowpolice madad chahiye {minute}"}
                requests.post(f"{x}/_control/tweets", timeout=10, json=[tweet]).raise_for_status()
            before = Counter(counted.calls)
            runtime.run_poll()
            per_minute.append(counted.calls - before)
        total = sum(per_minute, Counter())
        budget = {op: n for (kind, op), n in total.items() if kind == "budget"}
        other = sum(n for (kind, _), n in total.items() if kind == "other")
        reads = budget.get("GetItem", 0) + budget.get("Query", 0)
        writes = budget.get("UpdateItem", 0)
        print(f"{minutes} minutes of the poll over {len(runtime.registry())} handles, a fresh container each minute")
        for op, n in sorted(budget.items()):
            print(f"  budget {op:<12} {n / minutes:6.2f} a minute")
        print(f"  budget calls {(reads + writes) / minutes:.2f} a minute, against {other / minutes:.1f} other DynamoDB "
              f"calls a minute of the same runs")
        print(json.dumps({"minutes": minutes, "budget_reads_per_minute": round(reads / minutes, 2),
                          "budget_writes_per_minute": round(writes / minutes, 2),
                          "other_dynamodb_calls_per_minute": round(other / minutes, 1)}))


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:2]))
