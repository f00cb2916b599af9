"""The local X's injected faults, as real tweepy and requests meet them: 429 with and without X's
rate-limit headers, 5xx, timeouts, malformed and truncated bodies, dropped connections and lost
answers, the token endpoint failing, a stream cut mid-post, seeded chance rules and an outage."""

from __future__ import annotations

import pytest
import requests
import tweepy

from chalicelib.adapters.x_http import XApiAdapter
from tests.integration.local_x import (BEARER, CLIENT, X_API, Listener, bearer, control, reply, seed, token_request,
                                       user_tokens)


def get_user(server) -> requests.Response:
    return requests.get(f"{server.url}/2/users/by/username/lucknowpolice", headers=BEARER, timeout=5)


def refresh(server, refresh_token: str) -> requests.Response:
    return token_request(server, grant_type="refresh_token", refresh_token=refresh_token, client_id=CLIENT[0])


def test_a_429_without_reset_headers_has_none_of_xs_rate_limit_headers(server, app):
    control(server, "POST", "faults", {"path_prefix": "/2/users/", "status": 429, "reset_header": False})
    with pytest.raises(tweepy.TooManyRequests) as caught:
        app.get_user(username="lucknowpolice")
    assert not [h for h in caught.value.response.headers if h.lower().startswith("x-rate-limit")]
    answer = get_user(server)
    assert answer.status_code == 200 and "x-rate-limit-reset" in answer.headers


@pytest.mark.parametrize("status", [500, 503])
def test_a_5xx_is_xs_problem_body(server, status):
    control(server, "POST", "faults", {"path_prefix": "/2/users/", "status": status})
    answer = get_user(server)
    assert answer.status_code == status and answer.json()["status"] == status


def test_a_delay_longer_than_the_client_timeout_is_a_timeout(server):
    client = tweepy.Client(bearer_token="local-dummy-bearer-token")
    client.session.mount(X_API, XApiAdapter(server.url, timeout=0.2))
    control(server, "POST", "faults", {"path_prefix": "/2/users/", "delay_seconds": 0.6})
    with pytest.raises(requests.exceptions.ReadTimeout):
        client.get_user(username="lucknowpolice")


@pytest.mark.parametrize("malformed", ["truncated", "html", "wrong_shape"])
def test_malformed_bodies_come_with_200(server, malformed):
    control(server, "POST", "faults", {"path_prefix": "/2/users/", "malformed": malformed})
    answer = get_user(server)
    assert answer.status_code == 200
    if malformed == "wrong_shape":
        assert not isinstance(answer.json()["data"], list)
    else:
        with pytest.raises(ValueError):
            answer.json()


def test_a_dropped_connection_answers_nothing(server):
    control(server, "POST", "faults", {"path_prefix": "/2/users/", "drop": True})
    with pytest.raises(requests.exceptions.ConnectionError):
        get_user(server)
    assert get_user(server).status_code == 200


def test_a_lost_answer_posts_all_the_same_and_the_same_reply_again_is_refused_as_a_duplicate(server, lucknow):
    [parent] = seed(server, {"author": "asha_lko", "text": "@lucknowpolice Aminabad me chori"})
    control(server, "POST", "faults", {"path_prefix": "/2/tweets", "answer_lost": True})
    with pytest.raises(requests.exceptions.ConnectionError):
        reply(lucknow, "Complaint noted", parent)
    assert [p["text"] for p in server.posts()] == ["Complaint noted"]
    with pytest.raises(tweepy.Forbidden, match="duplicate"):
        reply(lucknow, "Complaint noted", parent)


@pytest.mark.parametrize("fault", [{"status": 503}, {"drop": True}])
def test_a_failing_token_endpoint_leaves_the_refresh_token_live(server, fault):
    tokens = user_tokens(server, "lucknowpolice")
    control(server, "POST", "faults", {"path_prefix": "/2/oauth2/token", **fault})
    try:
        failed = refresh(server, tokens["refresh_token"])
        assert failed.status_code == fault.get("status", 200) and "access_token" not in failed.text
    except requests.exceptions.ConnectionError:
        assert fault.get("drop")
    again = refresh(server, tokens["refresh_token"])
    assert again.status_code == 200 and again.json()["refresh_token"] != tokens["refresh_token"]


def test_the_token_endpoint_can_refuse_a_live_grant_with_invalid_grant(server):
    tokens = user_tokens(server, "lucknowpolice")
    control(server, "POST", "faults", {"path_prefix": "/2/oauth2/token", "oauth_error": "invalid_grant"})
    refused = refresh(server, tokens["refresh_token"])
    assert refused.status_code == 400 and refused.json()["error"] == "invalid_grant"


@pytest.mark.parametrize("fault", [{"answer_lost": True}, {"malformed": "html"}])
def test_a_lost_or_garbled_token_answer_rotates_the_chain_all_the_same(server, fault):
    tokens = user_tokens(server, "lucknowpolice")
    control(server, "POST", "faults", {"path_prefix": "/2/oauth2/token", **fault})
    try:
        assert "access_token" not in refresh(server, tokens["refresh_token"]).text
    except requests.exceptions.ConnectionError:
        assert fault.get("answer_lost")
    assert refresh(server, tokens["refresh_token"]).status_code == 400  # X rotated it for the lost answer


def outcomes(server, n: int) -> list[int]:
    got = []
    for _ in range(n):
        try:
            got.append(get_user(server).status_code)
        except requests.exceptions.ConnectionError:
            got.append(0)
    return got


def test_a_chance_rule_fails_a_seeded_share_and_the_same_seed_fails_the_same_requests(server):
    rule = {"path_prefix": "/2/users/", "probability": 0.3, "kinds": ["429", "500", "drop"], "seed": 7}
    control(server, "POST", "faults", rule)
    first = outcomes(server, 60)
    control(server, "DELETE", "faults")
    control(server, "POST", "faults", rule)
    assert outcomes(server, 60) == first
    failed = [s for s in first if s != 200]
    assert 5 <= len(failed) <= 35 and set(failed) <= {429, 500, 0} and len(set(failed)) >= 2
    assert control(server, "GET", "faults")["chances"][0]["hits"] == len(failed)
    assert get_json_status(server, "/2/tweets/search/recent", query="@noidapolice") == 200  # another prefix: spared


def get_json_status(server, path: str, **params) -> int:
    return requests.get(f"{server.url}{path}", headers=BEARER, params=params, timeout=5).status_code


def test_a_chance_rule_spares_the_prefixes_it_is_told_to(server):
    control(server, "POST", "faults", {"path_prefix": "/2/", "probability": 1.0, "kinds": ["503"], "seed": 1,
                                       "spare": ["/2/users/by/"]})
    assert outcomes(server, 3) == [200, 200, 200]
    assert get_json_status(server, "/2/tweets/search/recent", query="@noidapolice") == 503


def test_a_chance_rule_with_an_unknown_kind_or_probability_is_a_400(server):
    for bad in ({"probability": 0, "kinds": ["500"]}, {"probability": 0.5, "kinds": ["fire"]},
                {"probability": 0.5, "kinds": ["500"], "spare": "/2/users/"}):
        answer = requests.post(f"{server.url}/_control/faults", json=bad, timeout=5)
        assert answer.status_code == 400


def test_an_outage_fails_every_api_request_and_the_token_endpoint_until_cleared(server):
    tokens = user_tokens(server, "lucknowpolice")
    control(server, "POST", "outage", {"status": 503})
    assert get_user(server).status_code == 503
    assert requests.get(f"{server.url}/2/users/me", headers=bearer(tokens["access_token"]), timeout=5).status_code == 503
    assert refresh(server, tokens["refresh_token"]).status_code == 503
    control(server, "DELETE", "outage")
    assert get_user(server).status_code == 200 and refresh(server, tokens["refresh_token"]).status_code == 200


def test_a_stream_cut_mid_post_loses_that_post_and_tweepy_reconnects(server):
    server.set_stream(keepalive_seconds=0.2)
    listener = Listener(server.url)
    listener.add_rules([tweepy.StreamRule("@lucknowpolice", tag="lucknow")])
    listener.start()
    try:
        server.set_stream(cut_next=1)
        cut = seed(server, {"author": "asha_lko", "text": "@lucknowpolice cut in half"})[0]
        assert listener.next("connect") is None  # tweepy met the broken connection and came back
        [after] = seed(server, {"author": "asha_lko", "text": "@lucknowpolice after the cut"})
        delivered = listener.next("post")
        assert str(delivered.data.id) == after
        seen = []
        while not listener.events.empty():
            seen.append(listener.events.get_nowait())
        assert not [e for e in seen if e[0] in ("post", "errors") and cut in str(e[1])]
    finally:
        listener.stop()
