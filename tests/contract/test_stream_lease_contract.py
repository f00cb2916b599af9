"""The stream holder's lease, held against the in-memory fake and the DynamoDB adapter alike."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone

import pytest

from tests.fakes import FakeStreamLeases

AT = datetime(2026, 11, 29, 6, 0, tzinfo=timezone.utc)


def later(seconds: float) -> datetime:
    return AT + timedelta(seconds=seconds)


@pytest.fixture(params=["fake", "dynamodb"])
def leases(request):
    if request.param == "fake":
        return FakeStreamLeases()
    from chalicelib.adapters.dynamo import storage

    stack = request.getfixturevalue("stack")
    return storage(stack.env["TABLE_NAME"], stack.client("dynamodb")).stream


def test_a_free_lease_is_taken_and_reads_back(leases):
    before = leases.take("a", AT, later(90), later(840))
    assert before is not None and before.holder is None
    lease = leases.read()
    assert (lease.holder, lease.expires_at, lease.ends_at, lease.renewed_at) == ("a", later(90), later(840), AT)
    assert lease.live(later(89)) and not lease.live(later(90))


def test_of_four_holders_taking_at_once_one_wins(leases):
    with ThreadPoolExecutor(4) as pool:
        taken = list(pool.map(lambda name: leases.take(name, AT, later(90), later(840)), "abcd"))
    assert sum(t is not None for t in taken) == 1
    assert leases.read().holder == "abcd"[next(i for i, t in enumerate(taken) if t is not None)]


def test_an_expired_lease_is_taken_over_and_the_old_holder_can_no_longer_renew(leases):
    leases.take("a", AT, later(90), later(840))
    assert leases.take("b", later(60), later(150), later(900)) is None
    before = leases.take("b", later(91), later(181), later(900))
    assert before.holder == "a" and before.renewed_at == AT and before.released_at is None
    assert not leases.renew("a", later(92), later(182), None, 0)
    assert leases.read().holder == "b"


def test_renewals_note_the_newest_delivery_and_add_up_disconnects(leases):
    leases.take("a", AT, later(90), later(840))
    assert leases.renew("a", later(20), later(110), later(19), 2)
    assert leases.renew("a", later(40), later(130), None, 1)
    lease = leases.read()
    assert (lease.expires_at, lease.last_delivery_at, lease.disconnects) == (later(130), later(19), 3)


def test_a_released_lease_is_taken_at_once_and_tells_when_the_old_holder_disconnected(leases):
    leases.take("a", AT, later(90), later(840))
    assert leases.connected("a", later(1), None)
    leases.release("b", later(5))  # not b's to release
    assert leases.read().holder == "a" and leases.read().released_at is None
    leases.release("a", later(840.25))
    before = leases.take("b", later(841), later(931), later(1680))
    assert before.released_at == later(840.25)
    assert leases.connected("b", later(842), 1.75)
    lease = leases.read()
    assert (lease.holder, lease.connected_since, lease.last_handover_gap_s) == ("b", later(842), 1.75)
    assert leases.connected("b", later(900), None) and leases.read().last_handover_gap_s == 1.75
    assert not leases.connected("a", later(900), 0.5)
