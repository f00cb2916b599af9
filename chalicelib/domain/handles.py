"""The registry of watched X handles, kept as data in the project and validated when loaded."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from .departments import DEPARTMENTS
from .districts import DISTRICTS

KINDS = ("state", "district_police", "department")
DEFAULT_PATH = Path(__file__).resolve().parent.parent / "data" / "handles.json"


class RegistryError(ValueError):
    """The handle registry file is malformed; the poller must not start with it."""


@dataclass(frozen=True)
class WatchedHandle:
    handle: str
    kind: str
    department: str
    district: int | None
    user_id: str | None = None  # X's id of the account: it stays when the account is renamed

    @property
    def key(self) -> str:
        # X usernames are case-insensitive; citizens type them in any case.
        return self.handle.lower()


class Registry:
    def __init__(self, handles: list[WatchedHandle]):
        self._by_key = {h.key: h for h in handles}
        self._by_user_id = {h.user_id: h for h in handles if h.user_id}
        if len(self._by_key) != len(handles):
            raise RegistryError("a handle is listed twice")

    def __iter__(self):
        return iter(self._by_key.values())

    def __len__(self) -> int:
        return len(self._by_key)

    def get(self, handle: str) -> WatchedHandle | None:
        return self._by_key.get(handle.lstrip("@").lower())

    def by_user_id(self, user_id: str) -> WatchedHandle | None:
        return self._by_user_id.get(user_id)

    def watched(self, handles) -> list[WatchedHandle]:
        """The watched handles among `handles`, in the order given, without repeats."""
        found = (self.get(h) for h in handles)
        return list({h.key: h for h in found if h is not None}.values())


def parse_registry(raw: dict) -> Registry:
    entries = raw.get("handles")
    if not isinstance(entries, list) or not entries:
        raise RegistryError("'handles' must be a non-empty list")
    handles = []
    for i, e in enumerate(entries):
        where = f"handles[{i}] ({e.get('handle')!r})" if isinstance(e, dict) else f"handles[{i}]"
        if not isinstance(e, dict) or not isinstance(e.get("handle"), str) or not e["handle"]:
            raise RegistryError(f"{where}: needs a 'handle' string")
        if e.get("kind") not in KINDS:
            raise RegistryError(f"{where}: kind must be one of {KINDS}")
        if e.get("department") not in DEPARTMENTS:
            raise RegistryError(f"{where}: unknown department {e.get('department')!r}")
        district = e.get("district")
        if district is not None and district not in DISTRICTS:
            raise RegistryError(f"{where}: unknown district LGD code {district!r}")
        if e["kind"] == "district_police" and district is None:
            raise RegistryError(f"{where}: a district police handle needs its district")
        handles.append(WatchedHandle(e["handle"].lstrip("@"), e["kind"], e["department"], district))
    return Registry(handles)


def load_registry(path: Path | str = DEFAULT_PATH) -> Registry:
    with open(path, encoding="utf-8") as f:
        return parse_registry(json.load(f))
