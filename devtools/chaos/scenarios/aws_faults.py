"""AWS failing as AWS fails, while the workload is posted and the desk's functions run two at a time (and some
are killed): every worker reaches moto through devtools/fault_proxy.py, which fails a seeded share of requests.

DynamoDB: throttling (ProvisionedThroughputExceededException, ThrottlingException), 500s, dropped connections,
transactions cancelled by a conflict, and, more rarely, a write carried out whose answer is lost. SNS: publishes
throttled, failing with 500 or their connection dropped, and rarely one published whose answer is lost (SNS
publishes at least once: that alert comes twice, which the duplicate-alert rate counts). SQS: receives that
repeat a message, bring back one delivered before, come out of order, or hold messages for one second only, so a
batch still being recorded is delivered again to another recorder; sends and deletes failing or lost.
"""

from __future__ import annotations

from devtools.fault_proxy import FaultProxy

CHAOS_SECONDS = 60.0
KILLS = 30  # the suite asks at least 30 per scenario
READS = ["GetItem", "BatchGetItem", "Query"]
WRITES = ["TransactWriteItems", "UpdateItem", "PutItem", "BatchWriteItem", "DeleteItem"]


def run(ctx) -> dict:
    proxy = FaultProxy(ctx.stack.aws_url).__enter__()
    seed = ctx.seed
    proxy.chance(READS + WRITES, 0.1, ["throttled", "throttling", "500", "drop", "conflict"], seed)
    proxy.chance(WRITES, 0.01, ["lost", "lost_500"], seed + 1)
    proxy.chance(["Publish"], 0.12, ["throttling", "500", "drop"], seed + 2)
    proxy.chance(["Publish"], 0.003, ["lost"], seed + 3)
    proxy.chance(["ReceiveMessage"], 0.5, ["duplicate", "shuffle", "redeliver", "visibility"], seed + 4)
    proxy.chance(["SendMessageBatch", "DeleteMessageBatch"], 0.08, ["500", "drop", "lost"], seed + 5)
    ctx.worker_env["AWS_ENDPOINT_URL"] = proxy.url
    ctx.faults_off.append(lambda: (proxy.clear(), proxy.__exit__()))
    ctx.chaos(CHAOS_SECONDS, ctx.workload(), kills=KILLS)
    injected: dict[str, int] = {}
    for (operation, kind), n in sorted(proxy.injected.items()):
        injected[f"{operation}:{kind}"] = n
    return {"requests": len(proxy.seen), "injected": injected}
