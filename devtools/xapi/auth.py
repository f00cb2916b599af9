"""The Authorization header: app-only bearer tokens, OAuth 1.0a user context, and who is acting."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import unquote

from .errors import ApiError
from .model import User
from .state import XState

UNSUPPORTED_AUTH = {
    "title": "Unsupported Authentication",
    "detail": "Authenticating with OAuth 2.0 Application-Only is forbidden for this endpoint.  "
    "Supported authentication types are [OAuth 1.0a User Context, OAuth 2.0 User Context].",
    "type": "https://api.twitter.com/2/problems/unsupported-authentication",
    "status": 403,
}


@dataclass
class Auth:
    kind: str  # "bearer" or "oauth"
    token: str


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


def user_context(state: XState, auth: Auth) -> User:
    """The user an endpoint that needs user context acts as; app-only tokens are refused there."""
    if auth.kind != "oauth":
        raise ApiError(403, UNSUPPORTED_AUTH)
    # X access tokens start with the user's id ("<user id>-..."); anything else acts as the bot.
    user_id = auth.token.partition("-")[0]
    return state.users_by_id.get(user_id, state.bot)
