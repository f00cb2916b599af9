"""Forged bearer tokens for the abuse run and the tests: what an attacker could send in place of an
officer's Cognito ID token or the desk's own token. Each must get a 401.

The local user pool is moto's, which signs every pool's tokens with one published key (its private half
ships with moto): so a token "from another pool" or "for another client" here is validly signed, and only
the desk's checks of `iss`, `aud` and `token_use` stand between it and the API, as with real Cognito.
"""

from __future__ import annotations

import base64
import gzip
import json
import time
from pathlib import Path


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _b64json(value: dict) -> str:
    return _b64(json.dumps(value, separators=(",", ":")).encode())


def claims_of(token: str) -> tuple[dict, dict]:
    header, payload, _ = token.split(".")
    pad = lambda s: s + "=" * (-len(s) % 4)  # noqa: E731
    return json.loads(base64.urlsafe_b64decode(pad(header))), json.loads(base64.urlsafe_b64decode(pad(payload)))


def moto_private_key():
    """The key moto signs every user pool's tokens with."""
    import moto.cognitoidp
    from jwt.algorithms import RSAAlgorithm

    path = Path(moto.cognitoidp.__file__).parent / "resources" / "jwks-private.json.gz"
    jwk = json.loads(gzip.decompress(path.read_bytes()))
    return jwk["kid"], RSAAlgorithm.from_jwk(jwk)


def _rs256(claims: dict, kid: str, key) -> str:
    import jwt

    return jwt.encode(claims, key, algorithm="RS256", headers={"kid": kid})


def cognito_forgeries(id_token: str, access_token: str | None, jwks: dict) -> dict[str, str]:
    """Tokens made from a genuine ID token (and its access token): each one thing wrong."""
    import hashlib
    import hmac

    header, claims = claims_of(id_token)
    kid, key = moto_private_key()
    now = int(time.time())
    forged = {
        "another_pool": _rs256(claims | {"iss": claims["iss"].rsplit("/", 1)[0] + "/ap-south-1_AnotherPool"}, kid, key),
        "another_client": _rs256(claims | {"aud": "another-app-client"}, kid, key),
        "expired": _rs256(claims | {"iat": now - 7200, "exp": now - 3600, "auth_time": now - 7200}, kid, key),
        "access_as_id": _rs256(claims | {"token_use": "access"}, kid, key),
        "alg_none": f"{_b64json({'alg': 'none', 'kid': header['kid'], 'typ': 'JWT'})}.{_b64json(claims)}.",
        "tampered_payload": ".".join((id_token.split(".")[0], _b64json(claims | {"custom:role": "admin",
                                                                                "custom:districts": ""}),
                                      id_token.split(".")[2])),
    }
    if access_token:
        forged["access_token"] = access_token
    # HS256 keyed with the pool's public key (the classic algorithm confusion): the public key is public.
    published = json.dumps(jwks, separators=(",", ":")).encode()
    for name, secret in (("hs256_public_jwks", published), ("hs256_public_n", jwks["keys"][0]["n"].encode())):
        head = _b64json({"alg": "HS256", "kid": header["kid"], "typ": "JWT"})
        body = _b64json(claims)
        signature = _b64(hmac.new(secret, f"{head}.{body}".encode(), hashlib.sha256).digest())
        forged[name] = f"{head}.{body}.{signature}"
    return forged


def desk_forgeries(genuine: str, now: float | None = None) -> dict[str, str]:
    """The desk's own HS256 tokens gone wrong: another key, no algorithm, a raised role, expired."""
    import hashlib
    import hmac

    import jwt

    _, claims = claims_of(genuine)
    now = int(now or time.time())
    raised = claims | {"role": "admin", "districts": [], "departments": []}
    head = _b64json({"alg": "HS256", "typ": "JWT"})
    body = _b64json(raised)
    genuine_signature = genuine.split(".")[2]
    return {
        "another_key": jwt.encode(raised, "not-the-desks-key-" + "x" * 40, algorithm="HS256"),
        "alg_none": f"{_b64json({'alg': 'none', 'typ': 'JWT'})}.{body}.",
        "role_raised_same_signature": f"{head}.{body}.{genuine_signature}",
        "empty_key": f"{head}.{body}.{_b64(hmac.new(b'', f'{head}.{body}'.encode(), hashlib.sha256).digest())}",
        "expired_resigned_elsewhere": jwt.encode(claims | {"iat": now - 7200, "exp": now - 3600},
                                                 "another-key-" + "y" * 40, algorithm="HS256"),
    }
