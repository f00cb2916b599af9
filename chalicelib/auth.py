"""Signed bearer tokens (JWT, HS256) carrying a role and a scope; the key lives in SSM."""

from __future__ import annotations

from datetime import datetime, timedelta

from .domain.access import ROLES, Principal
from .domain.departments import DEPARTMENTS
from .domain.districts import DISTRICTS

ISSUER = "up-complaint-desk"
ALGORITHM = "HS256"
CLAIMS = frozenset({"iss", "sub", "role", "districts", "departments", "iat", "exp"})
MAX_HOURS = 24  # the longest a token may live: a leaked one is worthless by the next day
# Tokens are issued on an admin's machine (chalicelib.admin) and checked on Lambda's NTP-synced
# clock. Five minutes is the customary bound on skew (Kerberos's default); a token is then usable
# for at most MAX_HOURS and five minutes from the verifier's now.
CLOCK_SKEW_SECONDS = 300
SUBJECT_MAX_LENGTH = 128


class InvalidToken(ValueError):
    """A token, or claims for one, this desk would not issue: always a 401 to the caller."""


def issue(key: str, subject: str, role: str, districts=(), departments=(), *, now: datetime, hours: float = 12) -> str:
    """Sign a token; InvalidToken (a ValueError) for claims that verify() would refuse."""
    import jwt

    # Checked here too, before timedelta, which overflows on an infinite --hours.
    if not 0 < hours <= MAX_HOURS:
        raise InvalidToken(f"a token lives more than 0 and at most {MAX_HOURS} hours")
    claims = {
        "iss": ISSUER,
        "sub": subject,
        "role": role,
        "districts": list(districts),
        "departments": list(departments),
        "iat": int(now.timestamp()),
        "exp": int((now + timedelta(hours=hours)).timestamp()),
    }
    check_claims(claims)
    claims["districts"].sort()
    claims["departments"].sort()
    return jwt.encode(claims, key, algorithm=ALGORITHM)


def verify(key: str, token: str, now: datetime) -> Principal:
    import jwt

    try:
        # One algorithm only: a token signed with "none" or another algorithm is refused.
        # Times are checked below against the injected clock, not the machine's.
        claims = jwt.decode(token, key, algorithms=[ALGORITHM], issuer=ISSUER,
                            options={"verify_exp": False, "verify_iat": False})
    except (jwt.PyJWTError, ValueError) as e:  # ValueError: text no token can be (a lone surrogate)
        raise InvalidToken(str(e)) from e
    check_claims(claims)
    if claims["exp"] <= now.timestamp():
        raise InvalidToken("token expired")
    if claims["iat"] > now.timestamp() + CLOCK_SKEW_SECONDS:
        raise InvalidToken("token issued in the future")
    return Principal(
        subject=claims["sub"],
        role=claims["role"],
        districts=frozenset(claims["districts"]),
        departments=frozenset(claims["departments"]),
    )


def check_claims(claims: dict) -> None:
    """Refuse any claims but those issue() writes, each of its type and in range. Signed claims are
    not trusted claims: the key may sign what a bug or a hand wrote, and the authorizer must
    answer 401 to it, not crash on it later."""
    if claims.keys() != CLAIMS:
        raise InvalidToken(f"a token has exactly the claims {sorted(CLAIMS)}")
    subject = claims["sub"]
    # Printable: no control characters, no lone surrogates (no store can encode them).
    if not (isinstance(subject, str) and 0 < len(subject) <= SUBJECT_MAX_LENGTH and subject.isprintable()):
        raise InvalidToken(f"the subject must be printable text of 1 to {SUBJECT_MAX_LENGTH} characters")
    if claims["role"] not in ROLES:
        raise InvalidToken(f"role must be one of {ROLES}")
    _check_codes("districts", claims["districts"], DISTRICTS, int)
    _check_codes("departments", claims["departments"], DEPARTMENTS, str)
    if claims["role"] == "officer" and not (claims["districts"] or claims["departments"]):
        # An empty scope would mean "everything".
        raise InvalidToken("an officer token needs a scope: at least one district or department")
    iat, exp = claims["iat"], claims["exp"]
    # type() and not isinstance(): True is an int, and a float is not what issue() writes.
    if type(iat) is not int or type(exp) is not int:
        raise InvalidToken("iat and exp must be integers (seconds since the epoch)")
    if not 0 < exp - iat <= MAX_HOURS * 3600:
        raise InvalidToken(f"a token lives more than 0 and at most {MAX_HOURS} hours")


def _check_codes(name: str, codes, known, kind: type) -> None:
    # The length first, so that a huge list costs nothing to refuse.
    if not isinstance(codes, list) or len(codes) > len(known):
        raise InvalidToken(f"{name} must be a list of at most {len(known)} codes")
    # type() again: True is an int and 162.0 == 162, neither is a district code.
    unknown = [c for c in codes if type(c) is not kind or c not in known]
    if unknown:
        raise InvalidToken(f"unknown {name}: {unknown}")
    if len(set(codes)) != len(codes):
        raise InvalidToken(f"{name} repeat a code")


def to_context(p: Principal) -> dict[str, str]:
    """API Gateway passes only flat string values from an authorizer to the route."""
    return {
        "sub": p.subject,
        "role": p.role,
        "districts": ",".join(map(str, sorted(p.districts))),
        "departments": ",".join(sorted(p.departments)),
    }


def from_context(context: dict) -> Principal:
    # Safe on what to_context writes: verify() admits only known codes, and none holds a comma.
    return Principal(
        subject=context["sub"],
        role=context["role"],
        districts=frozenset(int(d) for d in context.get("districts", "").split(",") if d),
        departments=frozenset(d for d in context.get("departments", "").split(",") if d),
    )
