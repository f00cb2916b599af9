"""The local stack's moto fixes (devtools/moto_fixes.py): transactions still roll back exactly as
DynamoDB's do, and moto no longer keeps a copy of the table per transaction."""

import gc

import pytest


def key(pk: str) -> dict:
    return {"pk": {"S": pk}, "sk": {"S": "X"}}


def put(pk: str, **attrs) -> dict:
    return key(pk) | {name: {"S": value} for name, value in attrs.items()}


@pytest.fixture
def table(stack):
    db = stack.client("dynamodb")
    name = stack.env["TABLE_NAME"]
    db.put_item(TableName=name, Item=put("kept", note="before", alert_pending="Y", created_at="2026-01-01"))

    def items():
        return {i["pk"]["S"]: i for i in db.scan(TableName=name, ConsistentRead=True)["Items"]}

    return db, name, items


def test_a_cancelled_transaction_leaves_every_item_as_it_was(table):
    db, name, items = table
    before = items()
    with pytest.raises(db.exceptions.TransactionCanceledException):
        db.transact_write_items(TransactItems=[
            {"Put": {"TableName": name, "Item": put("new", note="x")}},
            {"Update": {"TableName": name, "Key": key("kept"), "UpdateExpression": "SET note = :n REMOVE alert_pending",
                        "ExpressionAttributeValues": {":n": {"S": "after"}}}},
            {"Delete": {"TableName": name, "Key": key("missing"), "ConditionExpression": "attribute_exists(pk)"}},
        ])
    assert items() == before


def test_a_transaction_naming_an_item_twice_is_refused_and_undone(table):
    db, name, items = table
    before = items()
    with pytest.raises(db.exceptions.ClientError):
        db.transact_write_items(TransactItems=[
            {"Put": {"TableName": name, "Item": put("twice", note="first")}},
            {"Put": {"TableName": name, "Item": put("twice", note="second")}},
        ])
    assert items() == before


def test_a_committed_transaction_writes_every_item(table):
    db, name, items = table
    db.transact_write_items(TransactItems=[
        {"Put": {"TableName": name, "Item": put("new", note="x"), "ConditionExpression": "attribute_not_exists(pk)"}},
        {"Update": {"TableName": name, "Key": key("kept"), "UpdateExpression": "SET note = :n",
                    "ExpressionAttributeValues": {":n": {"S": "after"}}}},
    ])
    assert items()["new"]["note"] == {"S": "x"}
    assert items()["kept"]["note"] == {"S": "after"}


def test_moto_keeps_no_copy_of_the_table_per_transaction(table):
    from moto.dynamodb.models.dynamo_type import Item

    db, name, _ = table
    for i in range(200):
        db.put_item(TableName=name, Item=put(f"item{i}", note="x" * 100))

    def live_items():
        gc.collect()
        return sum(isinstance(o, Item) for o in gc.get_objects())

    start = live_items()
    for i in range(50):
        db.transact_write_items(TransactItems=[{"Put": {"TableName": name, "Item": put(f"tx{i}", note="y")}}])
    # 50 new items, and at most a few copies in flight; moto's own way kept 50 x 200 copies.
    assert live_items() - start < 200


def test_topics_keep_no_published_message_and_alerts_still_arrive(stack):
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.sns.models import sns_backends

    from devtools.stack import REGION

    sns = stack.client("sns")
    for i in range(20):
        sns.publish(TopicArn=stack.env["OPS_TOPIC_ARN"], Message=f"notice {i}")
    assert len(stack.received("ops")) == 20  # delivered to the subscribed queue as before
    topic = sns_backends[DEFAULT_ACCOUNT_ID][REGION].topics[stack.env["OPS_TOPIC_ARN"]]
    assert len(topic.sent_notifications) == 0


def test_a_queue_keeps_a_bounded_number_of_deleted_handles_and_a_repeated_delete_still_succeeds(stack, monkeypatch):
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.sqs.models import sqs_backends

    from devtools import moto_fixes
    from devtools.stack import REGION

    monkeypatch.setattr(moto_fixes, "DELETED_HANDLES_KEPT", 5)
    sqs = stack.client("sqs")
    url = sqs.create_queue(QueueName="bounded-handles")["QueueUrl"]
    handles = []
    for i in range(12):
        sqs.send_message(QueueUrl=url, MessageBody=f"m{i}")
        [message] = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=1)["Messages"]
        sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
        handles.append(message["ReceiptHandle"])
    sqs.delete_message(QueueUrl=url, ReceiptHandle=handles[-1])  # deleted again: succeeds, as on AWS
    queue = sqs_backends[DEFAULT_ACCOUNT_ID][REGION].queues["bounded-handles"]
    assert list(queue.deleted_messages) == handles[-5:]
