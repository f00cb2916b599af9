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
