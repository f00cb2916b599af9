"""One-tap links in officers' alerts: a short path to one complaint's page, signed and expiring.

A link reads `<ref>.<expiry>.<signature>`: the reference (no personal data), the expiry in base-36
seconds since the epoch, and an HMAC-SHA256 (128 bits, base64url) over the reference, the expiry and
the office the complaint was with when the alert went out (district and department). The office is
signed but not written: the link stays short enough for an SMS, and once the complaint moves to
another office the signature no longer matches, so the link opens nothing for the old one.

A link lives until the deadline the alert announced plus a day (a mail read the morning after still
works); one sent when no deadline runs lives NO_DEADLINE_LIFE.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from .districts import district_key
from .values import REFERENCE

GRACE = timedelta(days=1)
NO_DEADLINE_LIFE = timedelta(days=3)
MAX_LIFE = timedelta(days=30)  # no alert's deadline is further off; a longer expiry was not signed by us
_SIGNATURE_BYTES = 16
_MAX_TOKEN = 80


class LinkRefused(ValueError):
    """A link this desk did not sign as it reads now: altered, for another complaint or office, or malformed."""


class LinkExpired(ValueError):
    """A genuine link past its expiry."""

    def __init__(self, expired_at: datetime):
        super().__init__(f"the link expired at {expired_at.isoformat()}")
        self.expired_at = expired_at


@dataclass(frozen=True)
class Link:
    ref: str
    expires_at: datetime
    signature: str  # also the link's identity where its use is recorded

    @property
    def token(self) -> str:
        return f"{self.ref}.{_base36(int(self.expires_at.timestamp()))}.{self.signature}"


def expiry(due_at: datetime | None, now: datetime) -> datetime:
    """When a link sent now expires: the deadline plus GRACE, and never sooner than GRACE from now."""
    if due_at is None:
        return now + NO_DEADLINE_LIFE
    return max(due_at, now) + GRACE


def sign(key: bytes, ref: str, district: int | None, department: str, expires_at: datetime) -> Link:
    seconds = int(expires_at.timestamp())
    return Link(ref, datetime.fromtimestamp(seconds, timezone.utc), _mac(key, ref, district, department, seconds))


def parse(token: str) -> tuple[str, datetime, str]:
    """The reference, expiry and signature a link names; LinkRefused for text no link of ours can be."""
    parts = token.split(".") if len(token) <= _MAX_TOKEN else []
    if len(parts) != 3 or not REFERENCE.fullmatch(parts[0]):
        raise LinkRefused("not a link of this desk")
    ref, expiry_text, signature = parts
    try:
        seconds = int(expiry_text, 36)
    except ValueError:
        raise LinkRefused("not a link of this desk") from None
    return ref, datetime.fromtimestamp(seconds, timezone.utc), signature


def check(key: bytes, token: str, district: int | None, department: str, now: datetime) -> Link:
    """The link, if the desk signed it for this complaint while with this office (`district`,
    `department`: where the complaint is now) and it has not expired. The signature is checked
    first: an altered link is refused, never called expired."""
    ref, expires_at, signature = parse(token)
    expected = _mac(key, ref, district, department, int(expires_at.timestamp()))
    if not hmac.compare_digest(signature.encode(), expected.encode()):
        raise LinkRefused("the link is not valid for this complaint as it stands")
    if expires_at <= now:
        raise LinkExpired(expires_at)
    if expires_at - now > MAX_LIFE + GRACE:
        raise LinkRefused("the link claims a life no alert gives")
    return Link(ref, expires_at, signature)


def _mac(key: bytes, ref: str, district: int | None, department: str, seconds: int) -> str:
    message = "|".join(("link-v1", ref, district_key(district), department, str(seconds))).encode()
    digest = hmac.new(key, message, hashlib.sha256).digest()[:_SIGNATURE_BYTES]
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def _base36(n: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while n:
        n, r = divmod(n, 36)
        out = digits[r] + out
    return out or "0"
