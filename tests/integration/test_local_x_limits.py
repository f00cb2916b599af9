"""Rate windows per app and per user with X's published limits, and the pay-per-use cost ledger."""

from __future__ import annotations

import pytest
import requests
import tweepy

from tests.integration.local_x import BEARER, bearer, control, reply, seed, user_tokens


# --- rate windows per app and per user -------------------------------------------------------

def test_app_only_and_user_context_count_against_separate_windows_with_xs_limits(server):
    token = user_tokens(server, "lucknowpolice")["access_token"]
    app_first = requests.get(f"{server.url}/2/users/1009/mentions", headers=BEARER, timeout=5)
    user_first = requests.get(f"{server.url}/2/users/1009/mentions", headers=bearer(token), timeout=5)
    user_second = requests.get(f"{server.url}/2/users/1009/mentions", headers=bearer(token), timeout=5)
    assert app_first.headers["x-rate-limit-limit"] == "450" and app_first.headers["x-rate-limit-remaining"] == "449"
    assert user_first.headers["x-rate-limit-limit"] == "300" and user_first.headers["x-rate-limit-remaining"] == "299"
    assert user_second.headers["x-rate-limit-remaining"] == "298"
    lookup = requests.get(f"{server.url}/2/users/by/username/noidapolice", headers=bearer(token), timeout=5)
    assert lookup.headers["x-rate-limit-limit"] == "900"
    me = requests.get(f"{server.url}/2/users/me", headers=bearer(token), timeout=5)
    assert me.headers["x-rate-limit-limit"] == "75"


def test_one_users_exhausted_window_leaves_other_users_and_the_app_alone(server):
    lucknow = user_tokens(server, "lucknowpolice")["access_token"]
    meerut = user_tokens(server, "meerutpolice")["access_token"]
    control(server, "POST", "rate_limits", {"family": "search", "limit": 1, "scope": "user", "username": "lucknowpolice"})
    url = f"{server.url}/2/tweets/search/recent"
    assert requests.get(url, headers=bearer(lucknow), params={"query": "help"}, timeout=5).status_code == 200
    refused = requests.get(url, headers=bearer(lucknow), params={"query": "help"}, timeout=5)
    assert refused.status_code == 429 and refused.headers["x-rate-limit-remaining"] == "0"
    assert requests.get(url, headers=bearer(meerut), params={"query": "help"}, timeout=5).status_code == 200
    assert requests.get(url, headers=BEARER, params={"query": "help"}, timeout=5).status_code == 200


def test_an_exhausted_app_window_does_not_stop_user_context(server):
    token = user_tokens(server, "lucknowpolice")["access_token"]
    control(server, "POST", "rate_limits", {"family": "users", "limit": 0, "scope": "app"})
    assert requests.get(f"{server.url}/2/users/1009", headers=BEARER, timeout=5).status_code == 429
    assert requests.get(f"{server.url}/2/users/1009", headers=bearer(token), timeout=5).status_code == 200


def test_posting_counts_against_the_user_and_the_apps_day(server):
    [a, b] = seed(server, {"author": "citizen_1", "text": "@lucknowpolice one"},
                  {"author": "citizen_1", "text": "@lucknowpolice two"})
    lucknow = user_tokens(server, "lucknowpolice")["access_token"]
    post = requests.post(f"{server.url}/2/tweets", headers=bearer(lucknow), timeout=5,
                         json={"text": "Noted", "reply": {"in_reply_to_tweet_id": a}})
    assert post.status_code == 201
    assert post.headers["x-rate-limit-limit"] == "100" and post.headers["x-rate-limit-remaining"] == "99"
    assert post.headers["x-app-limit-24hour-limit"] == "10000"
    assert post.headers["x-app-limit-24hour-remaining"] == "9999"
    control(server, "POST", "rate_limits", {"family": "post", "limit": 10_000, "remaining": 0, "scope": "app"})
    refused = requests.post(f"{server.url}/2/tweets", headers=bearer(lucknow), timeout=5,
                            json={"text": "Noted", "reply": {"in_reply_to_tweet_id": b}})
    assert refused.status_code == 429 and refused.headers["x-app-limit-24hour-remaining"] == "0"


def test_the_old_rate_limit_call_without_scope_still_limits_everyone(server, bot):
    [a, b] = seed(server, {"author": "citizen_1", "text": "@Uppolice one"}, {"author": "citizen_1", "text": "@Uppolice two"})
    answer = control(server, "POST", "rate_limits", {"family": "post", "limit": 1})
    assert answer["x-app-limit-24hour-limit"] == "1"
    bot.create_tweet(text="Noted", in_reply_to_tweet_id=a)
    with pytest.raises(tweepy.TooManyRequests):
        bot.create_tweet(text="Noted", in_reply_to_tweet_id=b)


def test_a_bad_rate_limit_control_is_a_400(server):
    for body in ({"family": "nope", "limit": 1}, {"family": "me", "limit": 1, "scope": "app"},
                 {"family": "search", "limit": 1, "scope": "user", "username": "nosuchuser"},
                 {"family": "search", "limit": 1, "username": "lucknowpolice"}):
        assert requests.post(f"{server.url}/_control/rate_limits", json=body, timeout=5).status_code == 400, body

# --- the cost ledger -------------------------------------------------------------------------

def costs(server) -> dict:
    return control(server, "GET", "costs")


def kind(server, name: str) -> dict:
    return costs(server)["by_kind"][name]


def test_a_post_read_twice_in_a_day_by_two_paths_is_billed_once(server, app):
    [tweet_id] = seed(server, {"author": "citizen_1", "text": "@lucknowpolice unique words zebra crossing"})
    control(server, "DELETE", "costs")
    uid = app.get_user(username="lucknowpolice").data.id
    assert kind(server, "user_read") == {"count": 1, "usd": 0.01}
    app.get_users_mentions(uid, since_id=int(tweet_id) - 1)
    app.search_recent_tweets("zebra crossing")
    app.get_tweet(tweet_id)
    assert kind(server, "post_read") == {"count": 1, "usd": 0.005}
    assert costs(server)["total_usd"] == pytest.approx(0.015)


def test_each_user_object_returned_is_billed_and_includes_count(server, app):
    seed(server, {"author": "citizen_1", "text": "@lucknowpolice includes test"})
    control(server, "DELETE", "costs")
    app.get_users(usernames=["lucknowpolice", "noidapolice"])
    app.get_users(usernames=["lucknowpolice"])
    assert kind(server, "user_read")["count"] == 3  # X states daily deduplication for posts only
    uid = app.get_user(username="lucknowpolice").data.id
    page = app.get_users_mentions(uid, max_results=5, expansions=["author_id"])
    assert kind(server, "user_read")["count"] == 4 + len(page.includes["users"])
    assert kind(server, "post_read")["count"] == len(page.data)


def test_posts_are_billed_by_kind(server, lucknow):
    [summoned, other] = seed(server, {"author": "citizen_1", "text": "@lucknowpolice please help"},
                             {"author": "citizen_1", "text": "@lucknowpolice another one"})
    answer = reply(lucknow, "Shikayat darj ki gayi.", summoned).data["id"]
    [follow_up] = seed(server, {"author": "citizen_1", "text": "thank you", "in_reply_to": answer})
    reply(lucknow, "You are welcome.", follow_up)  # allowed (a reply to our post) but not a mention: full price
    lucknow.create_tweet(text="Advisory: see https://uppolice.gov.in/advisory", user_auth=False)
    reply(lucknow, "Details at https://uppolice.gov.in/help", other)
    by_kind = costs(server)["by_kind"]
    assert by_kind["summoned_reply"] == {"count": 1, "usd": 0.01}
    assert by_kind["post_created"] == {"count": 1, "usd": 0.015}
    assert by_kind["post_created_with_url"] == {"count": 2, "usd": 0.4}


def test_failed_calls_are_not_billed_and_reset_clears_the_ledger(server, app, lucknow):
    [other] = seed(server, {"author": "citizen_1", "text": "@noidapolice not for lucknow"})
    control(server, "DELETE", "costs")
    with pytest.raises(tweepy.Forbidden):
        reply(lucknow, "Noted", other)
    with pytest.raises(tweepy.BadRequest):
        app.get_users_mentions("1009", max_results=500)
    assert app.get_user(username="nosuchuser1").data is None  # 200 with only errors: nothing returned
    assert costs(server)["total_usd"] == 0 and costs(server)["calls"] == []
    app.get_user(username="lucknowpolice")
    assert server.costs()["total_usd"] == pytest.approx(0.01)
    [call] = server.costs()["calls"]
    assert call["path"] == "/2/users/by/username/lucknowpolice" and call["items"] == {"user_read": 1}
    server.reset()
    assert server.costs()["total_usd"] == 0


def test_reset_restores_the_windows_users_and_ledger(server, app):
    control(server, "POST", "rate_limits", {"family": "users", "limit": 0, "scope": "app"})
    control(server, "POST", "users/noidapolice/suspend")
    server.reset()
    answer = requests.get(f"{server.url}/2/users/by/username/noidapolice", headers=BEARER, timeout=5)
    assert answer.status_code == 200 and answer.json()["data"]["username"] == "noidapolice"
    assert answer.headers["x-rate-limit-limit"] == "300"
    assert server.costs()["by_kind"]["user_read"]["count"] == 1
