"""Officers' Cognito ID tokens, checked against the user pool's published keys (JWKS) with PyJWT.

The role and scope are the user's custom attributes (custom:role, custom:districts "162,144",
custom:departments "police"), under the same rules as the desk's own tokens (auth.check_claims):
a token whose attributes this desk would not issue is refused, not trusted.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import json
import time
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


class PoolKeys:
    """The pool's published keys (JWKS), fetched on first need and again only for a key id not seen
    (Cognito rotating its keys), at most once per REFETCH_SECONDS; held for the container's life."""

    REFETCH_SECONDS = 300.0

    def __init__(self, url: str, timeout: float, fetch=None, clock=time.monotonic):
        self.url, self.timeout, self.clock = url, timeout, clock
        self._fetch = fetch or self._get
        self._keys: dict[str, tuple[int, int]] = {}
        self._fetched_at: float | None = None

    def _get(self) -> dict:
        from urllib.request import urlopen

        with urlopen(self.url, timeout=self.timeout) as answer:  # noqa: S310 (the configured https address)
            return json.load(answer)

    def key(self, kid: str) -> tuple[int, int]:
        if kid not in self._keys and (self._fetched_at is None or
                                      self.clock() - self._fetched_at >= self.REFETCH_SECONDS):
            self._fetched_at = self.clock()
            try:
                published = self._fetch()
            except (OSError, ValueError) as e:
                raise InvalidToken(f"the pool's keys could not be read: {e}") from e
            self._keys = {k["kid"]: (_number(k["n"]), _number(k["e"])) for k in published.get("keys", [])
                          if k.get("kty") == "RSA" and k.get("alg", ALGORITHM) == ALGORITHM and "kid" in k}
        if kid not in self._keys:
            raise InvalidToken(f"no key {kid!r} in the pool's published keys")
        return self._keys[kid]


def keys(jwks_url: str, timeout: float) -> PoolKeys:
    return PoolKeys(jwks_url, timeout)


def verify(jwks: PoolKeys, token: str, issuer: str, client_id: str, now: datetime) -> Principal:
    """The principal of a Cognito ID token issued by `issuer` to the pages' app client, unexpired."""
    import jwt

    try:
        key = jwks.key(str(jwt.get_unverified_header(token).get("kid")))
        claims = json.loads(_jws().decode(token, key, algorithms=[ALGORITHM]))
    except (jwt.PyJWTError, ValueError) as e:
        raise InvalidToken(str(e)) from e
    if not isinstance(claims, dict) or claims.get("iss") != issuer:
        raise InvalidToken("invalid issuer: not this desk's user pool")
    if claims.get("aud") != client_id:
        raise InvalidToken("invalid audience: not the pages' app client")
    if claims.get("token_use") != "id":
        raise InvalidToken("an ID token is expected (token_use 'id'): it carries the role and scope")
    exp, iat = claims.get("exp"), claims.get("iat")
    if type(exp) is not int or exp <= now.timestamp():
        raise InvalidToken("token expired")
    if type(iat) is not int or iat > now.timestamp() + CLOCK_SKEW_SECONDS:
        raise InvalidToken("token issued in the future")
    desk_claims = {
        "iss": issuer, "sub": claims.get("cognito:username") or claims.get("sub"), "role": claims.get(ROLE),
        "districts": _codes(claims.get(DISTRICTS), int), "departments": _codes(claims.get(DEPARTMENTS), str),
        "iat": iat, "exp": exp,
    }
    check_claims(desk_claims)
    return Principal(subject=desk_claims["sub"], role=desk_claims["role"],
                     districts=frozenset(desk_claims["districts"]), departments=frozenset(desk_claims["departments"]))


@functools.cache
def _jws():
    """PyJWT's JWS with RS256 as below: only that algorithm, whatever else PyJWT could do."""
    import jwt

    jws = jwt.PyJWS(algorithms=[ALGORITHM])
    if ALGORITHM in jws.get_algorithms():
        jws.unregister_algorithm(ALGORITHM)
    jws.register_algorithm(ALGORITHM, _rs256())
    return jws


# DER of the DigestInfo naming SHA-256 (RFC 8017, 9.2 note 1): what precedes the hash in a signature.
_SHA256_INFO = bytes.fromhex("3031300d060960864801650304020105000420")
MIN_KEY_BITS = 2048


def _rs256():
    from jwt.algorithms import Algorithm
    from jwt.exceptions import InvalidKeyError

    class RS256(Algorithm):
        """RSASSA-PKCS1-v1_5 with SHA-256, verification only, in plain Python: PyJWT's own needs the
        `cryptography` package, whose wheels are larger than the whole Lambda zip's budget and built for
        a newer glibc than Lambda's. The whole padded message is rebuilt and compared (RFC 8017, 8.2.2),
        never parsed, which is what keeps PKCS#1 v1.5 verification safe."""

        def prepare_key(self, key):
            n, e = key
            if n.bit_length() < MIN_KEY_BITS:
                raise InvalidKeyError("the pool's key is too short")
            return n, e

        def verify(self, msg: bytes, key, sig: bytes) -> bool:
            n, e = key
            size = (n.bit_length() + 7) // 8
            if len(sig) != size or int.from_bytes(sig, "big") >= n:
                return False
            encoded = pow(int.from_bytes(sig, "big"), e, n).to_bytes(size, "big")
            digest = _SHA256_INFO + hashlib.sha256(msg).digest()
            expected = b"\x00\x01" + b"\xff" * (size - len(digest) - 3) + b"\x00" + digest
            return hmac.compare_digest(encoded, expected)

        def sign(self, msg, key):
            raise NotImplementedError("the desk never signs as Cognito")

        @staticmethod
        def to_jwk(key_obj, as_dict=False):
            raise NotImplementedError

        @staticmethod
        def from_jwk(jwk):
            raise NotImplementedError

    return RS256()


def _number(text: str) -> int:
    """A JWK's base64url big-endian integer (n, e)."""
    return int.from_bytes(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)), "big")


def _codes(text, kind: type) -> list:
    if text is None or text == "":
        return []
    if not isinstance(text, str):
        raise InvalidToken("scope attributes are comma-separated codes")
    try:
        return [kind(part.strip()) for part in text.split(",")]
    except ValueError:
        raise InvalidToken(f"scope attribute {text!r} holds a code that is not a number") from None
