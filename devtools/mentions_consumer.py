"""What Lambda's SQS event source mapping does for record_mentions, for the local stack (`chalice local`
runs no SQS events): receive up to ten messages, invoke the function with them as an SQS event, delete
the messages it did not report as batch item failures. Those come back after the visibility timeout,
and go to the dead-letter queue after maxReceiveCount receives, as on AWS."""

from __future__ import annotations

from devtools.stack import REGION

BATCH_SIZE = 10  # as app.py's @app.on_sqs_message(batch_size=10)


def sqs_event(messages: list[dict], queue_arn: str) -> dict:
    """An SQS event as Lambda builds it from received messages."""
    return {"Records": [
        {"messageId": m["MessageId"], "receiptHandle": m["ReceiptHandle"], "body": m["Body"],
         "attributes": m.get("Attributes", {}), "messageAttributes": {}, "md5OfBody": m.get("MD5OfBody", ""),
         "eventSource": "aws:sqs", "eventSourceARN": queue_arn, "awsRegion": REGION}
        for m in messages
    ]}


def consume_once(sqs, queue_url: str, invoke, wait_seconds: int = 1) -> dict | None:
    """One batch through the recorder: its answer, or None when the queue had nothing."""
    arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    messages = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=BATCH_SIZE, WaitTimeSeconds=wait_seconds,
                                   AttributeNames=["All"]).get("Messages", [])
    if not messages:
        return None
    answer = invoke(sqs_event(messages, arn)) or {}
    failed = {f["itemIdentifier"] for f in answer.get("batchItemFailures", [])}
    done = [{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(messages)
            if m["MessageId"] not in failed]
    if done:
        sqs.delete_message_batch(QueueUrl=queue_url, Entries=done)
    return answer
