"""The local X's settable clock: everything X times (post dates and ids, rate windows, token
expiry, edit windows, recent search's window and indexing delay, the stream's delivery of posts
dated ahead) follows it, and reset brings real time back."""

from __future__ import annotations

import time
from datetime import datetime, timedelta, timezone

import requests
import tweepy

from devtools.xapi.clock import Clock
from tests.integration.local_x import BEARER, Listener, bearer, control, get_json, seed, user_tokens

START = datetime(2026, 6, 1, 9, 0, tzinfo=timezone.utc)
SEARCH = "/2/tweets/search/recent"


def at(minutes: float = 0, seconds: float = 0) -> str:
    return (START + timedelta(minutes=minutes, seconds=seconds)).isoformat().replace("+00:00", "Z")


def test_posts_are_dated_and_numbered_by_the_clock_and_reset_restores_real_time(server):
    report = control(server, "POST", "clock", {"now": at(), "rate": 1})
    assert report["now"].startswith("2026-06-01T09:00") and not report["real_time"]
    lucknow = user_tokens(server, "lucknowpolice")["access_token"]
    made = requests.post(f"{server.url}/2/tweets", json={"text": "Traffic advisory"}, headers=bearer(lucknow), timeout=5)
    looked_up = get_json(server, f"/2/tweets/{made.json()['data']['id']}", **{"tweet.fields": "created_at"})
    assert looked_up["data"]["created_at"].startswith("2026-06-01T09:00")

    server.reset()
    assert control(server, "GET", "clock")["real_time"]
    assert control(server, "GET", "clock")["now"][:4] == str(datetime.now(timezone.utc).year)


def test_rate_windows_reset_on_the_clock(server):
    server.set_clock(START)
    control(server, "POST", "rate_limits", {"family": "search", "limit": 1, "scope": "app"})
    first = requests.get(f"{server.url}{SEARCH}", headers=BEARER, params={"query": "help"}, timeout=5)
    assert first.status_code == 200
    assert int(first.headers["x-rate-limit-reset"]) == int((START + timedelta(minutes=15)).timestamp())
    assert requests.get(f"{server.url}{SEARCH}", headers=BEARER, params={"query": "help"}, timeout=5).status_code == 429
    server.set_clock(at(minutes=16))
    assert requests.get(f"{server.url}{SEARCH}", headers=BEARER, params={"query": "help"}, timeout=5).status_code == 200


def test_access_tokens_expire_after_two_hours_on_the_clock(server):
    server.set_clock(START)
    token = user_tokens(server, "lucknowpolice")["access_token"]
    assert requests.get(f"{server.url}/2/users/me", headers=bearer(token), timeout=5).status_code == 200
    server.set_clock(at(minutes=121))
    assert requests.get(f"{server.url}/2/users/me", headers=bearer(token), timeout=5).status_code == 401


def test_the_edit_window_closes_30_minutes_on_the_clock(server):
    server.set_clock(START)
    [tweet_id] = seed(server, {"author": "citizen_1", "text": "@lucknowpolice streetlight out"})
    server.set_clock(at(minutes=31))
    refused = requests.post(f"{server.url}/_control/tweets/{tweet_id}/edit", json={"text": "@lucknowpolice lamp"},
                            timeout=5)
    assert refused.status_code == 403


def test_recent_search_indexes_bounds_and_reaches_back_on_the_clock(server):
    server.set_clock(START)
    [tweet_id] = seed(server, {"author": "citizen_1", "text": "@lucknowpolice garbage not collected"})
    assert "data" not in get_json(server, SEARCH, query="garbage")
    server.set_clock(at(seconds=31))
    assert [t["id"] for t in get_json(server, SEARCH, query="garbage")["data"]] == [tweet_id]
    too_late = requests.get(f"{server.url}{SEARCH}", headers=BEARER, params={"query": "garbage", "end_time": at(seconds=25)},
                            timeout=5)
    assert too_late.status_code == 400 and "10 seconds prior" in too_late.json()["errors"][0]["message"]
    server.set_clock(at(minutes=8 * 24 * 60))
    assert "data" not in get_json(server, SEARCH, query="garbage")  # past the seven days search reaches


def test_a_post_dated_ahead_appears_and_is_streamed_when_the_clock_reaches_it(server):
    server.set_clock(START)
    server.set_stream(keepalive_seconds=0.2)
    missed, ahead = seed(server, {"author": "citizen_1", "text": "@noidapolice early", "created_at": at(minutes=2)},
                         {"author": "citizen_1", "text": "@noidapolice later", "created_at": at(minutes=5)})
    server.set_clock(at(minutes=3))  # the early post comes due while no one is connected: missed, as on X
    listener = Listener(server.url)
    listener.add_rules(tweepy.StreamRule("@noidapolice"))
    listener.start()
    [now] = seed(server, {"author": "citizen_1", "text": "@noidapolice now"})
    assert listener.next("post").data.id == int(now)
    assert get_json(server, f"/2/tweets/{ahead}").get("errors")  # not posted yet
    assert get_json(server, f"/2/tweets/{missed}")["data"]["id"] == missed
    server.set_clock(at(minutes=6))
    assert listener.next("post").data.id == int(ahead)
    assert get_json(server, f"/2/tweets/{ahead}")["data"]["id"] == ahead
    listener.stop()


def test_a_clock_that_does_not_run_forward_is_a_400(server):
    for body in ({"now": at(), "rate": 0}, {"rate": -2}, {"now": "yesterday"}):
        assert requests.post(f"{server.url}/_control/clock", json=body, timeout=5).status_code == 400
    assert control(server, "DELETE", "clock")["real_time"]


def test_a_scaled_clock_runs_rate_times_as_fast():
    clock = Clock()
    clock.set(START, rate=3600)
    time.sleep(0.01)
    assert clock.now() >= START + timedelta(seconds=36)
    clock.reset()
    assert abs(clock.time() - time.time()) < 5
