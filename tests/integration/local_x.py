"""Helpers for tests of the local X API server: real tweepy pointed at it, control calls, and the
OAuth 2.0 PKCE dance a handle's owner goes through."""

from __future__ import annotations

import base64
import hashlib
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
