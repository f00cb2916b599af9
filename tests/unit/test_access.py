"""Officers' scope and signed tokens."""

from datetime import datetime, timedelta, timezone

import pytest

from chalicelib import auth
from chalicelib.domain.access import Principal

NOW = datetime(2026, 11, 29, 6, 0, tzinfo=timezone.utc)
KEY = "a-test-signing-key-of-reasonable-length-0123456789"


def test_an_officer_sees_only_their_district_and_department():
    officer = Principal("o", "officer", frozenset({162}), frozenset({"police"}))
    assert officer.can_see(162, "police")
    assert not officer.can_see(162, "water") and not officer.can_see(144, "police") and not officer.can_see(None, "police")
    assert Principal("a", "admin").can_see(None, "water")


def test_a_token_carries_role_and_scope_and_verifies():
    token = auth.issue(KEY, "sho-aliganj", "officer", [162], ["police"], now=NOW)
    assert auth.verify(KEY, token, NOW) == Principal("sho-aliganj", "officer", frozenset({162}), frozenset({"police"}))


@pytest.mark.parametrize(
    "token",
    [
        auth.issue(KEY, "x", "admin", now=NOW - timedelta(hours=13)),  # expired
        auth.issue("another-key-of-reasonable-length-0123456789abc", "x", "admin", now=NOW),  # wrong key
        "not.a.token",
    ],
)
def test_expired_forged_and_garbage_tokens_are_refused(token):
    with pytest.raises(auth.InvalidToken):
        auth.verify(KEY, token, NOW)


def test_an_unsigned_alg_none_token_is_refused():
    import jwt

    forged = jwt.encode({"iss": auth.ISSUER, "sub": "x", "role": "admin", "iat": 1, "exp": 4102444800}, None, algorithm="none")
    with pytest.raises(auth.InvalidToken):
        auth.verify(KEY, forged, NOW)


def test_an_officer_token_needs_a_scope():
    with pytest.raises(ValueError, match="district or department"):
        auth.issue(KEY, "x", "officer", now=NOW)


def test_an_officer_token_without_a_scope_is_refused_even_when_signed():
    import jwt

    claims = {"iss": auth.ISSUER, "sub": "x", "role": "officer", "districts": [], "departments": [],
              "iat": int(NOW.timestamp()), "exp": int((NOW + timedelta(hours=1)).timestamp())}
    with pytest.raises(auth.InvalidToken, match="scope"):
        auth.verify(KEY, jwt.encode(claims, KEY, algorithm="HS256"), NOW)
