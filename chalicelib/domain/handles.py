"""The registry of watched X handles: each entry validated when made, naming the field that is wrong.

Admins keep the registry in DynamoDB (services/handles.py); chalicelib/data/handles.json is only the
seed list the local stack and the tests start from (`load_registry`).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

from ..errors import BadRequest
from .departments import DEPARTMENTS
from .districts import DISTRICTS

KINDS = ("state", "district_police", "department")
DEFAULT_PATH = Path(__file__).resolve().parent.parent / "data" / "handles.json"
USERNAME = re.compile(r"[A-Za-z0-9_]{1,15}")  # X's rule for a username
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[A-Za-z]{2,}")
INDIAN_MOBILE = re.compile(r"\+91[6-9][0-9]{9}")  # numbers starting 6-9 are mobiles (TRAI numbering plan)
CHANGEABLE = ("kind", "department", "district", "owner_contact")


class RegistryError(BadRequest):
    """A registry entry with a bad field (the poller must not start with it); `field` names it."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


def contact(text: str) -> str:
    """An owner's contact as stored: an email, or an Indian mobile as +91 and ten digits."""
    text = text.strip()
    if "@" not in text:
        text = re.sub(r"[\s-]", "", text)
    return text


@dataclass(frozen=True)
class WatchedHandle:
    handle: str
    kind: str
    department: str
    district: int | None
    user_id: str | None = None  # X's id of the account: it stays when the account is renamed
    enabled: bool = True
    start_at: datetime | None = None  # mentions before it are never fetched (None: the seed list's handles)
    owner_contact: str = ""
    added_at: datetime | None = None

    def __post_init__(self):
        object.__setattr__(self, "handle", self.handle.lstrip("@") if isinstance(self.handle, str) else self.handle)
        object.__setattr__(self, "owner_contact", contact(self.owner_contact or ""))
        self._check()

    def _check(self) -> None:
        where = f"@{self.handle}" if isinstance(self.handle, str) else "an entry"
        if not isinstance(self.handle, str) or not USERNAME.fullmatch(self.handle):
            raise RegistryError(f"handle {self.handle!r} is not an X username (1 to 15 letters, digits or _)", "handle")
        if self.kind not in KINDS:
            raise RegistryError(f"{where}: kind must be one of {', '.join(KINDS)}, not {self.kind!r}", "kind")
        if self.department not in DEPARTMENTS:
            raise RegistryError(f"{where}: unknown department {self.department!r} "
                                f"(one of {', '.join(DEPARTMENTS)})", "department")
        if self.district is not None and (isinstance(self.district, bool) or self.district not in DISTRICTS):
            raise RegistryError(f"{where}: district {self.district!r} is not the LGD code of a UP district", "district")
        if self.kind == "district_police" and self.district is None:
            raise RegistryError(f"{where}: a district police handle needs its district (LGD code)", "district")
        if self.owner_contact and not (EMAIL.fullmatch(self.owner_contact) or INDIAN_MOBILE.fullmatch(self.owner_contact)):
            raise RegistryError(f"{where}: owner contact {self.owner_contact!r} is neither an email nor an "
                                "Indian mobile number (+91 and ten digits)", "owner_contact")
        for name in ("start_at", "added_at"):
            at = getattr(self, name)
            if at is not None and (not isinstance(at, datetime) or at.tzinfo is None):
                raise RegistryError(f"{where}: {name} must be a time with its time zone", name)

    @property
    def key(self) -> str:
        # X usernames are case-insensitive; citizens type them in any case.
        return self.handle.lower()

    def changed(self, **fields) -> "WatchedHandle":
        """This entry with some of kind, department, district and owner_contact changed, validated again."""
        unknown = set(fields) - set(CHANGEABLE)
        if unknown:
            raise RegistryError(f"only {', '.join(CHANGEABLE)} can be changed, not {', '.join(sorted(unknown))}",
                                sorted(unknown)[0])
        return replace(self, **fields)

    def differs(self, other: "WatchedHandle") -> dict[str, tuple]:
        """The changeable fields whose values differ: name -> (this, other)."""
        return {n: (getattr(self, n), getattr(other, n)) for n in CHANGEABLE if getattr(self, n) != getattr(other, n)}


class Registry:
    def __init__(self, handles=()):
        self.entries = tuple(handles)
        self._by_key = {h.key: h for h in self.entries}
        if len(self._by_key) != len(self.entries):
            raise RegistryError("a handle is listed twice", "handle")
        # Adding a handle refuses an account already listed (services/handles.py); were one listed twice
        # anyway, the poll must still run: it fetches both, and the tweet guard records each mention once.
        self._by_user = {}
        for h in self.entries:
            if h.user_id:
                self._by_user.setdefault(h.user_id, h)

    def __iter__(self):
        """The enabled handles: the ones the poll fetches."""
        return iter([h for h in self.entries if h.enabled])

    def __len__(self) -> int:
        return sum(1 for h in self.entries if h.enabled)

    def all(self) -> list[WatchedHandle]:
        """Every entry, disabled ones too, by username."""
        return list(self.entries)

    def get(self, handle: str) -> WatchedHandle | None:
        """Any entry (disabled too) by username, in any case, with or without its @."""
        return self._by_key.get(handle.lstrip("@").lower())

    def by_user_id(self, user_id: str) -> WatchedHandle | None:
        return self._by_user.get(user_id)

    def watched(self, handles) -> list[WatchedHandle]:
        """The enabled watched handles among `handles`, in the order given, without repeats."""
        found = (self.get(h) for h in handles)
        return list({h.key: h for h in found if h is not None and h.enabled}.values())


def parse_registry(raw: dict) -> Registry:
    """The seed list (chalicelib/data/handles.json): entries without user ids, start times or owners."""
    entries = raw.get("handles")
    if not isinstance(entries, list) or not entries:
        raise RegistryError("'handles' must be a non-empty list")
    handles = []
    for i, e in enumerate(entries):
        if not isinstance(e, dict) or not isinstance(e.get("handle"), str) or not e["handle"]:
            raise RegistryError(f"handles[{i}]: needs a 'handle' string", "handle")
        try:
            handles.append(WatchedHandle(e["handle"], e.get("kind"), e.get("department"), e.get("district")))
        except RegistryError as error:
            raise RegistryError(f"handles[{i}] ({e['handle']!r}): {error.message}", error.field) from None
    return Registry(handles)


def load_registry(path: Path | str = DEFAULT_PATH) -> Registry:
    with open(path, encoding="utf-8") as f:
        return parse_registry(json.load(f))
