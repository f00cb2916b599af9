"""Officers' Cognito ID tokens, checked against the user pool's published keys (JWKS) with PyJWT.

The role and scope are the user's custom attributes (custom:role, custom:districts "162,144",
custom:departments "police"), under the same rules as the desk's own tokens (auth.check_claims):
a token whose attributes this desk would not issue is refused, not trusted.
"""

from __future__ import annotations

from datetime import datetime

from .auth import CLOCK_SKEW_SECONDS, InvalidToken, check_claims
from .domain.access import Principal

ALGORITHM = "RS256"  # what Cognito signs with; no other is taken
ROLE, DISTRICTS, DEPARTMENTS = "custom:role", "custom:districts", "custom:departments"


def is_cognito(token: str) -> bool:
    """Told by the header alone (Cognito signs RS256 with a key id; the desk's tokens are HS256)."""
    import jwt

    try:
        header = jwt.get_unverified_header(token)
    except (jwt.PyJWTError, ValueError):
        return False
    return header.get("alg") == ALGORITHM and "kid" in header


def keys(jwks_url: str, timeout: float):
    """The pool's keys, fetched on first need and again only for a key id not seen (key rotation);
    held by the bootstrap for the container's life."""
    import jwt

    return jwt.PyJWKClient(jwks_url, cache_keys=True, lifespan=3600, timeout=timeout)


def verify(jwks, token: str, issuer: str, client_id: str, now: datetime) -> Principal:
    """The principal of a Cognito ID token issued by `issuer` to the pages' app client, unexpired."""
    import jwt

    try:
        key = jwks.get_signing_key_from_jwt(token).key
        claims = jwt.decode(token, key, algorithms=[ALGORITHM], issuer=issuer, audience=client_id,
                            options={"verify_exp": False, "verify_iat": False, "require": ["exp", "iat", "sub"]})
    except (jwt.PyJWTError, ValueError) as e:  # PyJWKClientError is a PyJWTError: keys unreachable or unknown kid
        raise InvalidToken(str(e)) from e
    if claims.get("token_use") != "id":
        raise InvalidToken("an ID token is expected (token_use 'id'): it carries the role and scope")
    exp, iat = claims["exp"], claims["iat"]
    if type(exp) is not int or exp <= now.timestamp():
        raise InvalidToken("token expired")
    if type(iat) is not int or iat > now.timestamp() + CLOCK_SKEW_SECONDS:
        raise InvalidToken("token issued in the future")
    desk_claims = {
        "iss": issuer, "sub": claims.get("cognito:username") or claims["sub"], "role": claims.get(ROLE),
        "districts": _codes(claims.get(DISTRICTS), int), "departments": _codes(claims.get(DEPARTMENTS), str),
        "iat": iat, "exp": exp,
    }
    check_claims(desk_claims)
    return Principal(subject=desk_claims["sub"], role=desk_claims["role"],
                     districts=frozenset(desk_claims["districts"]), departments=frozenset(desk_claims["departments"]))


def _codes(text, kind: type) -> list:
    if text is None or text == "":
        return []
    if not isinstance(text, str):
        raise InvalidToken("scope attributes are comma-separated codes")
    try:
        return [kind(part.strip()) for part in text.split(",")]
    except ValueError:
        raise InvalidToken(f"scope attribute {text!r} holds a code that is not a number") from None
