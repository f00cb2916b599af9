"""Cognito ID tokens (chalicelib/cognito.py) against a pool's published keys: what is taken and refused."""

import base64
from datetime import datetime, timedelta, timezone

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from chalicelib import cognito
from chalicelib.auth import InvalidToken

NOW = datetime(2026, 12, 1, 6, 0, tzinfo=timezone.utc)
ISSUER = "https://cognito-idp.ap-south-1.amazonaws.com/ap-south-1_Pool"
CLIENT = "pages-client"
KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)


def b64(n: int) -> str:
    return base64.urlsafe_b64encode(n.to_bytes((n.bit_length() + 7) // 8, "big")).rstrip(b"=").decode()


def jwks(*keys, kid="k1"):
    return {"keys": [{"kty": "RSA", "alg": "RS256", "use": "sig", "kid": kid,
                      "n": b64(k.public_key().public_numbers().n), "e": b64(k.public_key().public_numbers().e)}
                     for k in keys]}


class Fetches:
    def __init__(self, answer):
        self.answer, self.count = answer, 0

    def __call__(self):
        self.count += 1
        return self.answer


def pool(answer=None):
    fetch = Fetches(answer or jwks(KEY))
    return cognito.PoolKeys("https://keys.invalid", 1, fetch=fetch, clock=lambda: 0.0), fetch


def token(key=KEY, kid="k1", **changes):
    claims = {"iss": ISSUER, "aud": CLIENT, "token_use": "id", "sub": "uuid-1", "cognito:username": "a@example.in",
              "custom:role": "officer", "custom:districts": "162", "custom:departments": "police",
              "iat": int(NOW.timestamp()) - 60, "exp": int(NOW.timestamp()) + 3600} | changes
    return jwt.encode({k: v for k, v in claims.items() if v is not None}, key, algorithm="RS256", headers={"kid": kid})


def verify(text, keys=None):
    return cognito.verify(keys or pool()[0], text, ISSUER, CLIENT, NOW)


def test_a_genuine_id_token_gives_the_officers_role_and_scope():
    p = verify(token())
    assert (p.subject, p.role, p.districts, p.departments) == ("a@example.in", "officer", frozenset({162}), frozenset({"police"}))
    assert cognito.is_cognito(token())


@pytest.mark.parametrize("changes, why", [
    ({"iss": "https://cognito-idp.ap-south-1.amazonaws.com/ap-south-1_Other"}, "issuer"),
    ({"aud": "another-client"}, "audience"),
    ({"token_use": "access"}, "ID token"),
    ({"exp": int(NOW.timestamp())}, "expired"),
    ({"iat": int(NOW.timestamp()) + 3600, "exp": int(NOW.timestamp()) + 7200}, "future"),
    ({"custom:role": "superuser"}, "role"),
    ({"custom:districts": "", "custom:departments": ""}, "scope"),
    ({"custom:districts": "162,9999"}, "unknown districts"),
    ({"custom:districts": "lucknow"}, "not a number"),
])
def test_claims_the_desk_would_not_take_are_refused(changes, why):
    with pytest.raises(InvalidToken, match=why):
        verify(token(**changes))


def test_a_token_signed_by_another_key_or_altered_is_refused():
    with pytest.raises(InvalidToken):
        verify(token(key=rsa.generate_private_key(public_exponent=65537, key_size=2048)))
    header, payload, signature = token().split(".")
    widened = token(**{"custom:districts": "162,144"}).split(".")[1]
    with pytest.raises(InvalidToken):
        verify(f"{header}.{widened}.{signature}")


def test_a_short_key_is_not_trusted_even_when_published():
    weak = rsa.generate_private_key(public_exponent=65537, key_size=1024)
    with pytest.raises(InvalidToken):
        verify(token(key=weak), pool(jwks(weak))[0])


def test_an_hs256_token_is_not_taken_for_a_cognito_one():
    # The classic confusion: the public key's bytes used as an HMAC secret. The header says HS256: the
    # authorizer sends it to the desk's own tokens, which check it with the desk's key (and refuse it).
    forged = jwt.encode({"iss": ISSUER}, "public-key-bytes", algorithm="HS256", headers={"kid": "k1"})
    assert not cognito.is_cognito(forged)
    with pytest.raises(InvalidToken):
        verify(forged)


def test_the_keys_are_fetched_once_and_again_only_for_an_unknown_key_id_after_a_while():
    now = [0.0]
    fetch = Fetches(jwks(KEY))
    keys = cognito.PoolKeys("https://keys.invalid", 1, fetch=fetch, clock=lambda: now[0])
    verify(token(), keys), verify(token(), keys)
    assert fetch.count == 1
    with pytest.raises(InvalidToken, match="no key"):
        verify(token(kid="rotated"), keys)
    assert fetch.count == 1  # not at once: a flood of made-up key ids cannot make the desk fetch
    now[0] = cognito.PoolKeys.REFETCH_SECONDS
    fetch.answer = jwks(KEY, kid="rotated")
    assert verify(token(kid="rotated"), keys).subject == "a@example.in" and fetch.count == 2


def test_unreadable_keys_refuse_the_token_rather_than_crash():
    def down():
        raise OSError("connection refused")

    keys = cognito.PoolKeys("https://keys.invalid", 1, fetch=down, clock=lambda: 0.0)
    with pytest.raises(InvalidToken, match="could not be read"):
        verify(token(), keys)


def test_a_token_that_lasts_too_long_is_refused():
    with pytest.raises(InvalidToken, match="hours"):
        verify(token(exp=int((NOW + timedelta(days=3)).timestamp())))
