"""The local X API v2 server (devtools/xapi) against real tweepy and plain requests.

tweepy always calls https://api.twitter.com; an adapter mounted on its session sends those
requests to the local server, as the product does.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
import tweepy

from devtools.xapi import DEFAULT_SEED_PATH
from tests.integration.local_x import BEARER, control

ROOT = Path(__file__).resolve().parents[2]


def get(server, path: str, headers=BEARER, **params) -> requests.Response:
    """A plain GET, to check raw bodies and headers."""
    return requests.get(f"{server.url}{path}", headers=headers, params=params, timeout=5)


def mentioning(handle: str, count: int, author: str = "citizen_1") -> list[dict]:
    return [{"author": author, "text": f"@{handle} shikayat {i}"} for i in range(count)]


def user_id(app, username: str) -> str:
    return str(app.get_user(username=username).data.id)  # tweepy's models turn ids into ints


def all_mentions(app, uid: str, **params) -> list[tweepy.Tweet]:
    pages = tweepy.Paginator(app.get_users_mentions, uid, max_results=100, **params)
    return list(pages.flatten())


def test_user_lookup_is_case_insensitive_and_an_unknown_user_answers_200_with_errors(server, app):
    found = app.get_user(username="LUCKNOWPOLICE", user_fields=["created_at"])
    assert (found.data.id, found.data.username, found.data.name) == (1009, "lucknowpolice", "LUCKNOW POLICE")
    assert found.data.created_at is not None
    watched = json.loads((ROOT / "chalicelib/data/handles.json").read_text())["handles"]
    assert user_id(app, watched[0]["handle"]) == "1000"

    missing = get(server, "/2/users/by/username/no_such_user")
    assert missing.status_code == 200
    assert missing.json() == {"errors": [{
        "value": "no_such_user",
        "detail": "Could not find user with username: [no_such_user].",
        "title": "Not Found Error",
        "resource_type": "user",
        "parameter": "username",
        "resource_id": "no_such_user",
        "type": "https://api.twitter.com/2/problems/resource-not-found",
    }]}
    assert app.get_user(username="no_such_user").data is None


def test_mentions_come_newest_first_and_since_id_is_exclusive(server, app):
    uid = user_id(app, "lucknowpolice")
    fields = ["author_id", "created_at", "conversation_id", "entities", "lang"]
    mentions = app.get_users_mentions(uid, max_results=100, tweet_fields=fields).data
    ids = [int(t.id) for t in mentions]
    assert len(ids) >= 6 and ids == sorted(ids, reverse=True)
    assert all(any(m["id"] == uid for m in t.entities["mentions"]) for t in mentions)
    raw = get(server, f"/2/users/{uid}/mentions", **{"tweet.fields": "created_at"})
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z", t["created_at"]) for t in raw.json()["data"])

    since = str(mentions[2].id)
    newer = app.get_users_mentions(uid, since_id=since)
    assert [t.id for t in newer.data] == [t.id for t in mentions[:2]]
    assert newer.meta["newest_id"] == str(mentions[0].id) and newer.meta["oldest_id"] == str(mentions[1].id)
    assert server.calls()[-1]["query"]["since_id"] == since


def test_more_than_100_mentions_page_with_next_token(server, app):
    control(server, "POST", "users", {"username": "newdesk"})
    created = control(server, "POST", "tweets", mentioning("newdesk", 230))
    uid = user_id(app, "newdesk")

    mentions = all_mentions(app, uid)
    assert [str(t.id) for t in mentions] == [t["id"] for t in reversed(created)]
    pages = [c for c in server.calls() if c["path"].endswith("/mentions")]
    assert len(pages) == 3 and "pagination_token" not in pages[0]["query"]
    assert all(c["query"]["pagination_token"] for c in pages[1:])


def test_only_the_newest_800_mentions_are_reachable(server, app):
    uid = user_id(app, "noidatraffic")
    seeded = {t.id for t in all_mentions(app, uid)}
    assert seeded
    created = control(server, "POST", "tweets", mentioning("noidatraffic", 900))

    mentions = all_mentions(app, uid)
    assert len(mentions) == 800
    assert str(mentions[-1].id) == created[100]["id"]
    assert not seeded & {t.id for t in mentions}
    # A since_id older than the reachable window is forced to the oldest reachable tweet.
    assert len(all_mentions(app, uid, since_id=created[0]["id"])) == 800


@pytest.mark.parametrize("max_results", [4, 101])
def test_max_results_outside_5_to_100_is_a_bad_request(app, max_results):
    with pytest.raises(tweepy.BadRequest) as caught:
        app.get_users_mentions("1009", max_results=max_results)
    body = caught.value.response.json()
    assert body["title"] == "Invalid Request" and body["type"] == "https://api.twitter.com/2/problems/invalid-request"
    message = f"The `max_results` query parameter value [{max_results}] is not between 5 and 100"
    assert body["errors"][0]["message"] == message


def test_an_empty_result_has_meta_only(server, app):
    uid = user_id(app, "lucknowpolice")
    newest = app.get_users_mentions(uid, max_results=5).meta["newest_id"]
    raw = get(server, f"/2/users/{uid}/mentions", since_id=newest)
    assert raw.status_code == 200 and raw.json() == {"meta": {"result_count": 0}}
    assert app.get_users_mentions(uid, since_id=newest).data is None


def test_author_expansion_includes_each_author_once(app):
    uid = user_id(app, "Uppolice")
    answer = app.get_users_mentions(
        uid, max_results=100, tweet_fields=["author_id"], expansions=["author_id"],
        user_fields=["username", "name", "created_at"],
    )
    users = answer.includes["users"]
    assert len({u.id for u in users}) == len(users)
    assert {t.author_id for t in answer.data} == {u.id for u in users}
    assert all(u.username and u.name and u.created_at for u in users)


def test_a_retweet_starts_with_rt_and_references_the_original(app):
    uid = user_id(app, "lucknowpolice")
    mentions = app.get_users_mentions(uid, max_results=100, tweet_fields=["referenced_tweets", "author_id"]).data
    [retweet] = [t for t in mentions if t.referenced_tweets]
    assert retweet.text.startswith("RT @lko_commuter: @lucknowpolice")
    [ref] = retweet.referenced_tweets
    assert ref.type == "retweeted" and ref.id in {t.id for t in mentions}


def test_search_with_or_and_minus_is_retweet(server, app):
    old = {"author": "old_timer", "text": "@lucknowpolice last week's complaint", "minutes_ago": 8 * 24 * 60}
    control(server, "POST", "tweets", old)
    fields = ["referenced_tweets", "entities"]
    query = "(@lucknowpolice OR @noidapolice) -is:retweet"
    found = list(tweepy.Paginator(app.search_recent_tweets, query, max_results=10, tweet_fields=fields).flatten())
    assert len(found) > 10  # more than one page, through next_token
    assert not any(t.referenced_tweets and t.referenced_tweets[0].type == "retweeted" for t in found)
    watched = {"lucknowpolice", "noidapolice"}
    assert all({m["username"].lower() for m in t.entities["mentions"]} & watched for t in found)
    assert all("next_token" in c["query"] for c in server.calls()[1:])

    with_retweets = app.search_recent_tweets("@lucknowpolice OR @noidapolice", max_results=100, tweet_fields=fields)
    with_retweets = with_retweets.data
    assert len(with_retweets) == len(found) + 1
    assert "last week" not in " ".join(t.text for t in with_retweets)  # recent search covers 7 days


def test_parameters_x_does_not_know_for_an_endpoint_are_refused(server):
    # Mentions pages with pagination_token, search with next_token; mixing them up is a 400 on X too.
    wrong_token = get(server, "/2/users/1009/mentions", next_token="abc")
    assert wrong_token.status_code == 400
    assert wrong_token.json()["errors"][0]["message"].startswith("The query parameters [next_token] is not one of [")
    assert get(server, "/2/tweets/search/recent", query="@Uppolice", pagination_token="abc").status_code == 400
    assert get(server, "/2/users/1009/mentions", **{"tweet.fields": "author"}).status_code == 400


def test_a_reply_added_through_control_joins_the_conversation(server, app):
    [complaint] = control(server, "POST", "tweets", {"author": "asha", "text": "@lucknowpolice बिजली नहीं है"})
    [reply] = control(server, "POST", "tweets", {"author": "lucknowpolice", "text": "@asha देख रहे हैं", "in_reply_to": complaint["id"]})
    assert reply["conversation_id"] == complaint["id"]
    assert reply["in_reply_to_user_id"] == complaint["author_id"]
    assert reply["referenced_tweets"] == [{"type": "replied_to", "id": complaint["id"]}]
    assert reply["entities"]["mentions"] == [{"start": 0, "end": 5, "username": "asha", "id": complaint["author_id"]}]


def test_a_query_over_512_characters_is_a_bad_request(app):
    with pytest.raises(tweepy.BadRequest):
        app.search_recent_tweets(" OR ".join(["@lucknowpolice"] * 35))


def test_rate_limit_headers_count_down_and_an_exhausted_window_answers_429(server):
    first, second = (get(server, "/2/users/1009/mentions") for _ in range(2))
    assert first.headers["x-rate-limit-limit"] == "450"
    assert int(first.headers["x-rate-limit-remaining"]) - 1 == int(second.headers["x-rate-limit-remaining"])
    assert 0 < int(first.headers["x-rate-limit-reset"]) - time.time() <= 900

    control(server, "POST", "rate_limits", {"family": "mentions", "limit": 1})
    assert get(server, "/2/users/1009/mentions").status_code == 200
    exhausted = get(server, "/2/users/1009/mentions")
    assert exhausted.status_code == 429 and exhausted.headers["x-rate-limit-remaining"] == "0"
    too_many = "Too Many Requests"
    assert exhausted.json() == {"title": too_many, "detail": too_many, "type": "about:blank", "status": 429}
    assert "retry-after" not in exhausted.headers


def test_an_injected_429_raises_too_many_requests_with_the_reset_time(server, app):
    control(server, "POST", "faults", {"path_prefix": "/2/users/", "status": 429, "times": 1, "reset_in_seconds": 600})
    with pytest.raises(tweepy.TooManyRequests) as caught:
        app.get_users_mentions("1009")
    reset = int(caught.value.response.headers["x-rate-limit-reset"])
    assert 590 <= reset - time.time() <= 600
    assert app.get_users_mentions("1009").data  # the fault was used up


def test_an_injected_503_raises_twitter_server_error(server, app):
    control(server, "POST", "faults", {"path_prefix": "/2/users/", "status": 503})
    with pytest.raises(tweepy.TwitterServerError) as caught:
        app.get_user(username="lucknowpolice")
    assert caught.value.response.status_code == 503


def test_a_malformed_answer_is_truncated_json(server, app):
    control(server, "POST", "faults", {"path_prefix": "/2/users/", "malformed": True})
    with pytest.raises(requests.exceptions.JSONDecodeError):
        app.get_users_mentions("1009")


def test_a_delay_fault_slows_the_answer_down(server, app):
    control(server, "POST", "faults", {"path_prefix": "/2/tweets/search", "delay_seconds": 0.3})
    started = time.monotonic()
    assert app.search_recent_tweets("@noidapolice").data
    assert time.monotonic() - started >= 0.3


def test_faults_queue_in_order_and_can_be_cleared(server, app):
    control(server, "POST", "faults", {"path_prefix": "/2/users/", "status": 500, "times": 2})
    control(server, "POST", "faults", {"path_prefix": "/2/users/", "status": 429})
    for expected in (tweepy.TwitterServerError, tweepy.TwitterServerError, tweepy.TooManyRequests):
        with pytest.raises(expected):
            app.get_user(username="dgpup")
    control(server, "POST", "faults", {"path_prefix": "/2/", "status": 503, "times": 5})
    control(server, "DELETE", "faults")
    assert app.get_user(username="dgpup").data


def test_a_reply_posted_with_oauth_is_recorded_in_the_conversation(server, app, bot):
    # The bot (OAuth 1.0a) acts as @Uppolice, so it answers a post that mentions @Uppolice (X's reply rule).
    uid = user_id(app, "Uppolice")
    fields = ["conversation_id", "author_id"]
    complaint = app.get_users_mentions(uid, max_results=100, tweet_fields=fields).data[-1]

    reply = "Aapki shikayat darj kar li gayi hai."
    posted = bot.create_tweet(text=reply, in_reply_to_tweet_id=complaint.id).data
    assert posted["text"] == reply and posted["edit_history_tweet_ids"] == [posted["id"]]
    assert int(posted["id"]) > complaint.id
    [recorded] = control(server, "GET", "posts")
    assert recorded["id"] == posted["id"]
    assert recorded["author_id"] == user_id(app, "Uppolice")
    assert recorded["conversation_id"] == str(complaint.conversation_id)
    assert recorded["in_reply_to_user_id"] == str(complaint.author_id)
    assert recorded["referenced_tweets"] == [{"type": "replied_to", "id": str(complaint.id)}]
    assert [c["auth"] for c in server.calls() if c["method"] == "POST"] == ["oauth"]

    with pytest.raises(tweepy.Forbidden):  # X refuses the same post twice
        bot.create_tweet(text=reply, in_reply_to_tweet_id=complaint.id)


def test_posting_with_a_bearer_token_is_forbidden(app):
    with pytest.raises(tweepy.Forbidden) as caught:
        app.create_tweet(text="hello", user_auth=False)
    assert caught.value.response.json()["title"] == "Unsupported Authentication"


def test_a_post_over_280_characters_is_refused(bot):
    with pytest.raises(tweepy.BadRequest) as caught:
        bot.create_tweet(text="x" * 281)
    assert "too long" in caught.value.response.json()["detail"]
    assert bot.create_tweet(text="श" * 280).data["id"]  # Devanagari weighs 1 per character
    # X's rule (chalicelib/x_text.py): a link weighs 23 however long it is.
    assert bot.create_tweet(text="x" * 256 + " https://up.gov.in/" + "status/" * 20).data["id"]


def test_devanagari_round_trips_byte_for_byte(server, bot):
    text = "@lucknowpolice गोमती नगर में बिजली नहीं है, कृपया मदद करें 🙏"
    bot.create_tweet(text=text)
    raw = get(server, "/2/users/1009/mentions", max_results=100)
    assert text.encode("utf-8") in raw.content
    assert raw.json()["data"][0]["text"] == text

    seeded = [m["text"] for m in json.loads(DEFAULT_SEED_PATH.read_text(encoding="utf-8"))["mentions"] if m["text"]]
    served = get(server, "/2/tweets/search/recent", query="@Uppolice", max_results=100).content
    devanagari = [t for t in seeded if re.search("[\u0900-\u097F]", t) and "@Uppolice" in t]
    assert devanagari and all(t.encode("utf-8") in served for t in devanagari)


def test_an_unauthenticated_get_is_401(server):
    answer = get(server, "/2/users/by/username/lucknowpolice", headers={})
    assert answer.status_code == 401
    assert answer.json() == {"title": "Unauthorized", "type": "about:blank", "status": 401, "detail": "Unauthorized"}


def test_the_seed_covers_the_watched_handles_and_the_desk_scenarios(server, app):
    seed = json.loads(DEFAULT_SEED_PATH.read_text(encoding="utf-8"))["mentions"]
    texts = [m["text"] or "" for m in seed]
    assert len(seed) >= 45
    assert sum("@lucknowpolice" in t for t in texts) >= 6 and sum("@noidapolice" in t for t in texts) >= 6
    assert any("98765 43210" in t for t in texts)
    watched = [h["handle"] for h in json.loads((ROOT / "chalicelib/data/handles.json").read_text())["handles"]]
    by_watched = [m for m in seed if m["author"] in watched]
    assert by_watched and all(user_id(app, h) == str(1000 + i) for i, h in enumerate(watched))


def test_the_cli_prints_its_url_and_stops_on_sigterm():
    command = [sys.executable, "-m", "devtools.xapi", "--port", "0"]
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        url = process.stdout.readline().strip()
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+", url)
        answer = requests.get(f"{url}/2/users/by/username/Uppolice", headers=BEARER, timeout=5)
        assert answer.json()["data"]["id"] == "1000"
    finally:
        process.terminate()
        assert process.wait(timeout=5) == 0
