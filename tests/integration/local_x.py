"""Helpers for tests of the local X API server: real tweepy pointed at it (its Client and its
StreamingClient), control calls, and the OAuth 2.0 PKCE dance a handle's owner goes through."""

from __future__ import annotations

import base64
import hashlib
import queue
import secrets
from urllib.parse import parse_qs, urlencode, urlsplit

import requests
import tweepy
from requests.adapters import HTTPAdapter

X_API = "https://api.twitter.com"
APP_BEARER_TOKEN = "local-dummy-bearer-token"  # the app-only token the local X registers by default
BEARER = {"Authorization": f"Bearer {APP_BEARER_TOKEN}"}
CLIENT = ("local-desk-client", "local-desk-secret")
REDIRECT_URI = "http://localhost:8000/x/callback"
SCOPES = "tweet.read tweet.write users.read offline.access"


class ToLocalServer(HTTPAdapter):
    def __init__(self, base_url: str):
        super().__init__()
        self.base_url = base_url

    def send(self, request, **kwargs):
        request.url = self.base_url + request.url[len(X_API):]
        return super().send(request, **kwargs)


def tweepy_client(base_url: str, **credentials) -> tweepy.Client:
    client = tweepy.Client(**credentials)
    client.session.mount(X_API, ToLocalServer(base_url))
    return client


def control(server, method: str, path: str, body=None):
    answer = requests.request(method, f"{server.url}/_control/{path}", json=body, timeout=5)
    answer.raise_for_status()
    return answer.json()


def authorize_url(server, challenge: str, state: str = "st4te", **overrides) -> str:
    params = {
        "response_type": "code", "client_id": CLIENT[0], "redirect_uri": REDIRECT_URI, "scope": SCOPES,
        "state": state, "code_challenge": challenge, "code_challenge_method": "S256", **overrides,
    }
    return f"{server.url}/i/oauth2/authorize?{urlencode(params)}"


def pkce_pair() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).decode().rstrip("=")
    return verifier, challenge


def consent(server, url: str, username: str, approve: bool = True) -> dict:
    """What the browser is sent back with: the redirect's query parameters."""
    location = control(server, "POST", "oauth2/consent", {"authorize_url": url, "username": username, "approve": approve})
    return {k: v[-1] for k, v in parse_qs(urlsplit(location["location"]).query).items()}


def token_request(server, auth=CLIENT, **form) -> requests.Response:
    return requests.post(f"{server.url}/2/oauth2/token", data=form, auth=auth, timeout=5)


def user_tokens(server, username: str, scope: str = SCOPES) -> dict:
    """An access (and refresh) token for `username`, through authorize, consent and the token endpoint."""
    verifier, challenge = pkce_pair()
    code = consent(server, authorize_url(server, challenge, scope=scope), username)["code"]
    answer = token_request(server, grant_type="authorization_code", code=code, redirect_uri=REDIRECT_URI,
                           code_verifier=verifier, client_id=CLIENT[0])
    answer.raise_for_status()
    return answer.json()


def seed(server, *specs) -> list[str]:
    """Tweets added through the control endpoint; their ids."""
    return [t["id"] for t in control(server, "POST", "tweets", list(specs))]


def get_json(server, path: str, **params) -> dict:
    """A plain app-only GET that must answer 200; its JSON body."""
    answer = requests.get(f"{server.url}{path}", headers=BEARER, params=params, timeout=5)
    assert answer.status_code == 200, answer.text
    return answer.json()


def reply(client, text: str, parent: str):
    """A reply posted with a user access token (tweepy's user_auth=False sends it as Bearer)."""
    return client.create_tweet(text=text, in_reply_to_tweet_id=parent, user_auth=False)


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


class Listener(tweepy.StreamingClient):
    """Real tweepy.StreamingClient on the local X, its session's base URL rewritten as the product's
    adapter (chalicelib/adapters/x_http.py) does; collects what it receives, for tests to wait on."""

    def __init__(self, base_url: str, bearer_token: str = APP_BEARER_TOKEN, **kwargs):
        from chalicelib.adapters.x_http import XApiAdapter

        super().__init__(bearer_token, **kwargs)
        self.session.mount(X_API, XApiAdapter(base_url))
        self.events: queue.Queue = queue.Queue()
        self.thread = None

    def on_connect(self):
        self.events.put(("connect", None))

    def on_response(self, response):
        self.events.put(("post", response))

    def on_errors(self, errors):
        self.events.put(("errors", errors))

    def on_keep_alive(self):
        self.events.put(("keep-alive", None))

    def on_request_error(self, status_code):
        self.events.put(("refused", status_code))
        self.disconnect()  # tweepy would back off and retry; a test wants to see the refusal

    def start(self, **params) -> "Listener":
        self.thread = self.filter(threaded=True, **params)
        assert self.next("connect") is None
        return self

    def next(self, kind: str, timeout: float = 10):
        """The next event of this kind (others are skipped); fails the test if none comes."""
        while True:
            got, value = self.events.get(timeout=timeout)
            if got == kind:
                return value

    def stop(self) -> None:
        self.disconnect()
        if self.thread:
            self.thread.join(10)
            assert not self.thread.is_alive()
