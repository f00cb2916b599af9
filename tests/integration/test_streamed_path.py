"""The streamed path on the local stack: posts on the SQS queue (moto), the recorder function through
Chalice's test client, complaints and alerts in DynamoDB and SNS."""

from __future__ import annotations

import json

import pytest
from chalice.test import Client

from app import app
from chalicelib import runtime
from chalicelib.adapters.sqs_mentions import SqsMentionsQueue
from devtools.mentions_consumer import consume_once


def delivery(tweet_id: int, text: str, *tagged: str, author="501") -> dict:
    """One post as the filtered stream delivers it, the shape the holder queues."""
    mentions, at = [], 0
    for handle in tagged:
        at = text.index(f"@{handle}", at)
        mentions.append({"start": at, "end": at + len(handle) + 1, "username": handle, "id": f"9{tweet_id}"})
    return {"data": [{"id": str(tweet_id), "text": text, "author_id": author,
                      "created_at": "2026-11-29T05:59:00.000Z", "conversation_id": str(tweet_id),
                      "edit_history_tweet_ids": [str(tweet_id)], "entities": {"mentions": mentions}}],
            "includes": {"users": [{"id": author, "username": "asha_verma"}]},
            "matching_rules": [{"id": "1", "tag": "complaint-desk"}]}


@pytest.fixture
def recorder(stack):
    sqs = stack.client("sqs")
    url = sqs.get_queue_url(QueueName=stack.env["MENTIONS_QUEUE_URL"].rsplit("/", 1)[1])["QueueUrl"]
    with Client(app, stage_name="local") as client:
        yield sqs, url, lambda: consume_once(sqs, url, lambda event: client.lambda_.invoke("record_mentions", event).payload)


def visible(sqs, url) -> tuple[int, int]:
    a = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    return int(a["ApproximateNumberOfMessages"]), int(a["ApproximateNumberOfMessagesNotVisible"])


def test_queued_posts_become_complaints_and_alerts_and_leave_the_queue(stack, recorder):
    sqs, url, consume = recorder
    posts = [delivery(1862000000000000100 + i, f"@lucknowpolice chain snatching Gomti Nagar {i}", "lucknowpolice")
             for i in range(12)]
    assert runtime.mentions_queue().send(posts) == []
    answers = [consume(), consume()]
    assert all(a == {"batchItemFailures": []} for a in answers)
    assert consume() is None and visible(sqs, url) == (0, 0)
    alerts = stack.received("lucknow-police")
    assert len(alerts) == 12


def test_a_post_queued_twice_is_one_complaint(stack, recorder):
    sqs, url, consume = recorder
    post = delivery(1862000000000000200, "@lucknowpolice phone chori Hazratganj", "lucknowpolice")
    SqsMentionsQueue(stack.env["MENTIONS_QUEUE_URL"], sqs).send([post, post])
    assert consume() == {"batchItemFailures": []}
    assert len(stack.received("lucknow-police")) == 1


def test_an_unreadable_message_is_reported_failed_and_stays_for_the_dead_letter_queue(stack, recorder):
    sqs, url, consume = recorder
    sqs.send_message(QueueUrl=url, MessageBody="not a post")
    answer = consume()
    assert len(answer["batchItemFailures"]) == 1 and visible(sqs, url) == (0, 1)
    redrive = json.loads(sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["RedrivePolicy"])
                         ["Attributes"]["RedrivePolicy"])
    assert int(redrive["maxReceiveCount"]) == 5 and redrive["deadLetterTargetArn"].endswith("-dlq")


def test_a_post_dynamodb_failed_to_store_is_a_batch_item_failure_and_recorded_when_sqs_delivers_it_again(stack):
    import boto3
    from botocore.config import Config

    from chalicelib.adapters.dynamo import storage
    from chalicelib.adapters.x_source import mentions_from
    from chalicelib.services.queued import record
    from chalicelib.triage import triage
    from devtools.fault_proxy import FaultProxy, server_error
    from devtools.stack import REGION

    first = delivery(1862000000000000301, "@lucknowpolice chori Aminabad", "lucknowpolice")
    second = delivery(1862000000000000302, "@lucknowpolice chori Alambagh", "lucknowpolice")
    batch = [("m1", json.dumps(first)), ("m2", json.dumps(second))]
    with FaultProxy(stack.aws_url) as proxy:
        client = boto3.session.Session().client("dynamodb", endpoint_url=proxy.url, region_name=REGION,
                                                config=Config(retries={"mode": "standard", "total_max_attempts": 1}))
        store = storage(stack.env["TABLE_NAME"], client)

        def run(messages):
            return record(messages, runtime.registry(), store, runtime.alerts(), None, runtime.utcnow,
                          runtime.policies(), triage, mentions_from)

        proxy.queue(server_error("TransactWriteItems"))  # the first post's complaint is not written
        report = run(batch)
        assert report.response() == {"batchItemFailures": [{"itemIdentifier": "m1"}]} and len(report.created) == 1
        again = run(batch[:1])
        assert again.failed == [] and len(again.created) == 1
    assert len(stack.received("lucknow-police")) == 2
