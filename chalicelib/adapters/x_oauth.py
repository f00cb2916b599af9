"""X's OAuth 2.0 endpoints for the desk's app, over requests: the consent link, the code exchange, the
refresh, the account a token acts for, revocation. The app's client id and secret come from SSM.

tweepy's OAuth2UserHandler keeps the PKCE verifier and state in the object between the link and the
callback, which on Lambda run in different invocations days apart; here they live in the table.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Callable
from urllib.parse import urlencode

from ..services.ports import RateLimited, SourceUnavailable, TokenRefused, Tokens, XBudget
from .x_budget import XBudgetGate

SCOPES = "tweet.read tweet.write users.read offline.access"
X_AUTHORIZE = "https://x.com/i/oauth2/authorize"
X_API = "https://api.x.com"


class XOAuth:
    """`client` returns {"client_id", "client_secret"}; `base_url` is the local X server (None: X itself).
    Token calls go through `budget` (family oauth): after X's 429 they wait for its reset unasked."""

    def __init__(self, client: Callable[[], dict], redirect_uri: str, base_url: str | None, timeout: float,
                 budget: XBudget | None = None, clock: Callable[[], datetime] = lambda: datetime.now(timezone.utc)):
        self._client = client
        self.gate = XBudgetGate(budget, clock)
        self.redirect_uri = redirect_uri
        self._api = (base_url or X_API).rstrip("/")
        self._authorize = f"{base_url.rstrip('/')}/i/oauth2/authorize" if base_url else X_AUTHORIZE
        self._timeout = timeout

    def _credentials(self) -> tuple[str, str]:
        client = self._client()
        if not client.get("client_id") or not client.get("client_secret"):
            raise SourceUnavailable("the X OAuth 2.0 client secret lacks client_id or client_secret")
        return client["client_id"], client["client_secret"]

    def authorize_url(self, state: str, challenge: str) -> str:
        query = {"response_type": "code", "client_id": self._credentials()[0], "redirect_uri": self.redirect_uri,
                 "scope": SCOPES, "state": state, "code_challenge": challenge, "code_challenge_method": "S256"}
        return f"{self._authorize}?{urlencode(query)}"

    def exchange(self, code: str, verifier: str, now: datetime) -> Tokens:
        return self._token({"grant_type": "authorization_code", "code": code, "redirect_uri": self.redirect_uri,
                            "code_verifier": verifier}, now)

    def refresh(self, refresh_token: str, now: datetime) -> Tokens:
        return self._token({"grant_type": "refresh_token", "refresh_token": refresh_token}, now)

    def _token(self, form: dict, now: datetime) -> Tokens:
        client_id, secret = self._credentials()
        try:
            with self.gate.guard("oauth") as seen:
                answer = self._call("post", "/2/oauth2/token", data=form | {"client_id": client_id},
                                    auth=(client_id, secret))
                seen(answer)
        except RateLimited as e:  # the callers know X's token endpoint only as reachable or not
            raise SourceUnavailable(f"X's token endpoint is rate limited until {e.reset_at}") from e
        if answer.status_code == 400:
            raise TokenRefused(_error(answer))
        body = _body(answer)
        try:
            return Tokens(body["access_token"], body["refresh_token"], now + timedelta(seconds=int(body["expires_in"])))
        except (KeyError, TypeError, ValueError) as e:  # no refresh_token: the consent lacked offline.access
            raise SourceUnavailable(f"X's token answer lacks {e}") from e

    def user(self, access_token: str) -> tuple[str, str]:
        body = _body(self._call("get", "/2/users/me", headers={"Authorization": f"Bearer {access_token}"}))
        try:
            return body["data"]["id"], body["data"]["username"]
        except (KeyError, TypeError) as e:
            raise SourceUnavailable(f"X's /2/users/me answer lacks {e}") from e

    def revoke(self, token: str) -> None:
        client_id, secret = self._credentials()
        try:
            self._call("post", "/2/oauth2/revoke", data={"token": token, "token_type_hint": "refresh_token",
                                                         "client_id": client_id}, auth=(client_id, secret))
        except SourceUnavailable:
            pass  # best effort: an unused grant lapses by itself

    def _call(self, method: str, path: str, **kwargs):
        import requests

        try:
            return getattr(requests, method)(self._api + path, timeout=self._timeout, **kwargs)
        except requests.RequestException as e:
            raise SourceUnavailable(f"{type(e).__name__}: {e}") from e


def _error(answer) -> str:
    try:
        body = answer.json()
        return f"{body.get('error')}: {body.get('error_description')}"
    except ValueError:
        return answer.text[:200]


def _body(answer) -> dict:
    if answer.status_code != 200:
        raise SourceUnavailable(f"X answered {answer.status_code}: {_error(answer)}")
    try:
        return answer.json()
    except ValueError as e:
        raise SourceUnavailable(f"X's answer is not JSON: {e}") from e
