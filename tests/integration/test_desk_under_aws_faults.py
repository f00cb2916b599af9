"""The desk's streamed path (the mentions queue, the recorder) and its reconciler (sending what waits) with AWS
reached through the fault proxy: DynamoDB throttling, 500s, dropped connections, lost answers and transaction
conflicts; SNS publish failures; SQS duplicate, repeated and out-of-order deliveries and visibility timeouts
that run out mid-batch. After the faults stop, every post is exactly one complaint, alerted and acknowledged
once, and the queue is empty."""

from __future__ import annotations

import threading
import time
from collections import Counter
from datetime import timedelta

import boto3
from botocore.exceptions import BotoCoreError, ClientError
import pytest
import requests

from chalicelib import runtime
from chalicelib.adapters import aws
from chalicelib.services.ports import QueueUnavailable, StorageUnavailable
from devtools.fault_proxy import FaultProxy
from devtools.mentions_consumer import consume_once
from devtools.stack import REGION
from tests.integration.local_x import BEARER, control
from tests.integration.test_desk_under_x_faults import (HANDLES, TEXTS,
                                                        assert_each_post_one_complaint_alerted_and_acknowledged_once)

HELD = ("config", "storage", "alerts", "alert_subscriptions", "x_budget", "source", "x_authorisation", "cipher",
        "ops_notices", "user_tokens", "replies", "mentions_queue", "registry")
VISIBILITY = 2
DYNAMODB = ["TransactWriteItems", "UpdateItem", "PutItem", "GetItem", "BatchGetItem", "Query"]


def forget_clients() -> None:
    aws.client.cache_clear()
    for name in HELD:
        getattr(runtime, name).cache_clear()


@pytest.fixture
def desk(stack, monkeypatch):
    """The desk's functions with AWS_ENDPOINT_URL on the fault proxy, handles authorised, one clock."""
    control(stack.x, "POST", "reset", {"mentions": False})
    for handle in HANDLES:
        stack.authorise(handle)
    with FaultProxy(stack.aws_url) as proxy:
        monkeypatch.setenv("AWS_ENDPOINT_URL", proxy.url)
        forget_clients()
        now = [runtime.utcnow()]
        monkeypatch.setattr(runtime, "utcnow", lambda: now[0])
        sqs = boto3.session.Session().client("sqs", endpoint_url=proxy.url, region_name=REGION)
        url = sqs.get_queue_url(QueueName=stack.env["MENTIONS_QUEUE_URL"].rsplit("/", 1)[1])["QueueUrl"]
        # A message whose batch failed, or whose delete was lost, comes back in seconds, not the queue's 6 minutes.
        sqs.set_queue_attributes(QueueUrl=url, Attributes={"VisibilityTimeout": str(VISIBILITY)})

        class Desk:
            failed_invocations = 0  # failed as Lambda sees it (DynamoDB unreachable at the start): run again

            def consume(self) -> dict | None:
                def invoke(event):
                    return runtime.run_record_mentions([(r["messageId"], r["body"]) for r in event["Records"]])
                try:
                    return consume_once(sqs, url, invoke, wait_seconds=0)
                except (StorageUnavailable, BotoCoreError, ClientError):  # the batch comes again after the timeout
                    self.failed_invocations += 1
                    return {}

            def drain(self, consumers: int = 2) -> None:
                """Consumers at once, as Lambda runs them, until the queue gives nothing."""
                def work():
                    while self.consume() is not None:
                        pass
                threads = [threading.Thread(target=work) for _ in range(consumers)]
                for t in threads:
                    t.start()
                for t in threads:
                    t.join(timeout=300)

            def reconcile(self, minutes: float = 16) -> dict | None:
                try:
                    report = runtime.run_reconcile()
                except StorageUnavailable:  # the next minute's run does it
                    self.failed_invocations += 1
                    report = None
                now[0] += timedelta(minutes=minutes)
                control(stack.x, "POST", "clock", {"now": now[0].isoformat()})
                return report

        desk = Desk()
        desk.proxy, desk.sqs, desk.url = proxy, sqs, url
        desk.reconcile(minutes=1)  # the cursors start
        yield desk
    forget_clients()


def queued_posts(stack, n: int) -> list[str]:
    """Posts on the local X, put on the mentions queue as the stream holder puts them (a one-post body each),
    as far as SQS takes them."""
    specs = [{"author": f"citizen_{i}", "text": f"@{HANDLES[i % len(HANDLES)]} {TEXTS[i % len(TEXTS)]} #{i}",
              "minutes_ago": 0.5} for i in range(n)]
    ids = [t["id"] for t in control(stack.x, "POST", "tweets", specs)]
    from chalicelib.adapters.x_source import TWEET_FIELDS, USER_FIELDS

    bodies = []
    for start in range(0, n, 100):
        answer = requests.get(f"{stack.x.url}/2/tweets", headers=BEARER, timeout=5, params={
            "ids": ",".join(ids[start:start + 100]), "tweet.fields": ",".join(TWEET_FIELDS),
            "expansions": "author_id", "user.fields": ",".join(USER_FIELDS)}).json()
        users = answer["includes"]["users"]
        bodies += [{"data": [t], "includes": {"users": [u for u in users if u["id"] == t["author_id"]]}}
                   for t in answer["data"]]
    try:
        runtime.mentions_queue().send(bodies)
    except QueueUnavailable:
        pass  # the posts are on X: the reconciler's search finds what the queue did not take
    return ids


def queue_empty(desk) -> bool:
    a = desk.sqs.get_queue_attributes(QueueUrl=desk.url, AttributeNames=["All"])["Attributes"]
    return int(a["ApproximateNumberOfMessages"]) == int(a["ApproximateNumberOfMessagesNotVisible"]) == 0


FAULTS = {
    "dynamodb": [(DYNAMODB, 0.5, ["throttled", "throttling", "500", "drop", "lost", "lost_500", "conflict"])],
    "sns": [(["Publish"], 0.5, ["throttling", "500", "drop", "lost"])],
    "sqs": [(["ReceiveMessage"], 0.7, ["duplicate", "shuffle", "redeliver", "visibility"]),
            (["SendMessageBatch", "DeleteMessageBatch"], 0.3, ["500", "drop", "lost"])],
}


@pytest.mark.parametrize("rules", FAULTS.values(), ids=FAULTS.keys())
def test_the_streamed_path_through_aws_faults_loses_and_doubles_nothing(stack, desk, rules):
    for operations, probability, kinds in rules:
        desk.proxy.chance(operations, probability, kinds, seed=16)
    posts = []
    for _ in range(3):
        posts += queued_posts(stack, 10)
        desk.drain()
        desk.reconcile(minutes=1)
    injected = sum(desk.proxy.injected.values())
    # Each answer lost after the request was carried out may repeat one alert (SNS standard topics publish at
    # least once; a lost "alert sent" write lets another run send it again).
    lost = sum(n for (_, kind), n in desk.proxy.injected.items() if kind in ("lost", "lost_500"))
    desk.proxy.clear()
    for _ in range(20):
        desk.drain()
        if queue_empty(desk):
            break
        time.sleep(VISIBILITY / 2)  # messages held by a lost delete or a failed batch come back
    for _ in range(3):
        desk.reconcile()
    assert injected > 0 and queue_empty(desk)
    assert_each_post_one_complaint_alerted_and_acknowledged_once(stack, posts)
    alerted = Counter((name, a["message"].split("\n")[0]) for name in ("lucknow-police", "noida-police", "state-desk",
                                                                        "state-triage") for a in stack.received(name))
    assert alerted and sum(n - 1 for n in alerted.values()) <= lost
