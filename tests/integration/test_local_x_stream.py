"""The filtered stream on the local X, against real tweepy.StreamingClient: rules as X keeps and
refuses them, one connection per app, deliveries with matching_rules as posts are published,
keep-alives, disconnects on demand, a deterministic dropped share, billing, and recent search's
indexing delay."""

from __future__ import annotations

import threading
import time

import pytest
import requests
import tweepy

from devtools.xapi import XApiServer
from tests.integration.local_x import BEARER, Listener, bearer, control, get_json, seed, tweepy_client, user_tokens

RULES = "/2/tweets/search/stream/rules"
STREAM = "/2/tweets/search/stream"


@pytest.fixture
def stream(server):
    """A stream whose keep-alives come every 0.2 s, so tweepy notices a disconnect at once; a rule
    for @lucknowpolice (no retweets) and one for @noidapolice."""
    server.set_stream(keepalive_seconds=0.2)
    listener = Listener(server.url)
    listener.add_rules([tweepy.StreamRule("@lucknowpolice -is:retweet", tag="lucknow"),
                        tweepy.StreamRule("@noidapolice", tag="noida")])
    yield listener
    listener.stop()


def disconnected(server) -> None:
    """Wait until the local X has noticed a client close its stream (it looks every 0.1 s); X too
    refuses a new connection with 429 until it has seen the old one go."""
    deadline = time.monotonic() + 10
    while server.stream_status()["connected"]:
        assert time.monotonic() < deadline, "the local X never noticed the stream close"
        time.sleep(0.05)


def post(server, text: str, author: str = "citizen_1", **spec) -> str:
    return seed(server, {"author": author, "text": text, **spec})[0]


def rules_post(server, body: dict, **params) -> requests.Response:
    return requests.post(f"{server.url}{RULES}", json=body, params=params, headers=BEARER, timeout=5)


# --- rules -----------------------------------------------------------------------------------

def test_rules_are_added_listed_and_deleted_by_id_with_xs_summaries(server):
    listener = Listener(server.url)
    added = listener.add_rules([tweepy.StreamRule("@lucknowpolice", tag="lucknow"), tweepy.StreamRule("@Uppolice")])
    assert added.meta["summary"] == {"created": 2, "not_created": 0, "valid": 2, "invalid": 0}
    ids = [r.id for r in added.data]
    assert [(r.value, r.tag) for r in listener.get_rules().data] == [("@lucknowpolice", "lucknow"), ("@Uppolice", None)]
    assert [r.value for r in listener.get_rules(ids=[ids[1]]).data] == ["@Uppolice"]

    deleted = listener.delete_rules([ids[0], "1234"])
    assert deleted.meta["summary"] == {"deleted": 1, "not_deleted": 1}
    assert deleted.errors[0]["errors"] == [{"parameters": {"ids": ["1234"]}, "message": "Rule does not exist"}]
    assert [r.id for r in listener.get_rules().data] == [ids[1]]
    listener.delete_rules(ids[1])
    assert get_json(server, RULES) == {"meta": {"sent": get_json(server, RULES)["meta"]["sent"], "result_count": 0}}


def test_a_duplicate_a_too_long_and_an_invalid_rule_are_errors_beside_the_rules_created(server):
    answer = rules_post(server, {"add": [{"value": "@lucknowpolice", "tag": "first"}]})
    assert answer.status_code == 201
    first = answer.json()["data"][0]["id"]
    too_long = " OR ".join(["@lucknowpolice"] * 70)
    assert len(too_long) > 1024
    answer = rules_post(server, {"add": [{"value": "@lucknowpolice", "tag": "again"}, {"value": too_long},
                                         {"value": "(@noidapolice"}, {"value": "@noidapolice", "tag": "noida"}]})
    body = answer.json()
    assert answer.status_code == 201
    assert [r["value"] for r in body["data"]] == ["@noidapolice"]
    assert body["meta"]["summary"] == {"created": 1, "not_created": 3, "valid": 1, "invalid": 3}
    duplicate, long_one, invalid = body["errors"]
    assert duplicate == {"value": "@lucknowpolice", "id": first, "title": "DuplicateRule",
                         "type": "https://api.twitter.com/2/problems/duplicate-rules"}
    assert long_one["title"] == invalid["title"] == "UnprocessableEntity"
    assert long_one["type"] == "https://api.twitter.com/2/problems/invalid-rules"
    assert "1024" in long_one["details"][0] and invalid["details"] == ["Missing closing parenthesis (at position 14)"]
    assert len(get_json(server, RULES)["data"]) == 2


def test_a_dry_run_checks_rules_without_keeping_them(server):
    answer = rules_post(server, {"add": [{"value": "@lucknowpolice"}, {"value": "from:"}]}, dry_run="true")
    assert answer.status_code == 200
    assert answer.json()["meta"]["summary"] == {"created": 1, "not_created": 1, "valid": 1, "invalid": 1}
    assert get_json(server, RULES)["meta"]["result_count"] == 0


def test_a_rules_request_without_exactly_one_of_add_and_delete_is_a_400(server):
    for body in ({}, {"add": [{"value": "@a"}], "delete": {"ids": ["1"]}}, {"add": []}):
        answer = rules_post(server, body)
        assert answer.status_code == 400 and answer.json()["title"] == "Invalid Request"


def test_the_stream_and_its_rules_take_only_the_apps_bearer_token(server):
    user = bearer(user_tokens(server, "lucknowpolice")["access_token"])
    for answer in (requests.get(f"{server.url}{RULES}", headers=user, timeout=5),
                   requests.get(f"{server.url}{STREAM}", headers=user, timeout=5)):
        assert answer.status_code == 403
        assert answer.json()["detail"].startswith("Authenticating with OAuth 2.0 User Context is forbidden")
    assert requests.get(f"{server.url}{STREAM}", timeout=5).status_code == 401


# --- the connection --------------------------------------------------------------------------

def test_without_rules_the_stream_refuses_to_connect_with_409(server):
    answer = requests.get(f"{server.url}{STREAM}", headers=BEARER, timeout=5)
    assert answer.status_code == 409
    assert answer.json()["connection_issue"] == "RuleConfigurationIssue"


def test_a_matching_post_is_delivered_with_its_rules_fields_and_expansions(server, stream):
    stream.start(tweet_fields=["created_at", "author_id", "entities"], expansions=["author_id"],
                 user_fields=["verified_type"])
    post(server, "@Uppolice unrelated to any rule")
    retweeted = post(server, "@lucknowpolice @noidapolice chain snatching near the metro")
    got = stream.next("post")
    assert got.data.id == int(retweeted) and got.data.created_at and got.data.author_id
    assert {(r.tag, r.value) for r in got.matching_rules} == {("lucknow", None), ("noida", None)}
    assert {r.id for r in got.matching_rules} == {r.id for r in stream.get_rules().data}
    assert [(u.username, u.verified_type) for u in got.includes["users"]] == [("citizen_1", "none")]

    seed(server, {"author": "citizen_2", "retweet_of": retweeted})  # -is:retweet keeps it from lucknow's rule
    got = stream.next("post")
    assert [r.tag for r in got.matching_rules] == ["noida"] and got.data.text.startswith("RT @citizen_1")


def test_edits_and_posts_made_through_the_api_are_delivered(server, stream):
    stream.start(tweet_fields=["edit_history_tweet_ids"])
    original = post(server, "@lucknowpolice streetlight broken")
    assert stream.next("post").data.id == int(original)
    edited = control(server, "POST", f"tweets/{original}/edit", {"text": "@lucknowpolice streetlight broken, Aliganj"})
    got = stream.next("post")
    assert (got.data.id, got.data.edit_history_tweet_ids) == (int(edited["id"]), [int(original), int(edited["id"])])

    noida = tweepy_client(server.url, bearer_token=user_tokens(server, "noidapolice")["access_token"])
    made = noida.create_tweet(text="Traffic advisory for sector 18 @noidapolice", user_auth=False).data
    assert stream.next("post").data.id == int(made["id"])


def test_a_second_connection_is_refused_with_xs_too_many_connections(server, stream):
    stream.start()
    answer = requests.get(f"{server.url}{STREAM}", headers=BEARER, timeout=5)
    assert answer.status_code == 429
    assert answer.json() == {
        "title": "ConnectionException",
        "detail": "This stream is currently at the maximum allowed connection limit.",
        "connection_issue": "TooManyConnections",
        "type": "https://api.twitter.com/2/problems/streaming-connection",
    }
    second = Listener(server.url)
    second.filter(threaded=True)
    assert second.next("refused") == 429

    stream.stop()  # once the first is gone, the app may connect again
    disconnected(server)
    again = Listener(server.url).start()
    post(server, "@noidapolice pothole")
    assert again.next("post").data.text == "@noidapolice pothole"
    again.stop()


def test_keep_alives_come_while_nothing_matches(server, stream):
    stream.start()
    assert stream.next("keep-alive") is None
    assert server.stream_status()["connected"]


def test_the_control_disconnect_says_so_and_tweepy_reconnects(server, stream):
    stream.start()
    assert server.set_stream(disconnect=True)["disconnected"]
    [error] = stream.next("errors")
    assert error["disconnect_type"] == "OperationalDisconnect"
    assert stream.next("connect") is None  # tweepy reconnects at once after a dropped stream
    assert server.stream_status()["connects"] == 2
    post(server, "@lucknowpolice after the reconnect")
    assert stream.next("post").data.text == "@lucknowpolice after the reconnect"


def delivered_with_drop(server, stream, seed_value: int) -> set[str]:
    """Which of 24 posts with fixed dates (so fixed ids) reach the stream with half dropped."""
    server.set_stream(drop_share=0.5, seed=seed_value)
    stream.start()
    ids = seed(server, *[{"author": "citizen_1", "text": f"@noidapolice complaint {i}",
                          "created_at": f"2026-11-30T10:00:{i:02d}Z"} for i in range(24)],
               {"author": "citizen_1", "text": "@noidapolice last", "created_at": "2026-11-30T10:01:00Z"})
    server.set_stream(drop_share=0)
    post(server, "@noidapolice marker")  # not dropped: everything before it has been decided
    got = set()
    while (tweet := stream.next("post").data).text != "@noidapolice marker":
        got.add(str(tweet.id))
    stream.stop()
    disconnected(server)
    return got & set(ids)


def test_a_share_of_deliveries_is_dropped_the_same_way_for_the_same_seed(server, stream):
    first = delivered_with_drop(server, stream, seed_value=1)
    assert 0 < len(first) < 25
    server.reset()
    server.set_stream(keepalive_seconds=0.2)
    stream.add_rules(tweepy.StreamRule("@noidapolice"))
    assert delivered_with_drop(server, stream, seed_value=1) == first
    server.reset()
    server.set_stream(keepalive_seconds=0.2)
    stream.add_rules(tweepy.StreamRule("@noidapolice"))
    assert delivered_with_drop(server, stream, seed_value=2) != first


def test_a_delivered_post_is_billed_once_as_a_post_read_even_if_searched_later(server, stream, instant_search):
    stream.start()
    tweet_id = post(server, "@lucknowpolice water logging")
    stream.next("post")
    assert server.costs()["by_kind"]["post_read"]["count"] == 1
    assert tweet_id in [t["id"] for t in get_json(server, "/2/tweets/search/recent", query="water logging")["data"]]
    assert server.costs()["by_kind"]["post_read"]["count"] == 1


def test_stopping_the_server_ends_a_live_stream(stream):
    with XApiServer() as other:
        listener = Listener(other.url)
        listener.add_rules(tweepy.StreamRule("@lucknowpolice"))
        listener.start()
        ended = threading.Event()
        threading.Thread(target=lambda: (listener.thread.join(), ended.set()), daemon=True).start()
        other.stop()
        listener.disconnect()  # tweepy would otherwise retry the stopped server
        assert ended.wait(30)


# --- search indexing -------------------------------------------------------------------------

def test_recent_search_finds_a_post_only_after_the_indexing_delay(server):
    fresh = post(server, "@lucknowpolice fresh complaint about noise")
    older = post(server, "@lucknowpolice older complaint about noise", minutes_ago=1)
    found = [t["id"] for t in get_json(server, "/2/tweets/search/recent", query="noise").get("data", [])]
    assert found == [older]
    control(server, "POST", "search", {"index_delay_seconds": 0})
    found = [t["id"] for t in get_json(server, "/2/tweets/search/recent", query="noise")["data"]]
    assert found == [fresh, older]
    assert requests.post(f"{server.url}/_control/search", json={"index_delay_seconds": -1}, timeout=5).status_code == 400


def test_the_stream_controls_report_and_refuse_bad_settings(server):
    assert control(server, "GET", "stream") == {"connected": False, "connects": 0, "drop_share": 0.0, "seed": 0,
                                                "cut_share": 0.0, "cut_next": 0, "keepalive_seconds": 20.0}
    for body in ({"drop_share": 1.5}, {"cut_share": -0.1}, {"cut_next": -1}, {"keepalive_seconds": 0}, {"speed": 2}):
        assert requests.post(f"{server.url}/_control/stream", json=body, timeout=5).status_code == 400
    assert control(server, "POST", "stream", {"disconnect": True})["disconnected"] is False


def test_a_rule_of_exclusions_alone_is_refused(server):
    answer = rules_post(server, {"add": [{"value": "-is:retweet -(@noidapolice OR @Uppolice)"},
                                         {"value": "-is:retweet (@noidapolice OR -@Uppolice)"}]})
    assert answer.json()["errors"][0]["details"] == ["Rules must contain a non-negation term (at position 1)"]
    assert [r["value"] for r in answer.json()["data"]] == ["-is:retweet (@noidapolice OR -@Uppolice)"]
