"""The X budget port's contract, held against the in-memory fake and the DynamoDB adapter alike.
Each `budgets()` is one more function (its own memory) over the same shared store."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone

import pytest

from tests.fakes import FakeXBudget

NOW = datetime(2026, 11, 29, 6, 0, tzinfo=timezone.utc)
RESET = NOW + timedelta(minutes=15)
LATER = NOW + timedelta(minutes=2)  # a later run: each function reads the shared item again


@pytest.fixture(params=["fake", "dynamodb"])
def budgets(request):
    if request.param == "fake":
        shared: dict = {}
        return lambda: FakeXBudget(shared)
    from chalicelib.adapters.dynamo_budget import DynamoXBudget
    from chalicelib.adapters.dynamo_table import Table

    stack = request.getfixturevalue("stack")
    return lambda: DynamoXBudget(Table(stack.env["TABLE_NAME"], stack.client("dynamodb")))


def test_a_429_seen_by_one_function_makes_the_others_wait_until_its_reset(budgets):
    poller, searcher = budgets(), budgets()
    assert poller.take("mentions", NOW) is True and searcher.take("mentions", NOW) is True
    poller.observe("mentions", 0, RESET, 450)
    assert searcher.take("mentions", LATER) == RESET
    assert budgets().take("mentions", LATER) == RESET  # a function started since
    assert budgets().take("mentions", RESET) is True


def test_a_newer_window_replaces_an_older_one_and_never_the_other_way(budgets):
    first, second = budgets(), budgets()
    first.take("search", NOW)
    second.take("search", NOW)
    first.observe("search", 0, RESET, 450)
    second.observe("search", 0, NOW + timedelta(minutes=1), 450)  # an answer from before, arriving late
    assert budgets().take("search", LATER) == RESET


def test_what_the_windows_hold_reads_back_with_every_field(budgets):
    budget = budgets()
    budget.take("post", NOW, "LucknowPolice")
    budget.observe("post", 0, RESET, 100, "lucknowpolice")
    budget.observe("users", 250, RESET, 300)
    shown = {(w.family, w.user): (w.limit, w.remaining, w.reset) for w in budgets().windows(NOW)}
    assert shown == {("post", "lucknowpolice"): (100, 0, RESET), ("users", None): (300, 250, RESET)}


def test_below_the_reserve_functions_at_once_never_spend_more_than_is_left(budgets):
    functions = [budgets() for _ in range(4)]
    for f in functions:  # each asked, then each heard X say 3 are left
        f.take("search", NOW)
    for f in functions:
        f.observe("search", 3, RESET, 450)

    def take_all(f):
        return [f.take("search", NOW) for _ in range(3)]

    with ThreadPoolExecutor(4) as pool:
        taken = [t for ts in pool.map(take_all, functions) for t in ts]
    assert taken.count(True) == 3 and set(taken) - {True} == {RESET}
    assert budgets().take("search", LATER) == RESET


def test_xs_refusal_stands_even_when_it_names_an_earlier_reset_than_the_window_stored(budgets):
    budget = budgets()
    budget.take("users", NOW)
    budget.observe("users", 299, RESET, 300)
    soon = NOW + timedelta(minutes=5)
    budget.observe("users", 0, soon, 300)
    assert budgets().take("users", LATER) == soon
