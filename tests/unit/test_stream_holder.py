"""The stream holder against in-memory fakes: the lease, the rules' sync, the queue, the handover."""

from dataclasses import replace
from datetime import timedelta

import pytest

from chalicelib.domain.handles import Registry, load_registry
from chalicelib.services.stream import HANDOVER_MARGIN, LEASE_SECONDS, SETTLE, hold, wanted_rules
from tests.fakes import FakeClock, FakeQueue, FakeStream, FakeStreamLeases

REGISTRY = load_registry()


def post(tweet_id: int) -> dict:
    return {"data": {"id": str(tweet_id), "text": "@lucknowpolice chori", "author_id": "501",
                     "created_at": "2026-11-29T05:59:00.000Z"}, "matching_rules": [{"id": "1", "tag": "complaint-desk"}]}


class Lambda:
    """A function's run on the fake clock: `wait` moves time and runs what the test scheduled then."""

    def __init__(self, clock: FakeClock, seconds: float = 900):
        self.clock, self.started, self.seconds = clock, clock.now, seconds
        self.at: list[tuple[float, object]] = []

    def time_left(self) -> float:
        return self.seconds - (self.clock.now - self.started).total_seconds()

    def wait(self, seconds: float) -> None:
        self.clock.advance(seconds=seconds)
        elapsed = (self.clock.now - self.started).total_seconds()
        due = [a for a in self.at if a[0] <= elapsed]
        self.at = [a for a in self.at if a[0] > elapsed]
        for _, action in due:
            action()


@pytest.fixture
def parts():
    return FakeClock(), FakeStreamLeases(), FakeStream(), FakeQueue()


def run(parts, fn: Lambda, name: str, registry=lambda: REGISTRY):
    clock, leases, stream, queue = parts
    return hold(registry, leases, stream, queue, clock, fn.time_left, wait=fn.wait, holder_id=name)


def test_a_holder_syncs_the_rules_queues_each_post_and_hands_over_before_its_time_runs_out(parts):
    clock, leases, stream, queue = parts
    fn = Lambda(clock)
    fn.at += [(10, lambda: stream.push(post(1))), (10, lambda: stream.push(post(2))), (400, lambda: stream.push(post(3)))]
    report = run(parts, fn, "a")
    assert [r.value for r in stream.held] == wanted_rules(REGISTRY, clock.now)
    assert [b["data"]["id"] for b in queue.bodies] == ["1", "2", "3"] and report.queued == 3
    assert queue.batches == [2, 1]  # posts read within a tick go in one SendMessageBatch
    assert report.outcome == "handed_over" and fn.time_left() >= HANDOVER_MARGIN - 2 * 1.0
    assert stream.callbacks is None  # disconnected
    assert leases.lease.released_at == clock.now and not leases.lease.live(clock.now)
    assert leases.lease.last_delivery_at is not None


def test_of_two_holders_one_wins(parts):
    clock, leases, stream, queue = parts
    assert leases.take("a", clock.now, clock.now + timedelta(seconds=LEASE_SECONDS), clock.now + timedelta(minutes=14))
    report = run(parts, Lambda(clock), "b")
    assert report.outcome == "held_elsewhere" and stream.connects == 0 and leases.lease.holder == "a"


def test_an_expired_lease_is_taken_over_and_the_gap_counts_from_the_crashed_holders_last_renewal(parts):
    clock, leases, stream, queue = parts
    leases.take("crashed", clock.now, clock.now + timedelta(seconds=LEASE_SECONDS), clock.now + timedelta(minutes=14))
    clock.advance(seconds=LEASE_SECONDS + 30)
    report = run(parts, Lambda(clock), "b")
    assert report.outcome == "handed_over" and report.handover_gap_s == LEASE_SECONDS + 30


def test_the_next_holder_waits_for_the_handover_and_the_gap_is_measured(parts):
    clock, leases, stream, queue = parts
    first = Lambda(clock)
    run(parts, first, "a")
    # The old holder's lease, as it stood 40 s before its planned end (it renews until then).
    ended = clock.now
    leases.lease = replace(leases.lease, holder="a", expires_at=ended + timedelta(seconds=50), released_at=None,
                           ends_at=ended)
    clock.now = ended - timedelta(seconds=40)
    second = Lambda(clock)
    # The old holder disconnected at its planned end; its release was written a second later.
    second.at.append((41, lambda: leases.release("a", ended)))
    report = run(parts, second, "b")
    assert report.outcome == "handed_over" and report.connects == 1
    assert report.handover_gap_s == 1.0 and leases.lease.last_handover_gap_s == 1.0


def test_a_drop_is_counted_and_reported_and_posts_after_the_reconnect_are_queued(parts):
    clock, leases, stream, queue = parts
    fn = Lambda(clock)
    fn.at += [(30, lambda: stream.drop()), (31, lambda: stream.push(post(7)))]
    report = run(parts, fn, "a")
    assert report.disconnects == 1 and report.connects == 2 and leases.lease.disconnects == 1
    assert report.metrics()["StreamDisconnects"] == ("Count", 1)
    assert [b["data"]["id"] for b in queue.bodies] == ["7"]


def test_a_handle_disabled_meanwhile_leaves_the_rules_at_the_next_registry_check(parts):
    clock, leases, stream, queue = parts
    current = {"registry": REGISTRY}
    fn = Lambda(clock)
    gone = REGISTRY.all()[0]
    fn.at.append((100, lambda: current.update(registry=Registry([replace(gone, enabled=False), *REGISTRY.all()[1:]]))))
    report = run(parts, fn, "a", registry=lambda: current["registry"])
    assert f"@{gone.key}" not in " ".join(r.value for r in stream.held)
    assert [r.value for r in stream.held] == wanted_rules(current["registry"], clock.now)
    assert len(stream.changes) == 2 and report.rules_deleted >= 1


def test_posts_sqs_refused_are_sent_again_when_it_is_back(parts):
    clock, leases, stream, queue = parts
    queue.failing = True
    fn = Lambda(clock)
    fn.at += [(5, lambda: stream.push(post(1))), (20, lambda: setattr(queue, "failing", False))]
    report = run(parts, fn, "a")
    assert [b["data"]["id"] for b in queue.bodies] == ["1"] and report.not_queued == 0


def test_a_holder_that_lost_its_lease_stops_without_releasing_the_new_holders_lease(parts):
    clock, leases, stream, queue = parts
    fn = Lambda(clock)
    fn.at.append((30, lambda: setattr(leases, "lease", replace(leases.lease, holder="thief"))))
    report = run(parts, fn, "a")
    assert report.outcome == "lost_lease" and leases.lease.holder == "thief" and leases.lease.released_at is None
    assert stream.callbacks is None


def test_rules_x_refuses_do_not_stop_the_stream(parts):
    from chalicelib.services.ports import SourceUnavailable

    clock, leases, stream, queue = parts
    stream.failing_rules = SourceUnavailable("X answered 503")
    fn = Lambda(clock)
    fn.at.append((3, lambda: stream.push(post(1))))
    report = run(parts, fn, "a")
    assert report.rules_failed >= 1 and report.queued == 1


def test_a_stream_that_gave_up_is_started_again(parts):
    clock, leases, stream, queue = parts
    fn = Lambda(clock)
    fn.at += [(30, lambda: stream.die()), (60, lambda: stream.push(post(8)))]
    report = run(parts, fn, "a")
    assert report.disconnects == 1 and report.connects == 2 and [b["data"]["id"] for b in queue.bodies] == ["8"]


def test_a_connect_the_x_budget_refuses_keeps_the_lease_and_connects_again_later(parts):
    clock, leases, stream, queue = parts
    stream.refusing_connects = 1
    fn = Lambda(clock)
    fn.at.append((120, lambda: stream.push(post(9))))
    report = run(parts, fn, "a")
    assert report.connects == 1 and any(p.startswith("connect:") for p in report.problems)
    assert [b["data"]["id"] for b in queue.bodies] == ["9"] and report.outcome == "handed_over"


def test_a_holder_taking_over_a_lease_released_just_now_lets_x_notice_the_disconnect_first(parts):
    clock, leases, stream, queue = parts
    run(parts, Lambda(clock), "a")  # released at its planned end, at clock.now
    report = run(parts, Lambda(clock), "b")
    assert report.connects == 1 and report.handover_gap_s >= SETTLE
