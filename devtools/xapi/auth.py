"""The Authorization header: the app-only bearer token, OAuth 2.0 user access tokens, OAuth 1.0a
user context, and who is acting."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import unquote

from .errors import ApiError, problem
from .model import User
from .oauth2 import FAMILY_SCOPES
from .state import XState

UNSUPPORTED_AUTH = {
    "title": "Unsupported Authentication",
    "detail": "Authenticating with OAuth 2.0 Application-Only is forbidden for this endpoint.  "
    "Supported authentication types are [OAuth 1.0a User Context, OAuth 2.0 User Context].",
    "type": "https://api.twitter.com/2/problems/unsupported-authentication",
    "status": 403,
}

APP_ONLY = {
    "title": "Unsupported Authentication",
    "detail": "Authenticating with {kind} is forbidden for this endpoint.  Supported authentication types are "
              "[OAuth 2.0 Application-Only].",
    "type": "https://api.twitter.com/2/problems/unsupported-authentication",
    "status": 403,
}
AUTH_NAMES = {"oauth": "OAuth 1.0a User Context", "oauth2": "OAuth 2.0 User Context"}


@dataclass
class Auth:
    kind: str  # "bearer" (app-only), "oauth2" (user access token) or "oauth" (OAuth 1.0a)
    token: str
    user_id: str | None = None  # who acts, for user context
    scopes: frozenset = frozenset()


def parse_auth(header: str | None) -> Auth | None:
    scheme, _, rest = (header or "").partition(" ")
    if scheme.lower() == "bearer":
        token = rest.strip()
        # tweepy sends "Bearer None" when no token is configured; X rejects that too.
        return Auth("bearer", token) if token and token != "None" else None
    if scheme == "OAuth":
        params = {k: unquote(v) for k, v in re.findall(r'(\w+)="([^"]*)"', rest)}
        if params.get("oauth_consumer_key") and params.get("oauth_token") and params.get("oauth_signature"):
            return Auth("oauth", params["oauth_token"])
    return None


def authenticate(state: XState, auth: Auth | None) -> Auth | None:
    """Who the request acts as, or None (a 401): a Bearer token is either the app's registered
    bearer token or a live user access token; an OAuth 1.0a token acts as the user whose id leads it."""
    if auth is None:
        return None
    if auth.kind == "oauth":
        # X access tokens start with the user's id ("<user id>-..."); anything else acts as the bot.
        user_id = auth.token.partition("-")[0]
        return Auth("oauth", auth.token, user_id if user_id in state.users_by_id else state.bot.id)
    if state.oauth2.is_app_bearer(auth.token):
        return auth
    token = state.oauth2.access_token(auth.token)
    if token is None or token.user_id not in state.users_by_id:
        return None
    return Auth("oauth2", auth.token, token.user_id, frozenset(token.scopes))


def check_scopes(auth: Auth, family: str) -> None:
    """A user access token must carry the scopes the endpoint needs, as on X."""
    if auth.kind == "oauth2" and not FAMILY_SCOPES.get(family, set()) <= auth.scopes:
        raise ApiError(403, problem(403))


def user_context(state: XState, auth: Auth) -> User:
    """The user an endpoint that needs user context acts as; app-only tokens are refused there."""
    if auth.user_id is None:
        raise ApiError(403, UNSUPPORTED_AUTH)
    return state.users_by_id[auth.user_id]


def app_only(auth: Auth) -> None:
    """Endpoints X serves only with the app's bearer token (the filtered stream and its rules)."""
    if auth.kind != "bearer":
        raise ApiError(403, {**APP_ONLY, "detail": APP_ONLY["detail"].format(kind=AUTH_NAMES[auth.kind])})
