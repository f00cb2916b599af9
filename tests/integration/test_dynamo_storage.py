"""What the contract cannot see of the DynamoDB adapters: what a complaint costs in calls and write
units, how writes are retried, how a listing keeps to its budget, repairs, and lazy clients."""

from __future__ import annotations

import base64
import json
from dataclasses import replace
from datetime import timedelta

import boto3
import pytest
from botocore.config import Config

from chalicelib.adapters import dynamo_complaints, dynamo_indexes, dynamo_items, dynamo_table
from chalicelib.adapters.dynamo import storage
from chalicelib.adapters.dynamo_table import Refused, Table
from chalicelib.services.ports import ListQuery, StorageUnavailable
from chalicelib.domain.districts import DISTRICTS
from devtools import fault_proxy
from devtools.fault_proxy import FaultProxy
from devtools.stack import REGION, stage_environment
from tests.builders import HINDI, NOW, act, received
from tests.integration.dynamo_meter import Meter


@pytest.fixture
def metered(stack):
    """The storage over a client of its own, metered; the stack's client reads without being counted."""
    client = boto3.session.Session().client("dynamodb", endpoint_url=stack.aws_url, region_name=REGION)
    meter = Meter(client, stack.client("dynamodb"), stack.env["TABLE_NAME"])
    return storage(stack.env["TABLE_NAME"], client), meter


def a_complaint_from_mention_to_acknowledgement(desk, n: int, text: str) -> None:
    """What the poll does for a new complaint: number it, record it (holding its alert), publish the
    alert (SNS, not metered), record it sent, post the reply (X) and record it sent."""
    [ref] = desk.complaints.next_references(162, 2026, 1)
    change = received(n, text=text, ref=ref, at=NOW + timedelta(seconds=n))
    assert desk.complaints.create(change)
    sent = change.after.alert_sent(f"msg-{n}", NOW)
    assert desk.complaints.save(sent)
    assert desk.complaints.save(sent.after.reply_sent("acknowledged", f"post-{n}", NOW, "lucknowpolice"))


@pytest.mark.parametrize("text", ["Aliganj me kal raat chori ho gayi, FIR nahi likh rahe", HINDI * 4],
                         ids=["hinglish", "longest-hindi"])
def test_a_complaint_costs_three_writes_and_the_same_units_on_a_full_desk(metered, text):
    desk, meter = metered
    for n in range(1, 4):
        meter.reset()
        a_complaint_from_mention_to_acknowledgement(desk, n, text)
        if n == 1:
            first = (meter.calls[1:], meter.write_units)
    # The desk grows: more complaints across districts and departments (moto copies the whole table
    # in every transaction, so a few dozen keep the test quick; the counter items stop growing at once).
    for n in range(4, 44):
        assert desk.complaints.create(received(n, district=[162, 144, 118][n % 3],
                                               department=["police", "water"][n % 2], at=NOW + timedelta(seconds=n)))
    meter.reset()
    a_complaint_from_mention_to_acknowledgement(desk, 1000, text)
    calls, units = meter.calls[1:], meter.write_units
    assert meter.calls[0] == "UpdateItem"  # the reference number: one per district per poll, not per complaint
    assert calls == ["TransactWriteItems", "TransactWriteItems", "TransactWriteItems"] == first[0]
    assert units == first[1]
    print(f"\n{len(text)} characters: {units} write units ({meter.table_units} table, {meter.index_units} index)"
          f" from mention to acknowledgement, plus the reference number's")
    assert units <= 39  # 1.5 x the ~26 floor


def test_an_officers_action_and_the_sweep_write_once_each(metered):
    desk, meter = metered
    change = received(1)
    desk.complaints.create(change)
    meter.reset()
    acknowledged = act(change.after, "acknowledge", NOW + timedelta(minutes=10))
    assert desk.complaints.save(acknowledged)
    assert meter.calls == ["TransactWriteItems"]
    meter.reset()
    assert desk.complaints.save(acknowledged.after.claim_alert("sweep-1", NOW + timedelta(minutes=10)))
    assert meter.calls == ["UpdateItem"]  # no counters: no transaction


def test_counter_items_stay_small_however_many_complaints_they_count(stack, metered):
    desk, _ = metered
    for n in range(1, 41):
        assert desk.complaints.create(received(n, district=[162, 144, 118, None][n % 4], at=NOW + timedelta(minutes=n)))
    scan = stack.client("dynamodb").scan(TableName=stack.env["TABLE_NAME"])["Items"]
    counters = [i for i in scan if i["pk"]["S"].startswith("STAT#")]
    assert len(counters) == 1 + 4 + 1 + 1  # the state, four districts, one department, one week
    from tests.integration.dynamo_meter import item_size

    assert max(item_size(i) for i in counters) < 400


# --- retries -----------------------------------------------------------------------------------

TABLE = stage_environment()["TABLE_NAME"]


@pytest.fixture
def faulty(stack):
    """A table reached through the fault proxy in front of the moto server, with recorded pauses."""
    with FaultProxy(stack.aws_url) as proxy:
        client = boto3.session.Session().client(
            "dynamodb", endpoint_url=proxy.url, region_name=REGION,
            config=Config(retries={"mode": "standard", "total_max_attempts": 1}))  # only the adapter's own retries
        sleeps = []
        yield Table(TABLE, client, sleep=sleeps.append), proxy, sleeps


ACTIONS = [{"Put": {"TableName": TABLE, "Item": {"pk": {"S": "a"}, "sk": {"S": "a"}}}},
           {"Put": {"TableName": TABLE, "Item": {"pk": {"S": "b"}, "sk": {"S": "b"}}}}]
WRITE = "TransactWriteItems"


def written(table) -> list[dict | None]:
    return table.batch_get([dynamo_table.key(p, p) for p in ("a", "b")], consistent=True)


def test_a_transaction_cancelled_by_a_conflict_or_throttling_is_tried_again_after_a_pause(faulty):
    table, proxy, sleeps = faulty
    proxy.queue(fault_proxy.cancelled(WRITE, "None", "TransactionConflict"),
                fault_proxy.cancelled(WRITE, "ThrottlingError", "None"))
    table.write(ACTIONS)
    assert len(sleeps) == 2 and all(0 <= s <= dynamo_table.BACKOFF_CAP for s in sleeps)
    assert all(written(table)) and proxy.seen.count(WRITE) == 3


def test_a_failed_condition_is_refused_at_once_naming_the_item_that_failed(faulty):
    table, proxy, sleeps = faulty
    table.write(ACTIONS[1:])
    guarded = [dict(a["Put"], ConditionExpression="attribute_not_exists(pk)",
                    ReturnValuesOnConditionCheckFailure="ALL_OLD") for a in ACTIONS]
    with pytest.raises(Refused) as refused:
        table.write([{"Put": g} for g in guarded])
    assert refused.value.current == [None, {"pk": {"S": "b"}, "sk": {"S": "b"}}] and sleeps == []


@pytest.mark.parametrize("codes", [("ValidationError", "None"), ("None", "ItemCollectionSizeLimitExceeded"),
                                   ("TransactionConflict", "ValidationError")])
def test_other_cancellations_reach_the_services_as_storage_unavailable(faulty, codes):
    table, proxy, sleeps = faulty
    proxy.queue(fault_proxy.cancelled(WRITE, *codes))
    with pytest.raises(StorageUnavailable):
        table.write(ACTIONS)
    assert sleeps == [] and written(table) == [None, None]


def test_a_transaction_that_keeps_conflicting_is_undeliverable_after_the_last_attempt(faulty):
    table, proxy, sleeps = faulty
    proxy.queue(*[fault_proxy.cancelled(WRITE, "TransactionConflict", "None")] * dynamo_table.ATTEMPTS)
    with pytest.raises(StorageUnavailable):
        table.write(ACTIONS)
    assert len(sleeps) == dynamo_table.ATTEMPTS - 1


def test_throttling_and_500s_beyond_the_retries_reach_the_services_as_storage_unavailable(faulty):
    table, proxy, sleeps = faulty
    proxy.queue(fault_proxy.throttled("GetItem"), fault_proxy.server_error("UpdateItem"))
    with pytest.raises(StorageUnavailable):
        table.get(dynamo_table.key("a", "a"))
    with pytest.raises(StorageUnavailable):
        table.update(Key=dynamo_table.key("a", "a"), UpdateExpression="SET n = :n",
                     ExpressionAttributeValues={":n": {"N": "1"}})


def test_a_write_dynamodb_refuses_for_good_reaches_the_services_as_storage_rejected(faulty):
    from chalicelib.services.ports import StorageRejected

    table, proxy, sleeps = faulty
    too_big = {"__type": fault_proxy.DYNAMODB_ERROR + "ValidationException",
               "message": "Item size to update has exceeded the maximum allowed size"}
    proxy.queue(fault_proxy.Fault("UpdateItem", 400, too_big), fault_proxy.cancelled(WRITE, "ValidationError", "None"))
    with pytest.raises(StorageRejected):
        table.update(Key=dynamo_table.key("a", "a"), UpdateExpression="SET n = :n",
                     ExpressionAttributeValues={":n": {"N": "1"}})
    with pytest.raises(StorageRejected):
        table.write(ACTIONS)
    assert sleeps == []


def test_keys_left_unprocessed_by_a_batch_read_are_read_again_in_order(faulty):
    table, proxy, sleeps = faulty
    keys = [dynamo_table.key(p, "S") for p in ("a", "b", "c")]
    table.write([{"Put": {"TableName": TABLE, "Item": k | {"n": {"N": str(i + 1)}}}} for i, k in enumerate(keys)
                 if i != 1])
    # DynamoDB answers with part of the keys when capacity is short, and names the rest.
    proxy.queue(fault_proxy.Fault("BatchGetItem", 200, {"Responses": {TABLE: [keys[2] | {"n": {"N": "3"}}]},
                                                        "UnprocessedKeys": {TABLE: {"Keys": keys[:2]}}}))
    found = table.batch_get(keys)
    assert [f and f["n"]["N"] for f in found] == ["1", None, "3"] and len(sleeps) == 1


def test_no_client_is_created_until_a_port_is_used(monkeypatch):
    from chalicelib.adapters import aws

    made = []
    monkeypatch.setattr(aws, "client", lambda service: made.append(service) or pytest.fail("created"))
    storage("complaint-desk-local")
    assert made == []


# --- listings that find little -------------------------------------------------------------------

VARANASI = next(d.lgd for d in DISTRICTS.values() if d.code == "VNS")


def payloads(cursor):
    return json.loads(base64.urlsafe_b64decode(cursor.split(".")[0] + "=="))


@pytest.mark.parametrize("same_moment", [False, True])
def test_a_listing_that_finds_nothing_in_its_budget_resumes_without_naming_what_it_skipped(
        stack, monkeypatch, same_moment):
    monkeypatch.setattr(dynamo_complaints, "MAX_READS", 1)
    monkeypatch.setattr(dynamo_indexes, "FILTERED_READ", 2)
    desk = storage(stack.env["TABLE_NAME"], stack.client("dynamodb"))
    at = (lambda n: NOW) if same_moment else (lambda n: NOW + timedelta(minutes=n))
    # Complaints of one moment are read in reference order, newest first: Varanasi's (UP-VNS-...) before these.
    mine = [received(n, district=162, at=at(n)) for n in (1, 2)]
    others = [received(n, district=VARANASI, at=at(n)) for n in range(3, 10)]
    for change in mine + others:
        assert desk.complaints.create(change)
    query, shown, cursors = ListQuery(limit=1, scope_districts=frozenset({162, 118})), [], []
    while True:
        page, cursor = desk.complaints.list(query)
        shown += [c.ref for c in page]
        if cursor is None:
            break
        cursors.append(payloads(cursor))
        query = replace(query, cursor=cursor)
    assert sorted(shown) == sorted(c.after.ref for c in mine)
    skipped = {c.after.ref for c in others}
    assert all(p["r"] not in skipped for p in cursors)
    assert any(p["r"] is None for p in cursors) or same_moment


# --- repairs -------------------------------------------------------------------------------------

def test_a_reply_flag_left_without_a_waiting_reply_is_removed_when_found(stack):
    desk = storage(stack.env["TABLE_NAME"], stack.client("dynamodb"))
    change = received(1)
    desk.complaints.create(change)
    desk.complaints.save(change.after.reply_sent("acknowledged", "p-1", NOW, "lucknowpolice"))
    key = dynamo_items.complaint_key(change.after.ref)
    db = stack.client("dynamodb")
    db.update_item(TableName=stack.env["TABLE_NAME"], Key=key, UpdateExpression="SET reply_pending = :y",
                   ExpressionAttributeValues={":y": {"S": "Y"}})  # as a crash in an older version left it
    assert desk.outbox.pending_replies(NOW) == []
    assert "reply_pending" not in db.get_item(TableName=stack.env["TABLE_NAME"], Key=key)["Item"]


# --- claims whose answer was lost -------------------------------------------------------------------

@pytest.fixture
def retrying(stack):
    """The storage as the product builds it (botocore retries on), behind the fault proxy."""
    with FaultProxy(stack.aws_url) as proxy:
        client = boto3.session.Session().client(
            "dynamodb", endpoint_url=proxy.url, region_name=REGION,
            config=Config(retries={"mode": "standard", "total_max_attempts": 3}))
        yield storage(TABLE, client), proxy


def test_an_alert_claim_whose_answer_was_lost_is_still_the_senders_own(retrying):
    desk, proxy = retrying
    change = received(1, claim=None)  # an alert waiting, held by nobody (its sender crashed)
    assert desk.complaints.create(change)
    proxy.queue(fault_proxy.server_error("UpdateItem", after_forward=True))  # the claim commits, its answer is lost
    claimed = change.after.claim_alert("sender-1", NOW)
    assert desk.complaints.save(claimed) and proxy.seen.count("UpdateItem") == 2
    assert desk.complaints.save(claimed.after.alert_sent("msg-1", NOW))
    assert desk.complaints.get(change.after.ref).alert.state == "sent"


def test_a_digest_claim_whose_answer_was_lost_is_still_the_senders_own(retrying):
    from chalicelib.services.ports import Report

    desk, proxy = retrying
    digest = Report("digest", "2026-11-28", "144")
    proxy.queue(fault_proxy.server_error("UpdateItem", after_forward=True))
    assert desk.stats.claim_report(digest, "digest-run-1", NOW) and proxy.seen.count("UpdateItem") == 2
    assert not desk.stats.claim_report(digest, "digest-run-2", NOW)  # and nobody else's
