"""The local X keeps bounded memory however long it serves (`make soak`), and stays strict about it: the
request log refuses to be read once it dropped requests; the ledger's totals stay exact."""

from __future__ import annotations

from collections import deque
from datetime import datetime, timedelta, timezone

import pytest
import requests

from devtools.xapi.calls import CallLog, CallLogOverflow
from devtools.xapi.costs import Ledger
from tests.integration.local_x import BEARER, control, seed


def lookup(server, username: str = "lucknowpolice") -> None:
    requests.get(f"{server.url}/2/users/by/username/{username}", headers=BEARER, timeout=5).raise_for_status()


def test_the_request_log_keeps_its_limit_and_refuses_a_partial_read_until_cleared(server):
    server.state.calls = CallLog(limit=3)
    for _ in range(3):
        lookup(server)
    assert len(control(server, "GET", "calls")) == 3  # full, nothing dropped yet
    lookup(server)
    assert len(server.state.calls) == 3 and server.state.calls.dropped == 1
    refused = requests.get(f"{server.url}/_control/calls", timeout=5)
    assert refused.status_code == 409 and "dropped its 1 oldest" in refused.json()["error"]
    with pytest.raises(CallLogOverflow):
        server.calls()
    control(server, "DELETE", "calls")
    lookup(server, "noidapolice")
    [call] = control(server, "GET", "calls")
    assert call["path"] == "/2/users/by/username/noidapolice"


def test_the_ledger_itemises_its_latest_calls_and_counts_the_rest_with_exact_totals(server):
    server.state.costs = Ledger(calls=deque(maxlen=2))
    for name in ("lucknowpolice", "noidapolice", "meerutpolice"):
        lookup(server, name)
    costs = server.costs()
    assert [c["path"].rsplit("/", 1)[1] for c in costs["calls"]] == ["noidapolice", "meerutpolice"]
    assert costs["calls_dropped"] == 1
    assert costs["by_kind"]["user_read"]["count"] == 3 and costs["total_usd"] == pytest.approx(0.03)


def test_posts_read_are_kept_for_the_current_day_only_and_billed_once_that_day(server):
    [first] = seed(server, {"author": "citizen_1", "text": "@lucknowpolice no water"})
    tomorrow = datetime.now(timezone.utc).date() + timedelta(days=1)
    day_one = datetime(tomorrow.year, tomorrow.month, tomorrow.day, 12, tzinfo=timezone.utc)  # after the posts
    control(server, "POST", "clock", {"now": day_one.isoformat()})
    control(server, "DELETE", "costs")

    def read(tweet_id: str) -> None:
        requests.get(f"{server.url}/2/tweets/{tweet_id}", headers=BEARER, timeout=5).raise_for_status()

    read(first)
    read(first)
    assert server.costs()["by_kind"]["post_read"]["count"] == 1
    assert server.state.costs.posts_read == {first}
    control(server, "POST", "clock", {"now": (day_one + timedelta(days=1)).isoformat()})
    [second] = seed(server, {"author": "citizen_2", "text": "@noidapolice road broken"})
    read(second)
    assert server.state.costs.posts_read == {second}  # the day before is gone
    read(first)  # a new UTC day: X bills the post again
    assert server.costs()["by_kind"]["post_read"]["count"] == 3
