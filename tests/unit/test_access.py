"""Officers' scope and signed tokens."""

from datetime import datetime, timedelta, timezone

import pytest

from chalicelib import auth
from chalicelib.domain.access import Principal
from chalicelib.domain.departments import DEPARTMENTS
from chalicelib.domain.districts import DISTRICTS

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


# --- claims checked strictly: anything this desk would not issue is an InvalidToken (a 401) -----

DROP = object()


def signed(**changes) -> str:
    """A token signed with the right key: a valid officer's claims with `changes` applied
    (None is JSON's null; DROP leaves the claim out)."""
    import jwt

    claims = {"iss": auth.ISSUER, "sub": "sho-aliganj", "role": "officer", "districts": [162], "departments": ["police"],
              "iat": int(NOW.timestamp()), "exp": int((NOW + timedelta(hours=12)).timestamp())}
    return jwt.encode({k: v for k, v in (claims | changes).items() if v is not DROP}, KEY, algorithm="HS256")


def raw(payload: bytes) -> str:
    """A token signed with the right key around a payload json.dumps cannot write or json.loads cannot read."""
    from jwt import api_jws

    return api_jws.encode(payload, KEY, algorithm="HS256")


def test_the_hand_made_tokens_below_differ_from_a_valid_one_only_in_what_they_change():
    officer = Principal("sho-aliganj", "officer", frozenset({162}), frozenset({"police"}))
    assert auth.verify(KEY, signed(), NOW) == officer


HOUR = 3600
T = int(NOW.timestamp())
MALFORMED = {
    # times: integers (seconds since the epoch) only
    "exp a string": dict(exp=str(T + HOUR)),
    "exp a float": dict(exp=T + HOUR + 0.5),
    "exp a bool": dict(exp=True),
    "exp null": dict(exp=None),
    "exp an object": dict(exp={"at": T + HOUR}),
    "exp beyond Python's digits": raw(b'{"iss":"up-complaint-desk","exp":' + b"9" * 5000 + b"}"),
    "iat a string": dict(iat=str(T)),
    "iat a float": dict(iat=T + 0.5),
    "iat a bool": dict(iat=True),
    "iat a list": dict(iat=[T]),
    "iat null": dict(iat=None),
    # districts: a list of distinct UP LGD codes, as integers
    "districts ['abc']": dict(districts=["abc"]),
    "districts '162'": dict(districts="162"),
    "districts ['162']": dict(districts=["162"]),
    "districts 162": dict(districts=162),
    "districts [162.0]": dict(districts=[162.0]),
    "districts [99999]": dict(districts=[99999]),
    "districts [true]": dict(districts=[True]),
    "districts true": dict(districts=True),
    "districts [null]": dict(districts=[None]),
    "districts null": dict(districts=None),
    "districts [[162]]": dict(districts=[[162]]),
    "districts [{lgd: 162}]": dict(districts=[{"lgd": 162}]),
    "districts {162: true}": dict(districts={"162": True}),
    "districts repeated": dict(districts=[162, 162]),
    "districts a huge list": dict(districts=[162] * 100_000),
    "districts nested 5000 deep": raw(b'{"iss":"up-complaint-desk","districts":' + b"[" * 5000 + b"]" * 5000 + b"}"),
    # departments: a list of distinct department codes
    "departments ['x']": dict(departments=["x"]),
    "departments [1]": dict(departments=[1]),
    "departments 'police'": dict(departments="police"),
    "departments ['POLICE']": dict(departments=["POLICE"]),
    "departments ['police,water']": dict(departments=["police,water"]),
    "departments [true]": dict(departments=[True]),
    "departments [['police']]": dict(departments=[["police"]]),
    "departments [{}]": dict(departments=[{}]),
    "departments null": dict(departments=None),
    "departments repeated": dict(departments=["police", "police"]),
    "departments a huge list": dict(departments=["police"] * 100_000),
    # subject: printable text, 1 to 128 characters
    "sub empty": dict(sub=""),
    "sub a number": dict(sub=7),
    "sub a list": dict(sub=["sho"]),
    "sub an object": dict(sub={"name": "sho"}),
    "sub with a newline": dict(sub="sho\nadmin"),
    "sub with a NUL": dict(sub="sho\x00"),
    "sub a lone surrogate": dict(sub="sho\ud800"),
    "sub 10,000 characters": dict(sub="s" * 10_000),
    "sub null": dict(sub=None),
    # role: "admin" or "officer"
    "role a number": dict(role=1),
    "role a list": dict(role=["admin"]),
    "role an object": dict(role={"admin": True}),
    "role 'Admin'": dict(role="Admin"),
    "role 'root'": dict(role="root"),
    "role null": dict(role=None),
    # exactly the claims the desk issues
    "no sub": dict(sub=DROP),
    "no role": dict(role=DROP),
    "no districts": dict(districts=DROP),
    "no departments": dict(departments=DROP),
    "no iat": dict(iat=DROP),
    "no exp": dict(exp=DROP),
    "no iss": dict(iss=DROP),
    "another issuer": dict(iss="someone-else"),
    "an extra claim": dict(admin=True),
    "a not-before claim": dict(nbf=T),
    "claims a list": raw(b'[{"sub":"a","role":"admin"}]'),
    "claims a string": raw(b'"admin"'),
}


@pytest.mark.parametrize("changes", MALFORMED.values(), ids=MALFORMED.keys())
def test_a_signed_token_with_malformed_claims_is_refused(changes):
    token = changes if isinstance(changes, str) else signed(**changes)
    with pytest.raises(auth.InvalidToken):
        auth.verify(KEY, token, NOW)


@pytest.mark.parametrize("token", ["", ".", "a.b", "a.b.c.d", "ü.ü.ü", "\x00", "Bearer x.y.z", "e" * 100_000, "\udc80.a.b"])
def test_garbage_is_refused(token):
    with pytest.raises(auth.InvalidToken):
        auth.verify(KEY, token, NOW)


@pytest.mark.parametrize("subject", ["", "a\nb", "s" * 129])
def test_issue_refuses_a_subject_verify_would_refuse(subject):
    with pytest.raises(ValueError, match="subject"):
        auth.issue(KEY, subject, "admin", now=NOW)


# --- a token's life is bounded: no more than MAX_HOURS, not issued in the future ---------------

def test_a_token_issued_a_year_ahead_is_refused():
    year = 365 * 24 * HOUR
    with pytest.raises(auth.InvalidToken, match="future"):
        auth.verify(KEY, signed(iat=T + year, exp=T + year + HOUR), NOW)
    with pytest.raises(auth.InvalidToken, match="future"):
        auth.verify(KEY, auth.issue(KEY, "x", "admin", now=NOW + timedelta(days=365)), NOW)


def test_an_issuing_clock_a_little_ahead_is_tolerated_but_no_more():
    skew = auth.CLOCK_SKEW_SECONDS
    assert auth.verify(KEY, signed(iat=T + skew, exp=T + skew + HOUR), NOW).subject == "sho-aliganj"
    with pytest.raises(auth.InvalidToken, match="future"):
        auth.verify(KEY, signed(iat=T + skew + 1, exp=T + skew + 1 + HOUR), NOW)


def test_a_token_lives_at_most_max_hours():
    longest = auth.MAX_HOURS * HOUR
    assert auth.verify(KEY, signed(iat=T - HOUR, exp=T - HOUR + longest), NOW).role == "officer"
    for lifetime in (longest + 1, 365 * 24 * HOUR, 10**30):
        with pytest.raises(auth.InvalidToken, match="hours"):
            auth.verify(KEY, signed(iat=T - HOUR, exp=T - HOUR + lifetime), NOW)
    with pytest.raises(auth.InvalidToken):
        auth.verify(KEY, signed(iat=T + 60, exp=T + 30), NOW)  # ends before it begins


@pytest.mark.parametrize("hours", [24.01, 48, 24 * 365, 0, -1, float("inf"), float("nan")])
def test_issue_refuses_a_lifetime_verify_would_refuse(hours):
    with pytest.raises(ValueError, match="hours"):
        auth.issue(KEY, "x", "admin", now=NOW, hours=hours)
    assert auth.verify(KEY, auth.issue(KEY, "x", "admin", now=NOW, hours=auth.MAX_HOURS), NOW).is_admin


# --- the route side reads back exactly what the authorizer wrote --------------------------------

@pytest.mark.parametrize(
    "principal",
    [
        Principal("admin", "admin"),
        Principal("sho-aliganj", "officer", frozenset({162}), frozenset({"police"})),
        Principal("एसएचओ अलीगंज, लखनऊ (रात)", "officer", frozenset({162, 144}), frozenset()),
        Principal("d" * 128, "officer", frozenset(), frozenset({"water", "roads"})),
        Principal("state-desk", "officer", frozenset(DISTRICTS), frozenset(DEPARTMENTS)),
    ],
)
def test_the_authorizer_context_reads_back_as_the_principal_it_was_written_from(principal):
    p = principal
    verified = auth.verify(KEY, auth.issue(KEY, p.subject, p.role, p.districts, p.departments, now=NOW), NOW)
    context = auth.to_context(verified)
    assert all(isinstance(v, str) for v in context.values())  # API Gateway passes only strings
    assert auth.from_context(context) == verified == principal


@pytest.mark.parametrize("ref", ["A" * 2100, "UP-LKO-26-1", "../etc", "up-lko-26-000001"])
def test_a_path_not_shaped_like_a_reference_is_not_found_without_asking_the_store(ref):
    """DynamoDB refuses keys over 2 KB with a ValidationException: that must be a 404, not a 500."""
    from chalicelib.errors import NotFound
    from chalicelib.services import complaints
    from tests.fakes import FakeDesk

    desk = FakeDesk()
    desk.complaints.get = lambda ref: pytest.fail("the store was asked")
    with pytest.raises(NotFound):
        complaints.get_complaint(desk, Principal("admin", "admin"), ref)
