"""OAuth 2.0 as X runs it: Authorization Code with PKCE for user context, and the app-only bearer.

The app is one confidential client (client id, secret, registered redirect URIs, app-only bearer
token). `GET /i/oauth2/authorize` checks the request and shows a consent page; a person's approval
is the control `POST /_control/oauth2/consent`. `POST /2/oauth2/token` trades a code (single use,
30 seconds) or a refresh token (single use: refreshing rotates both tokens) for a two-hour access
token; `POST /2/oauth2/revoke` revokes one. See /work/wt/OAUTH2_PROTOCOL.md for the agreed shapes.
"""

from __future__ import annotations

import base64
import hashlib
import html
import secrets
import time
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlencode, urlsplit

ACCESS_TOKEN_SECONDS = 2 * 60 * 60
CODE_SECONDS = 30
DEFAULT_CLIENT = {
    "client_id": "local-desk-client",
    "client_secret": "local-desk-secret",
    "redirect_uris": ["http://localhost:8000/x/callback"],
    "bearer_token": "local-dummy-bearer-token",
}
# The scopes X's authorize endpoint knows.
KNOWN_SCOPES = frozenset(
    "tweet.read tweet.write tweet.moderate.write users.email users.read follows.read follows.write offline.access "
    "space.read mute.read mute.write like.read like.write list.read list.write block.read block.write "
    "bookmark.read bookmark.write media.write dm.read dm.write".split()
)
# What each endpoint family needs from a user access token, as X's API reference lists it.
FAMILY_SCOPES = {
    "users": {"tweet.read", "users.read"},
    "me": {"tweet.read", "users.read"},
    "mentions": {"tweet.read", "users.read"},
    "search": {"tweet.read", "users.read"},
    "tweets": {"tweet.read", "users.read"},
    "tweet": {"tweet.read", "users.read"},
    "post": {"tweet.read", "tweet.write", "users.read"},
}
INVALID_TOKEN = {"error": "invalid_request", "error_description": "Value passed for the token was invalid."}
BAD_CLIENT = {"error": "unauthorized_client", "error_description": "Missing valid authorization header"}


@dataclass
class Token:
    value: str
    kind: str  # "access" or "refresh"
    user_id: str
    scopes: tuple[str, ...]
    expires_at: float | None
    pair: str | None = None  # the refresh token issued with an access token, and the other way round
    live: bool = True


@dataclass
class Grant:
    user_id: str
    scopes: tuple[str, ...]
    refreshes: int = 0
    tokens: list[str] = field(default_factory=list)


class OAuthError(Exception):
    def __init__(self, status: int, body: dict):
        super().__init__(status)
        self.status, self.body = status, body


def _bad(description: str) -> OAuthError:
    return OAuthError(400, {"error": "invalid_request", "error_description": description})


class OAuth2:
    """The registered client, pending codes, issued tokens and the grants users gave the app."""

    def __init__(self, client: dict | None = None, clock=time.time):
        self._initial = DEFAULT_CLIENT | (client or {})
        self._time = clock  # epoch seconds: codes and tokens expire on the local X's clock
        self.reset()

    def reset(self) -> None:
        self.client = dict(self._initial)
        self.codes: dict[str, dict] = {}
        self.tokens: dict[str, Token] = {}
        self.grants: dict[str, Grant] = {}  # by user id

    def register(self, payload: dict) -> dict:
        unknown = set(payload) - set(DEFAULT_CLIENT)
        if unknown:
            raise ValueError(f"unknown client fields {sorted(unknown)}")
        if "redirect_uris" in payload and not all(isinstance(u, str) and u for u in payload["redirect_uris"]):
            raise ValueError("redirect_uris must be a list of URLs")
        self.client.update(payload)
        return {k: v for k, v in self.client.items() if k != "client_secret"}

    # --- authorize and consent -------------------------------------------------------------
    def check_authorize(self, params: dict) -> dict:
        """The authorize request's parameters, checked as X checks them; OAuthError when one is bad."""
        for name in ("response_type", "client_id", "redirect_uri", "scope", "state", "code_challenge"):
            if not params.get(name):
                raise _bad(f"Missing required parameter [{name}].")
        if params["response_type"] != "code":
            raise _bad(f"Value [{params['response_type']}] for parameter [response_type] is not supported.")
        if params["client_id"] != self.client["client_id"]:
            raise _bad("Value passed for the client_id was invalid.")
        if params["redirect_uri"] not in self.client["redirect_uris"]:
            raise _bad("Value passed for the redirect uri did not match the uri of the authorized client.")
        scopes = params["scope"].split()
        if not set(scopes) <= KNOWN_SCOPES:
            raise _bad(f"Value passed for the scope was invalid: {sorted(set(scopes) - KNOWN_SCOPES)[0]}.")
        method = params.get("code_challenge_method", "plain")
        if method not in ("S256", "plain"):
            raise _bad(f"Value [{method}] for parameter [code_challenge_method] is not supported.")
        if len(params["state"]) > 500:
            raise _bad("Value passed for the state was too long.")
        return {**params, "scopes": tuple(dict.fromkeys(scopes)), "code_challenge_method": method}

    def consent_page(self, params: dict) -> str:
        request = self.check_authorize(params)
        scopes = "".join(f"<li>{html.escape(s)}</li>" for s in request["scopes"])
        return (
            "<!doctype html><title>Authorize app</title>"
            f"<h1>{html.escape(self.client['client_id'])} wants to access your X account</h1><ul>{scopes}</ul>"
            "<p>Approve with POST /_control/oauth2/consent (this is the local X).</p>"
        )

    def consent(self, authorize_url: str, user_id: str, approve: bool) -> str:
        """Where X sends the browser after the user approves or denies: the redirect URI with a code or an error."""
        params = {k: v[-1] for k, v in parse_qs(urlsplit(authorize_url).query, keep_blank_values=True).items()}
        request = self.check_authorize(params)
        joiner = "&" if "?" in request["redirect_uri"] else "?"
        if not approve:
            return request["redirect_uri"] + joiner + urlencode({"error": "access_denied", "state": request["state"]})
        code = secrets.token_urlsafe(48)
        self.codes[code] = {**request, "user_id": user_id, "expires_at": self._time() + CODE_SECONDS}
        return request["redirect_uri"] + joiner + urlencode({"state": request["state"], "code": code})

    # --- token and revoke ------------------------------------------------------------------
    def _check_client(self, authorization: str | None, form: dict) -> None:
        scheme, _, encoded = (authorization or "").partition(" ")
        try:
            client_id, _, secret = base64.b64decode(encoded.strip(), validate=True).decode().partition(":")
        except (ValueError, UnicodeDecodeError):
            raise OAuthError(401, BAD_CLIENT) from None
        if scheme.lower() != "basic" or (client_id, secret) != (self.client["client_id"], self.client["client_secret"]):
            raise OAuthError(401, BAD_CLIENT)
        if form.get("client_id", client_id) != client_id:
            raise OAuthError(401, BAD_CLIENT)

    def token(self, authorization: str | None, form: dict) -> dict:
        self._check_client(authorization, form)
        grant_type = form.get("grant_type")
        if grant_type == "authorization_code":
            code = self.codes.pop(form.get("code", ""), None)  # single use, even when the rest is wrong
            if code is None or code["expires_at"] < self._time() or form.get("redirect_uri") != code["redirect_uri"]:
                raise OAuthError(400, INVALID_TOKEN)
            if not _verifier_matches(form.get("code_verifier", ""), code["code_challenge"], code["code_challenge_method"]):
                raise OAuthError(400, INVALID_TOKEN)
            grant = self.grants.setdefault(code["user_id"], Grant(code["user_id"], code["scopes"]))
            grant.scopes = code["scopes"]
            return self._issue(grant)
        if grant_type == "refresh_token":
            old = self.tokens.get(form.get("refresh_token", ""))
            if old is None or old.kind != "refresh" or not old.live or old.user_id not in self.grants:
                raise OAuthError(400, INVALID_TOKEN)
            old.live = False
            if old.pair in self.tokens:
                self.tokens[old.pair].live = False
            grant = self.grants[old.user_id]
            grant.refreshes += 1
            return self._issue(grant, old.scopes)
        raise _bad(f"Value [{grant_type}] for parameter [grant_type] is not supported.")

    def _issue(self, grant: Grant, scopes: tuple[str, ...] | None = None) -> dict:
        scopes = scopes or grant.scopes
        access = Token(secrets.token_urlsafe(48), "access", grant.user_id, scopes, self._time() + ACCESS_TOKEN_SECONDS)
        self.tokens[access.value] = access
        grant.tokens.append(access.value)
        body = {"token_type": "bearer", "expires_in": ACCESS_TOKEN_SECONDS, "access_token": access.value,
                "scope": " ".join(scopes)}
        if "offline.access" in scopes:
            refresh = Token(secrets.token_urlsafe(48), "refresh", grant.user_id, scopes, None, pair=access.value)
            access.pair = refresh.value
            self.tokens[refresh.value] = refresh
            grant.tokens.append(refresh.value)
            body["refresh_token"] = refresh.value
        return body

    def revoke(self, authorization: str | None, form: dict) -> dict:
        self._check_client(authorization, form)
        token = self.tokens.get(form.get("token", ""))
        if token is not None:  # revoking an unknown token succeeds too (RFC 7009)
            token.live = False
            if token.kind == "refresh" and token.pair in self.tokens:
                self.tokens[token.pair].live = False
        return {"revoked": True}

    # --- using tokens ----------------------------------------------------------------------
    def access_token(self, value: str) -> Token | None:
        """The live, unexpired access token with this value, or None."""
        token = self.tokens.get(value)
        if token is None or token.kind != "access" or not token.live or token.user_id not in self.grants:
            return None
        return token if token.expires_at > self._time() else None

    def is_app_bearer(self, value: str) -> bool:
        return secrets.compare_digest(value.encode(), str(self.client["bearer_token"]).encode())

    # --- test controls ---------------------------------------------------------------------
    def expire(self, user_id: str) -> int:
        expired = [t for t in self.tokens.values() if t.user_id == user_id and t.kind == "access" and t.live]
        for token in expired:
            token.expires_at = self._time() - 1
        return len(expired)

    def revoke_grant(self, user_id: str) -> bool:
        grant = self.grants.pop(user_id, None)
        for value in grant.tokens if grant else ():
            self.tokens[value].live = False
        return grant is not None

    def grant_list(self, username_of) -> list[dict]:
        return [
            {"username": username_of(g.user_id), "user_id": g.user_id, "scopes": list(g.scopes), "refreshes": g.refreshes,
             "live_tokens": sum(1 for v in g.tokens if self.tokens[v].live)}
            for g in self.grants.values()
        ]


def _verifier_matches(verifier: str, challenge: str, method: str) -> bool:
    # X does not hold verifiers to RFC 7636's 43 characters: its own docs use "challenge" with plain.
    if method == "S256":
        verifier = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).decode().rstrip("=")
    return secrets.compare_digest(verifier.encode(), challenge.encode())
