"""The fault proxy in front of moto, met by real boto3 clients of DynamoDB, SNS and SQS: each fault as
AWS gives it, in the protocol of the request (JSON or the query protocol's XML), and seeded chance rules."""

from __future__ import annotations

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError, ConnectionClosedError, EndpointConnectionError

from devtools import fault_proxy as fp
from devtools.stack import REGION

ONCE = Config(retries={"mode": "standard", "total_max_attempts": 1}, read_timeout=5, connect_timeout=2)
FAILED_CONNECTION = (ConnectionClosedError, EndpointConnectionError)


@pytest.fixture
def proxy(stack):
    with fp.FaultProxy(stack.aws_url) as proxy:
        yield proxy


def client(proxy, service: str):
    return boto3.session.Session().client(service, endpoint_url=proxy.url, region_name=REGION, config=ONCE)


@pytest.fixture
def table(stack):
    return stack.env["TABLE_NAME"]


def item(n: int) -> dict:
    return {"pk": {"S": f"fault-{n}"}, "sk": {"S": "x"}}


def code(caught) -> str:
    return caught.value.response["Error"]["Code"]


def test_each_service_s_operation_is_read_from_its_target_or_its_form(proxy, stack, table):
    client(proxy, "dynamodb").get_item(TableName=table, Key=item(1))
    client(proxy, "sns").publish(TopicArn=stack.env["OPS_TOPIC_ARN"], Message="hello")
    client(proxy, "sqs").get_queue_url(QueueName="officer-ops")
    assert proxy.seen == ["GetItem", "Publish", "GetQueueUrl"]


@pytest.mark.parametrize("fault, expected", [(fp.throttled, "ProvisionedThroughputExceededException"),
                                             (fp.throttling, "ThrottlingException"),
                                             (fp.server_error, "InternalServerError")])
def test_dynamodb_errors_come_with_dynamodb_s_codes(proxy, table, fault, expected):
    proxy.queue(fault("PutItem"))
    with pytest.raises(ClientError) as caught:
        client(proxy, "dynamodb").put_item(TableName=table, Item=item(1))
    assert code(caught) == expected
    assert "Item" not in client(proxy, "dynamodb").get_item(TableName=table, Key=item(1))


def test_a_dropped_request_is_not_carried_out_and_a_lost_answer_is(proxy, table):
    db = client(proxy, "dynamodb")
    proxy.queue(fp.dropped("PutItem"))
    with pytest.raises(FAILED_CONNECTION):
        db.put_item(TableName=table, Item=item(1))
    assert "Item" not in db.get_item(TableName=table, Key=item(1))
    proxy.queue(fp.lost("PutItem"))
    with pytest.raises(FAILED_CONNECTION):
        db.put_item(TableName=table, Item=item(2))
    assert "Item" in db.get_item(TableName=table, Key=item(2))


def test_a_conflict_cancels_the_transaction_with_one_reason_per_action(proxy, table):
    proxy.chance(["TransactWriteItems"], 1.0, ["conflict"], seed=1)
    with pytest.raises(ClientError) as caught:
        client(proxy, "dynamodb").transact_write_items(
            TransactItems=[{"Put": {"TableName": table, "Item": item(n)}} for n in range(3)])
    assert code(caught) == "TransactionCanceledException"
    assert [r["Code"] for r in caught.value.response["CancellationReasons"]] == ["TransactionConflict", "None", "None"]


@pytest.mark.parametrize("fault, expected", [(fp.throttling, "Throttling"), (fp.server_error, "InternalFailure")])
def test_sns_publish_failures_are_query_protocol_errors(proxy, stack, fault, expected):
    proxy.queue(fault("Publish"))
    with pytest.raises(ClientError) as caught:
        client(proxy, "sns").publish(TopicArn=stack.env["OPS_TOPIC_ARN"], Message="hello")
    assert code(caught) == expected
    assert stack.received("ops") == []


def queue_with(stack, proxy, n: int) -> tuple[object, str]:
    sqs = client(proxy, "sqs")
    url = sqs.create_queue(QueueName="fault-proxy-test")["QueueUrl"]
    sqs.send_message_batch(QueueUrl=url, Entries=[{"Id": str(i), "MessageBody": f"m{i}"} for i in range(n)])
    return sqs, url


def bodies(sqs, url, **extra) -> list[str]:
    answer = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=0, **extra)
    return [m["Body"] for m in answer.get("Messages", [])]


def test_a_duplicate_is_handed_to_the_next_receiver_while_the_first_holds_it(stack, proxy):
    sqs, url = queue_with(stack, proxy, 8)
    proxy.chance(["ReceiveMessage"], 1.0, ["duplicate"], seed=1)
    first, second = (sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=3)["Messages"] for _ in range(2))
    assert len(first) == 3 and len(second) == 4
    assert len({m["MessageId"] for m in second}) == 4  # one answer never holds a message twice
    assert len({m["Body"] for m in first} & {m["Body"] for m in second}) == 1


def test_sqs_chance_rules_repeat_shuffle_and_redeliver(stack, proxy):
    sqs, url = queue_with(stack, proxy, 10)
    first = bodies(sqs, url, VisibilityTimeout=0)
    proxy.chance(["ReceiveMessage"], 1.0, ["shuffle"], seed=3)
    again = [bodies(sqs, url, VisibilityTimeout=0) for _ in range(4)]
    assert all(sorted(a) == sorted(first) for a in again) and any(a != first for a in again)
    proxy.clear()
    proxy.chance(["ReceiveMessage"], 1.0, ["redeliver"], seed=3)
    for m in sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"]:
        sqs.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])
    assert len(bodies(sqs, url)) == 1  # the queue is empty; a message delivered before comes again


def test_a_short_visibility_timeout_brings_a_message_back_while_it_is_held(stack, proxy):
    import time

    sqs, url = queue_with(stack, proxy, 1)
    proxy.chance(["ReceiveMessage"], 1.0, ["visibility"], seed=1)
    assert bodies(sqs, url, VisibilityTimeout=300) == ["m0"]
    time.sleep(1.2)
    assert bodies(sqs, url, VisibilityTimeout=300) == ["m0"]  # back after 1 s, not 300


def test_a_chance_rule_fails_a_seeded_share_and_the_same_seed_the_same_requests(proxy, table):
    db = client(proxy, "dynamodb")

    def run() -> list[str]:
        outcomes = []
        for n in range(40):
            try:
                db.get_item(TableName=table, Key=item(n))
                outcomes.append("ok")
            except ClientError as e:
                outcomes.append(e.response["Error"]["Code"])
            except FAILED_CONNECTION:
                outcomes.append("connection")
        return outcomes

    proxy.chance(["GetItem"], 0.4, ["throttled", "500", "drop"], seed=11)
    first = run()
    proxy.clear()
    proxy.chance(["GetItem"], 0.4, ["throttled", "500", "drop"], seed=11)
    assert run() == first
    failed = [o for o in first if o != "ok"]
    assert 5 <= len(failed) <= 30 and len(set(failed)) == 3
    assert sum(n for (op, _), n in proxy.injected.items() if op == "GetItem") == 2 * len(failed)


def test_kinds_that_mean_nothing_for_an_operation_let_it_through_and_unknown_kinds_are_refused(proxy, table):
    proxy.chance(["GetItem"], 1.0, ["conflict", "duplicate"], seed=1)
    client(proxy, "dynamodb").get_item(TableName=table, Key=item(1))
    with pytest.raises(ValueError):
        proxy.chance(["GetItem"], 0.5, ["fire"])
