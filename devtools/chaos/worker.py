"""One invocation of one of the desk's functions, in a process of its own, so the harness can SIGKILL it at
any moment: `python -m devtools.chaos.worker <function>` with the local stack's environment.

Functions: reconcile (the minute's search, backfill, and sending what waits: alerts and replies), sweep,
stream_holder (held for CHAOS_HOLD_SECONDS, as if its Lambda time ran out then), record_mentions (batches from
the mentions queue, as Lambda's event source mapping delivers them; up to CHAOS_BATCHES batches, as a warm
container takes one after another).

CHAOS_CLOCK_OFFSET_SECONDS moves the desk's clock (chalicelib.runtime.utcnow) that far ahead of real time,
as the harness moves the local X's: the outage scenario's week passes in a moment. The invocation's answer is
printed last, on a line starting with RESULT_MARK.
"""

from __future__ import annotations

import json
import os
import sys
import time
from datetime import datetime, timedelta, timezone

RESULT_MARK = "CHAOS-RESULT "
LAMBDA_TIMEOUT = {"reconcile": 120.0, "sweep": 120.0, "record_mentions": 60.0}
RECEIVE_VISIBILITY = 20  # seconds: a killed recorder's batch comes back this soon, not after the queue's 360 s


def _patch_clock() -> None:
    offset = float(os.environ.get("CHAOS_CLOCK_OFFSET_SECONDS", "0"))
    if offset:
        from chalicelib import runtime

        runtime.utcnow = lambda: datetime.now(timezone.utc) + timedelta(seconds=offset)


def _time_left(seconds: float):
    started = time.monotonic()
    return lambda: seconds - (time.monotonic() - started)


def record_mentions() -> dict:
    """What the event source mapping does (devtools/mentions_consumer.py), with a short visibility timeout."""
    import boto3

    from chalicelib import runtime
    from devtools.mentions_consumer import BATCH_SIZE, sqs_event

    url = os.environ["MENTIONS_QUEUE_URL"]
    sqs = boto3.client("sqs", endpoint_url=os.environ["AWS_ENDPOINT_URL"], region_name=os.environ["AWS_REGION"])
    url = sqs.get_queue_url(QueueName=url.rsplit("/", 1)[1])["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    totals = {"batches": 0, "received": 0, "failed": 0, "created": 0}
    for _ in range(int(os.environ.get("CHAOS_BATCHES", "5"))):
        messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=BATCH_SIZE, WaitTimeSeconds=0,
                                       VisibilityTimeout=RECEIVE_VISIBILITY, AttributeNames=["All"]).get("Messages", [])
        if not messages:
            break
        event = sqs_event(messages, arn)
        answer = runtime.run_record_mentions([(r["messageId"], r["body"]) for r in event["Records"]],
                                             _time_left(LAMBDA_TIMEOUT["record_mentions"]))
        failed = {f["itemIdentifier"] for f in answer.get("batchItemFailures", [])}
        done = [{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(messages)
                if m["MessageId"] not in failed]
        if done:
            sqs.delete_message_batch(QueueUrl=url, Entries=done)
        totals["batches"] += 1
        totals["received"] += len(messages)
        totals["failed"] += len(failed)
    return totals


def invoke(function: str) -> dict:
    from chalicelib import runtime

    if function == "reconcile":
        report = runtime.run_reconcile(_time_left(LAMBDA_TIMEOUT["reconcile"]))
        return {k: (len(v) if isinstance(v, list) else v) for k, v in report.items()
                if isinstance(v, (int, float, str, list, dict))}
    if function == "sweep":
        return runtime.run_sweep()
    if function == "stream_holder":
        from chalicelib.services.stream import HANDOVER_MARGIN

        return runtime.run_stream_holder(_time_left(HANDOVER_MARGIN + float(os.environ.get("CHAOS_HOLD_SECONDS", "5"))))
    if function == "record_mentions":
        return record_mentions()
    raise SystemExit(f"no function {function!r}: reconcile, sweep, stream_holder, record_mentions")


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        raise SystemExit("usage: python -m devtools.chaos.worker <function>")
    _patch_clock()
    answer = invoke(argv[0])
    print(RESULT_MARK + json.dumps(answer, default=str, ensure_ascii=False), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
