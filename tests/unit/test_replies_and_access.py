"""Reply texts to citizens, officers' scope, and signed tokens."""

from datetime import datetime, timedelta, timezone

import pytest

from chalicelib import auth
from chalicelib.domain.access import Principal
from chalicelib.domain.complaint import Complaint
from chalicelib.domain.departments import DEPARTMENTS
from chalicelib.domain.districts import DISTRICTS
from chalicelib.domain.replies import KINDS, ReplyPolicy, load_reply_policy, x_weight

NOW = datetime(2026, 11, 29, 6, 0, tzinfo=timezone.utc)
POLICY = load_reply_policy()
KEY = "a-test-signing-key-of-reasonable-length-0123456789"


def complaint(text="Aliganj me chori", district=162, department="police") -> Complaint:
    return Complaint(
        ref="UP-SJP-26-123456", tweet_id="1", text=text, masked_text=text, author_id="9", author_username="asha",
        tweet_url="", conversation_id="1", tweeted_at=NOW, created_at=NOW, district=district,
        department=department, urgent=False, confidence=1.0, handles=(),
    )


def test_a_hindi_tweet_is_answered_in_hindi_and_others_in_english():
    assert "संदर्भ संख्या UP-SJP-26-123456" in POLICY.text("acknowledged", complaint("अलीगंज में चोरी"))
    assert "reference UP-SJP-26-123456" in POLICY.text("acknowledged", complaint("chori ho gayi"))


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("department", DEPARTMENTS)
@pytest.mark.parametrize("text", ["हिंदी", "english"])
def test_every_reply_fits_280_without_a_link_even_with_the_longest_names_and_notes(kind, department, text):
    longest = max(DISTRICTS.values(), key=lambda d: max(x_weight(d.name_en), x_weight(d.name_hi))).lgd
    for district in (longest, None):
        reply = POLICY.text(kind, complaint(text, district, department), note="नोट " * 400)
        assert reply and x_weight(reply) <= 280 and "http" not in reply and "UP-SJP-26-123456" in reply


def test_x_counts_devanagari_as_one_and_emoji_as_two():
    assert x_weight("बिजली") == 5 and x_weight("🙏") == 2


def test_a_department_can_turn_acknowledgements_off():
    policy = ReplyPolicy({"default": POLICY.default, "departments": {"water": {"acknowledge": False}}})
    assert policy.text("acknowledged", complaint(department="water")) is None
    assert policy.text("acknowledged", complaint(department="roads"))


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
