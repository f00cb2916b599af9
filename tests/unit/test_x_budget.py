"""The X budget's rules against the in-memory store, and the turns handles and query groups take."""

from __future__ import annotations

import math
from datetime import datetime, timedelta, timezone

import pytest

from chalicelib.domain.handles import Registry, WatchedHandle
from chalicelib.services.budget import take_turns
from chalicelib.services.poll import poll
from tests.fakes import POLICIES, FakeAlerts, FakeClock, FakeDesk, FakeReplies, FakeSource, FakeXBudget, mention

NOW = datetime(2026, 11, 29, 6, 0, tzinfo=timezone.utc)
RESET = NOW + timedelta(minutes=15)


def test_a_429_makes_every_later_call_of_the_family_wait_until_its_reset():
    budget = FakeXBudget()
    assert budget.take("mentions", NOW) is True
    budget.observe("mentions", 0, RESET, 450)
    assert budget.take("mentions", NOW + timedelta(minutes=1)) == RESET
    assert budget.take("users", NOW + timedelta(minutes=1)) is True  # another family is untouched
    assert budget.take("mentions", RESET) is True  # the window has reset


def test_another_function_sees_the_429_at_its_next_read_without_calling_x():
    shared = {}
    first, second = FakeXBudget(shared), FakeXBudget(shared)
    assert second.take("search", NOW) is True
    first.take("search", NOW)
    first.observe("search", 0, RESET, 450)
    assert second.take("search", NOW + timedelta(minutes=1)) == RESET  # its copy was a run old: read again


def test_a_plentiful_window_is_read_once_a_run_and_written_only_when_it_changed_materially():
    budget = FakeXBudget()
    for call in range(40):  # one run: 40 calls, X's headers after each
        assert budget.take("mentions", NOW) is True
        budget.observe("mentions", 449 - call, RESET, 450)
    assert budget.reads == 1
    # The first answer, and a tenth of the limit later (for /status); nothing for each call.
    assert budget.writes == 1
    budget.take("mentions", NOW + timedelta(seconds=61))
    budget.observe("mentions", 400, RESET, 450)
    assert (budget.reads, budget.writes) == (2, 2)
    assert budget.items[("mentions", None)].remaining == 400


def test_below_the_reserve_two_functions_never_spend_more_than_is_left():
    shared = {}
    first, second = FakeXBudget(shared), FakeXBudget(shared)
    for b in (first, second):
        b.take("search", NOW)
    first.observe("search", 3, RESET, 450)
    second.observe("search", 3, RESET, 450)
    taken = [b.take("search", NOW) for _ in range(4) for b in (first, second)]
    assert taken.count(True) == 3
    assert set(taken) - {True} == {RESET}


def test_a_handles_posting_window_holds_only_that_handle_and_the_apps_day_holds_them_all():
    budget = FakeXBudget()
    budget.take("post", NOW, "lucknowpolice")
    budget.observe("post", 0, RESET, 100, "lucknowpolice")
    assert budget.take("post", NOW, "lucknowpolice") == RESET
    assert budget.take("post", NOW, "meerutpolice") is True
    day = NOW + timedelta(hours=20)
    budget.observe("post", 0, day, 10_000)
    assert budget.take("post", NOW, "meerutpolice") == day


def test_the_allowance_spreads_what_is_left_over_the_minutes_to_the_reset():
    budget = FakeXBudget()
    assert budget.allowance("mentions", NOW) is None  # nothing heard yet
    budget.take("mentions", NOW)
    budget.observe("mentions", 300, RESET, 450)
    assert budget.allowance("mentions", NOW) == 20
    budget.observe("mentions", 0, RESET, 450)
    assert budget.allowance("mentions", NOW) == 0
    assert budget.allowance("mentions", RESET) == 30  # a new window, not heard of yet: its limit over 15 minutes


def test_windows_show_what_the_budget_holds():
    budget = FakeXBudget()
    budget.take("mentions", NOW)
    budget.observe("mentions", 0, RESET, 450)
    [window] = budget.windows(NOW)
    assert (window.family, window.remaining, window.limit, window.waiting_until(NOW)) == ("mentions", 0, 450, RESET)


@pytest.mark.parametrize("items,share", [(10, 3), (7, 7), (250, 30), (5, 1), (9, 4)])
def test_with_a_share_of_n_every_item_is_served_within_ceil_items_over_n_runs(items, share):
    names = [f"g{i}" for i in range(items)]
    for first_run in (0, 13, 28_000_000):
        served = set()
        for run in range(first_run, first_run + math.ceil(items / share)):
            served.update(take_turns(names, run, share)[:share])
        assert served == set(names)


def test_without_a_share_the_order_is_kept():
    assert take_turns(["a", "b", "c"], 5, None) == ["a", "b", "c"]
    assert take_turns(["a", "b", "c"], 5, 3) == ["a", "b", "c"]


def _handles(n: int) -> Registry:
    return Registry([WatchedHandle(f"dept{i}", "department", "police", None, start_at=NOW)
                     for i in range(n)])


def test_when_the_mentions_budget_covers_n_handles_a_minute_each_is_read_within_ceil_handles_over_n_runs():
    handles, per_minute = 10, 3
    registry, source, store, clock = _handles(handles), FakeSource(), FakeDesk(), FakeClock(NOW)
    budget = FakeXBudget()
    read = set()
    for run in range(math.ceil(handles / per_minute)):
        clock.advance(minutes=1)
        # X's window this minute: `per_minute` calls (as the adapter learns from each answer's headers).
        budget.take("mentions", clock())
        budget.observe("mentions", per_minute, clock() + timedelta(seconds=59), per_minute)
        source.calls.clear()
        report = poll(registry, source, store, FakeAlerts(), FakeReplies(), clock, POLICIES, budget=budget)
        polled = {h.handle for h in report.handles if h.outcome == "ok"}
        assert len(polled) == per_minute
        assert {h.outcome for h in report.handles} == {"ok", "next_turn"}
        read |= polled
    assert read == {h.handle for h in registry}


def test_a_handle_waiting_its_turn_keeps_its_cursor_and_is_read_on_its_turn():
    registry, source, store, clock = _handles(2), FakeSource(), FakeDesk(), FakeClock(NOW)
    source.add("dept1", mention(5, "@dept1 help", "dept1", at=NOW))
    budget = FakeXBudget()
    for _ in range(2):
        clock.advance(minutes=1)
        budget.take("mentions", clock())
        budget.observe("mentions", 1, clock() + timedelta(seconds=59), 1)
        poll(registry, source, store, FakeAlerts(), FakeReplies(), clock, POLICIES, budget=budget)
    assert store.handles.states(["dept1"])["dept1"].since_id == "5"


class Answer:
    """An HTTP answer as requests gives it: a status and headers."""

    def __init__(self, status_code: int, **headers):
        self.status_code, self.headers = status_code, {k.replace("_", "-"): str(v) for k, v in headers.items()}


class Refusal(Exception):
    def __init__(self, response):
        super().__init__("429 Too Many Requests")
        self.response = response


def _gate():
    from chalicelib.adapters.x_budget import XBudgetGate

    budget = FakeXBudget()
    return budget, XBudgetGate(budget, lambda: NOW)


def test_the_gate_tells_the_budget_what_xs_headers_said():
    budget, gate = _gate()
    with gate.guard("search") as seen:
        seen(Answer(200, x_rate_limit_limit=450, x_rate_limit_remaining=3, x_rate_limit_reset=int(RESET.timestamp())))
    assert budget.items[("search", None)].remaining == 3


def test_a_429_raised_through_the_gate_holds_the_family_and_later_calls_are_refused_unasked():
    from chalicelib.services.ports import RateLimited

    budget, gate = _gate()
    reset = int(RESET.timestamp())
    with pytest.raises(RateLimited):
        with gate.guard("mentions"):
            try:
                raise Refusal(Answer(429, x_rate_limit_limit=450, x_rate_limit_remaining=0, x_rate_limit_reset=reset))
            except Refusal as e:
                raise RateLimited(RESET) from e
    with pytest.raises(RateLimited) as waited:
        with gate.guard("mentions"):
            pytest.fail("X must not be called")
    assert waited.value.reset_at == RESET


def test_a_429_without_headers_waits_a_minute_and_the_apps_spent_day_holds_every_handle():
    from chalicelib.adapters.x_budget import UNKNOWN_RESET

    budget, gate = _gate()
    gate.seen("oauth", Answer(429))
    assert budget.take("oauth", NOW) == NOW + UNKNOWN_RESET
    day = int((NOW + timedelta(hours=20)).timestamp())
    gate.seen("post", Answer(429, x_rate_limit_limit=100, x_rate_limit_remaining=40,
                             x_rate_limit_reset=int(RESET.timestamp()), x_app_limit_24hour_limit=10_000, x_app_limit_24hour_remaining=0,
                             x_app_limit_24hour_reset=day), "lucknowpolice")
    assert budget.take("post", NOW, "meerutpolice") == NOW + timedelta(hours=20)
