"""OAuth 2.0 Authorization Code with PKCE on the local X: authorize, consent, token, refresh,
revoke, user context with an access token, and the app-only bearer token."""

from __future__ import annotations

import pytest
import requests
import tweepy

from tests.integration.local_x import (
    CLIENT, REDIRECT_URI, SCOPES, authorize_url, consent, control, pkce_pair, token_request, tweepy_client, user_tokens,
)

INVALID_TOKEN = {"error": "invalid_request", "error_description": "Value passed for the token was invalid."}


def me(server, access_token: str) -> requests.Response:
    return requests.get(f"{server.url}/2/users/me", headers={"Authorization": f"Bearer {access_token}"}, timeout=5)


def refresh(server, refresh_token: str) -> requests.Response:
    return token_request(server, grant_type="refresh_token", refresh_token=refresh_token, client_id=CLIENT[0])


def test_the_authorize_page_is_html_and_a_bad_parameter_is_a_400(server):
    _, challenge = pkce_pair()
    page = requests.get(authorize_url(server, challenge), timeout=5)
    assert page.status_code == 200 and page.headers["Content-Type"].startswith("text/html")
    # Nobody can log in to the local X, so the page says how to answer it.
    assert all(f"&quot;{field}&quot;" in page.text for field in ("authorize_url", "username", "approve", "location"))
    for bad in ({"redirect_uri": "http://localhost:8000/elsewhere"}, {"client_id": "someone-else"},
                {"response_type": "token"}, {"scope": "tweet.read nonsense"}, {"code_challenge": ""}):
        answer = requests.get(authorize_url(server, challenge, **bad), timeout=5)
        assert answer.status_code == 400 and answer.json()["error"] == "invalid_request", bad


def test_the_whole_dance_gives_a_two_hour_token_that_acts_as_the_user(server):
    tokens = user_tokens(server, "lucknowpolice")
    assert tokens["token_type"] == "bearer" and tokens["expires_in"] == 7200 and tokens["scope"] == SCOPES
    assert tokens["refresh_token"] != tokens["access_token"]
    client = tweepy_client(server.url, bearer_token=tokens["access_token"])
    assert client.get_me(user_auth=False).data.username == "lucknowpolice"
    [grant] = control(server, "GET", "oauth2/grants")
    assert grant["username"] == "lucknowpolice" and grant["refreshes"] == 0 and set(grant["scopes"]) == set(SCOPES.split())


def test_denying_consent_redirects_with_access_denied_and_state(server):
    _, challenge = pkce_pair()
    back = consent(server, authorize_url(server, challenge, state="xyz"), "lucknowpolice", approve=False)
    assert back == {"error": "access_denied", "state": "xyz"}


def test_a_code_is_single_use_and_needs_the_right_verifier_and_redirect(server):
    verifier, challenge = pkce_pair()
    code = consent(server, authorize_url(server, challenge), "lucknowpolice")["code"]
    exchange = {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT_URI, "client_id": CLIENT[0]}
    wrong = token_request(server, **exchange, code_verifier=pkce_pair()[0])
    assert wrong.status_code == 400 and wrong.json() == INVALID_TOKEN
    # The failed attempt used the code up, as on X.
    assert token_request(server, **exchange, code_verifier=verifier).status_code == 400
    verifier, challenge = pkce_pair()
    code = consent(server, authorize_url(server, challenge), "lucknowpolice")["code"]
    other_redirect = {**exchange, "code": code, "redirect_uri": "http://localhost:8000/other"}
    assert token_request(server, **other_redirect, code_verifier=verifier).status_code == 400


def test_the_token_endpoint_wants_the_clients_basic_auth(server):
    verifier, challenge = pkce_pair()
    code = consent(server, authorize_url(server, challenge), "lucknowpolice")["code"]
    form = {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT_URI, "code_verifier": verifier}
    for auth in (None, (CLIENT[0], "wrong-secret")):
        answer = token_request(server, auth=auth, **form)
        assert answer.status_code == 401 and answer.json()["error"] == "unauthorized_client"


def test_refreshing_rotates_both_tokens_and_the_old_ones_stop_working(server):
    first = user_tokens(server, "lucknowpolice")
    second = refresh(server, first["refresh_token"])
    assert second.status_code == 200
    second = second.json()
    assert {second["access_token"], second["refresh_token"]}.isdisjoint({first["access_token"], first["refresh_token"]})
    assert me(server, first["access_token"]).status_code == 401
    assert me(server, second["access_token"]).status_code == 200
    reused = refresh(server, first["refresh_token"])
    assert reused.status_code == 400 and reused.json() == INVALID_TOKEN
    assert control(server, "GET", "oauth2/grants")[0]["refreshes"] == 1


def test_without_offline_access_there_is_no_refresh_token(server):
    tokens = user_tokens(server, "lucknowpolice", scope="tweet.read users.read")
    assert "refresh_token" not in tokens and tokens["scope"] == "tweet.read users.read"


def test_an_expired_access_token_is_401_and_a_refresh_recovers(server):
    tokens = user_tokens(server, "lucknowpolice")
    control(server, "POST", "oauth2/expire", {"username": "lucknowpolice"})
    answer = me(server, tokens["access_token"])
    assert answer.status_code == 401
    assert answer.json() == {"title": "Unauthorized", "type": "about:blank", "status": 401, "detail": "Unauthorized"}
    client = tweepy_client(server.url, bearer_token=tokens["access_token"])
    with pytest.raises(tweepy.Unauthorized):
        client.get_me(user_auth=False)
    renewed = refresh(server, tokens["refresh_token"]).json()
    assert me(server, renewed["access_token"]).json()["data"]["username"] == "lucknowpolice"


def test_revoking_the_refresh_token_ends_both_tokens(server):
    tokens = user_tokens(server, "lucknowpolice")
    answer = requests.post(f"{server.url}/2/oauth2/revoke", auth=CLIENT, timeout=5,
                           data={"token": tokens["refresh_token"], "token_type_hint": "refresh_token"})
    assert answer.status_code == 200 and answer.json() == {"revoked": True}
    assert refresh(server, tokens["refresh_token"]).status_code == 400
    assert me(server, tokens["access_token"]).status_code == 401


def test_revoking_an_access_token_ends_it(server):
    tokens = user_tokens(server, "lucknowpolice")
    requests.post(f"{server.url}/2/oauth2/revoke", auth=CLIENT, timeout=5,
                  data={"token": tokens["access_token"], "token_type_hint": "access_token"}).raise_for_status()
    assert me(server, tokens["access_token"]).status_code == 401


def test_the_owner_revoking_the_app_ends_every_token_of_that_user_only(server):
    lucknow, agra = user_tokens(server, "lucknowpolice"), user_tokens(server, "meerutpolice")
    assert control(server, "POST", "oauth2/revoke_grant", {"username": "lucknowpolice"}) == {"revoked": True}
    assert me(server, lucknow["access_token"]).status_code == 401
    assert refresh(server, lucknow["refresh_token"]).status_code == 400
    assert me(server, agra["access_token"]).status_code == 200
    assert [g["username"] for g in control(server, "GET", "oauth2/grants")] == ["meerutpolice"]


def test_a_user_access_token_posts_as_that_user(server):
    tokens = user_tokens(server, "lucknowpolice")
    client = tweepy_client(server.url, bearer_token=tokens["access_token"])
    posted = client.create_tweet(text="Namaste from the desk", user_auth=False)
    [post] = server.posts()
    assert post["id"] == posted.data["id"] and post["author_id"] == me(server, tokens["access_token"]).json()["data"]["id"]


def test_a_token_without_tweet_write_cannot_post(server):
    tokens = user_tokens(server, "lucknowpolice", scope="tweet.read users.read")
    client = tweepy_client(server.url, bearer_token=tokens["access_token"])
    with pytest.raises(tweepy.Forbidden):
        client.create_tweet(text="no scope for this", user_auth=False)
    assert server.posts() == []


def test_only_the_registered_bearer_token_is_app_only(server):
    answer = requests.get(f"{server.url}/2/users/by/username/lucknowpolice", headers={"Authorization": "Bearer guess"},
                          timeout=5)
    assert answer.status_code == 401
    control(server, "POST", "oauth2/client", {"bearer_token": "rotated-token"})
    client = tweepy_client(server.url, bearer_token="rotated-token")
    assert client.get_user(username="lucknowpolice").data.username == "lucknowpolice"


def test_a_new_registration_changes_the_redirect_uris_and_secret(server):
    control(server, "POST", "oauth2/client",
            {"client_id": "c2", "client_secret": "s2", "redirect_uris": ["https://desk.example/cb"]})
    verifier, challenge = pkce_pair()
    url = authorize_url(server, challenge, client_id="c2", redirect_uri="https://desk.example/cb")
    code = consent(server, url, "lucknowpolice")["code"]
    answer = token_request(server, auth=("c2", "s2"), grant_type="authorization_code", code=code,
                           redirect_uri="https://desk.example/cb", code_verifier=verifier, client_id="c2")
    assert answer.status_code == 200
    assert requests.get(authorize_url(server, challenge), timeout=5).status_code == 400


def test_oauth_1a_user_context_still_works(server, bot):
    assert bot.get_me().data.username == "Uppolice"


def test_reset_forgets_tokens_and_grants(server):
    tokens = user_tokens(server, "lucknowpolice")
    server.reset()
    assert me(server, tokens["access_token"]).status_code == 401
    assert control(server, "GET", "oauth2/grants") == []


def test_a_code_older_than_30_seconds_is_refused(server):
    verifier, challenge = pkce_pair()
    code = consent(server, authorize_url(server, challenge), "lucknowpolice")["code"]
    with server.state.lock:  # as if the 30 seconds had passed, without waiting for them
        server.state.oauth2.codes[code]["expires_at"] -= 31
    answer = token_request(server, grant_type="authorization_code", code=code, redirect_uri=REDIRECT_URI,
                           code_verifier=verifier, client_id=CLIENT[0])
    assert answer.status_code == 400 and answer.json() == INVALID_TOKEN
