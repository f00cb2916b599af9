"""The search cursors' contract, held against the in-memory fake and DynamoDB on the local stack."""

from __future__ import annotations

from dataclasses import replace

import pytest

from chalicelib.services.ports import HandleState, SearchCursor
from tests.builders import NOW
from tests.fakes import FakeDesk


@pytest.fixture(params=["fake", "dynamodb"])
def desk(request):
    if request.param == "fake":
        return FakeDesk()
    from chalicelib.adapters.dynamo import storage

    stack = request.getfixturevalue("stack")
    return storage(stack.env["TABLE_NAME"], stack.client("dynamodb"))


@pytest.fixture
def searches(desk):
    searches = desk.searches
    searches.drop(list(searches.load()))  # the stack's table is shared by the session's tests
    return searches


def test_a_cursor_reads_back_as_saved_and_a_dropped_one_is_gone(searches):
    full = SearchCursor(("a", "b"), "1800000000000000001", NOW.isoformat(), NOW.isoformat())
    empty = SearchCursor(("c",), read_to=NOW.isoformat())
    searches.save("g1", full)
    searches.save("g2", empty)
    assert searches.load() == {"g1": full, "g2": empty}
    moved = replace(full, since_id="1800000000000000009")
    searches.save("g1", moved)
    searches.drop(["g2"])
    assert searches.load() == {"g1": moved}


def test_catches_add_up_with_the_time_of_the_last(searches, desk):
    before, _ = searches.caught()
    searches.count_caught(2, NOW)
    searches.count_caught(3, NOW.replace(minute=7))
    assert searches.caught() == (before + 5, NOW.replace(minute=7).isoformat())


def test_a_handle_state_keeps_its_gap(desk):
    state = HandleState(user_id="42", since_id="7", outcome="ok", gap="more than 800 mentions since then")
    desk.handles.save("gapped", state)
    assert desk.handles.states(["gapped"])["gapped"] == state
