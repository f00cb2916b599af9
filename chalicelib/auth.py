"""Signed bearer tokens (JWT, HS256) carrying a role and a scope; the key lives in SSM."""

from __future__ import annotations

from datetime import datetime, timedelta

from .domain.access import ROLES, Principal
from .domain.departments import DEPARTMENTS
from .domain.districts import DISTRICTS

ISSUER = "up-complaint-desk"
ALGORITHM = "HS256"


class InvalidToken(Exception):
    pass


def issue(key: str, subject: str, role: str, districts=(), departments=(), *, now: datetime, hours: float = 12) -> str:
    import jwt

    if role not in ROLES:
        raise ValueError(f"role must be one of {ROLES}")
    unknown = [d for d in districts if d not in DISTRICTS] + [d for d in departments if d not in DEPARTMENTS]
    if unknown:
        raise ValueError(f"unknown districts or departments: {unknown}")
    if role == "officer" and not (districts or departments):
        raise ValueError("an officer token needs at least one district or department")
    claims = {
        "iss": ISSUER,
        "sub": subject,
        "role": role,
        "districts": sorted(districts),
        "departments": sorted(departments),
        "iat": int(now.timestamp()),
        "exp": int((now + timedelta(hours=hours)).timestamp()),
    }
    return jwt.encode(claims, key, algorithm=ALGORITHM)


def verify(key: str, token: str, now: datetime) -> Principal:
    import jwt

    try:
        # One algorithm only: a token signed with "none" or another algorithm is refused.
        # Expiry is checked below against the injected clock, not the machine's.
        claims = jwt.decode(
            token, key, algorithms=[ALGORITHM], issuer=ISSUER,
            options={"require": ["exp", "iat", "sub", "role"], "verify_exp": False, "verify_iat": False},
        )
    except jwt.PyJWTError as e:
        raise InvalidToken(str(e)) from e
    if claims["exp"] <= now.timestamp():
        raise InvalidToken("token expired")
    if claims["role"] not in ROLES:
        raise InvalidToken("unknown role")
    if claims["role"] == "officer" and not (claims.get("districts") or claims.get("departments")):
        raise InvalidToken("an officer token without a scope")  # an empty scope would mean "everything"
    return Principal(
        subject=claims["sub"],
        role=claims["role"],
        districts=frozenset(int(d) for d in claims.get("districts", [])),
        departments=frozenset(claims.get("departments", [])),
    )


def to_context(p: Principal) -> dict[str, str]:
    """API Gateway passes only flat string values from an authorizer to the route."""
    return {
        "sub": p.subject,
        "role": p.role,
        "districts": ",".join(map(str, sorted(p.districts))),
        "departments": ",".join(sorted(p.departments)),
    }


def from_context(context: dict) -> Principal:
    return Principal(
        subject=context["sub"],
        role=context["role"],
        districts=frozenset(int(d) for d in context.get("districts", "").split(",") if d),
        departments=frozenset(d for d in context.get("departments", "").split(",") if d),
    )
