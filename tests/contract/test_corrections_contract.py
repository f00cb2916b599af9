"""The corrections port and the review's fields, held against the fake and the DynamoDB adapter on the local
stack: an example is kept exactly when its correction is saved, read back oldest first, page by page."""

from __future__ import annotations

import io
import json
from datetime import timedelta

import pytest

from chalicelib.domain.status import Status
from chalicelib.domain.tally import STATE
from chalicelib.services import corrections
from chalicelib.services.ports import ListQuery
from tests.builders import NOW, act, received
from tests.fakes import FakeDesk

TEXT = "Aliganj me chori, call 9876543210"


@pytest.fixture(params=["fake", "dynamodb"])
def desk(request):
    if request.param == "fake":
        return FakeDesk()
    from chalicelib.adapters.dynamo import storage

    stack = request.getfixturevalue("stack")
    desk = storage(stack.env["TABLE_NAME"], stack.client("dynamodb"))
    desk.corrections.page = 2  # several Query pages from a few examples
    return desk


def saved(desk, change):
    assert desk.complaints.save(change)
    return change.after


def test_each_correction_is_kept_once_with_its_change_and_read_back_oldest_first(desk):
    for change in (received(1, text=TEXT), received(2), received(3, outcome="needs_review", district=None)):
        assert desk.complaints.create(change)
    first = desk.complaints.get(received(1).after.ref)
    moved = saved(desk, act(first, "transfer", NOW + timedelta(minutes=1), to_district=144, to_department="water"))
    saved(desk, act(moved, "urgency", NOW + timedelta(minutes=2), urgent=True))
    saved(desk, act(desk.complaints.get(received(2).after.ref), "acknowledge", NOW + timedelta(minutes=3)))  # no label
    waiting = desk.complaints.get(received(3, district=None).after.ref)
    stale = act(waiting, "review", NOW + timedelta(minutes=4), outcome="not_actionable")
    saved(desk, act(waiting, "review", NOW + timedelta(minutes=4), outcome="outside_jurisdiction", channel="railways"))
    assert not desk.complaints.save(stale)  # refused (someone decided first): its example is not kept either

    kept = list(desk.corrections.read())
    assert [(c.kind, c.outcome, c.district, c.department, c.urgent) for c in kept] == [
        ("transfer", "complaint", 144, "water", None), ("urgency", "complaint", 144, "water", True),
        ("review", "outside_jurisdiction", None, None, None)]
    assert kept[0].text == "Aliganj me chori, call [phone]" and kept[0].at == NOW + timedelta(minutes=1)
    assert [c.kind for c in desk.corrections.read(since=NOW + timedelta(minutes=2))] == ["urgency", "review"]

    out = io.StringIO()
    assert corrections.export(desk.corrections, out) == 3
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    assert lines[2] == {"text": "Aliganj me chori ho gayi", "district": None, "department": None,
                        "outcome": "outside_jurisdiction", "urgent": None, "kind": "review",
                        "at": (NOW + timedelta(minutes=4)).isoformat()}


def test_a_reviewed_mention_reads_back_with_its_channel_reply_and_urgency(desk):
    assert desk.complaints.create(received(5, outcome="needs_review", district=None))
    ref = received(5, district=None).after.ref
    assert desk.complaints.list(ListQuery(status="needs_review"))[0][0].ref == ref
    decided = saved(desk, act(desk.complaints.get(ref), "review", NOW, outcome="outside_jurisdiction", channel="railways"))
    back = desk.complaints.get(ref)
    assert back.status == Status.OUTSIDE_JURISDICTION and back.channel == "railways" == decided.channel
    assert back.replies == decided.replies and back.replies["outside_jurisdiction"].pending
    assert [c.ref for c in desk.outbox.pending_replies(NOW)] == [ref]  # the reply waits like any other
    assert desk.complaints.list(ListQuery(status="needs_review"))[0] == []
    state = desk.stats.read([STATE])[STATE]
    assert state.get("status:needs_review", 0) == 0 and state["reviewed"] == 1

    assert desk.complaints.create(received(6))
    complaint = desk.complaints.get(received(6).after.ref)
    saved(desk, act(complaint, "urgency", NOW, urgent=True))
    assert desk.complaints.get(complaint.ref).urgent
    assert desk.complaints.list(ListQuery(urgent=True))[0][0].ref == complaint.ref
