"""What admins do with the registry of watched handles: list, add, change, switch off and on, and
import a CSV of a department's handles. No redeploy: the poll reads the registry every minute.

A new handle is checked on X (its user id is kept: an account keeps it when renamed) and goes live
at its start time, now unless given: the poll never fetches its mentions from before.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Callable

from ..domain.access import Principal
from ..domain.districts import DISTRICTS
from ..domain.handles import Registry, RegistryError, WatchedHandle
from ..errors import BadRequest, Forbidden, HandleExists, NotFound, UnknownOnX, XUnavailable
from .ports import MentionSource, RateLimited, SourceUnavailable, Storage

COLUMNS = ("handle", "kind", "department", "district", "owner_contact")
OPTIONAL_COLUMNS = ("start_at",)
MAX_ROWS = 1000  # each new handle is one lookup on X
SHOWN_ERRORS = 10  # in a refusal's message; the dry run lists them all


def admin_only(principal: Principal) -> None:
    if not principal.is_admin:
        raise Forbidden("the registry of watched handles is for admins")


def describe(h: WatchedHandle) -> dict:
    return {
        "handle": h.handle, "kind": h.kind, "department": h.department, "district": h.district,
        "district_name": DISTRICTS[h.district].name_en if h.district is not None else None,
        "user_id": h.user_id, "enabled": h.enabled, "start_at": h.start_at.isoformat() if h.start_at else None,
        "owner_contact": h.owner_contact, "added_at": h.added_at.isoformat() if h.added_at else None,
    }


def start_time(text: str | None) -> datetime | None:
    """An ISO time with its zone ("2026-12-01T09:00+05:30", "...Z"); None for none given."""
    if text is None or not text.strip():
        return None
    try:
        at = datetime.fromisoformat(text.strip())
    except ValueError:
        raise RegistryError(f"start_at {text!r} is not an ISO time such as 2026-12-01T09:00+05:30", "start_at") from None
    if at.tzinfo is None:
        raise RegistryError(f"start_at {text!r} needs its time zone, such as +05:30 for IST", "start_at")
    return at


def list_handles(store: Storage) -> dict:
    return {"handles": [describe(h) for h in store.registry.load().all()]}


def _user_id(source: MentionSource, registry: Registry, handle: str) -> str:
    """The X account of a handle not in the registry yet."""
    try:
        user_id = source.resolve_user_id(handle)
    except (RateLimited, SourceUnavailable) as e:
        raise XUnavailable(f"could not ask X about @{handle} ({e}); try again in a few minutes") from None
    if user_id is None:
        raise UnknownOnX(f"X has no account @{handle}: check the spelling with its owner")
    if (other := registry.by_user_id(user_id)) is not None:
        raise HandleExists(f"@{handle} is the X account already registered as @{other.handle}")
    return user_id


def add(store: Storage, source: MentionSource, clock: Callable[[], datetime], handle: str, kind: str,
        department: str, district: int | None = None, owner_contact: str = "", start_at: datetime | None = None) -> dict:
    now = clock()
    entry = WatchedHandle(handle, kind, department, district, start_at=start_at or now, owner_contact=owner_contact,
                          added_at=now)
    registry = store.registry.load()
    if (existing := registry.get(entry.handle)) is not None:
        raise HandleExists(f"@{existing.handle} is in the registry already; change it instead")
    entry = replace(entry, user_id=_user_id(source, registry, entry.handle))
    store.registry.add(entry)
    return describe(entry)


def _existing(store: Storage, handle: str) -> WatchedHandle:
    entry = store.registry.load().get(handle)
    if entry is None:
        raise NotFound(f"@{handle.lstrip('@')} is not in the registry")
    return entry


def change(store: Storage, handle: str, **fields) -> dict:
    """Some of kind, department, district (None: none) and owner_contact; `enabled` switches it off or on."""
    entry = _existing(store, handle)
    enabled = fields.pop("enabled", None)
    if fields:
        entry = entry.changed(**fields)
        store.registry.change(entry)
    if enabled is not None and enabled != entry.enabled:
        store.registry.set_enabled(entry.key, enabled)
        entry = replace(entry, enabled=enabled)
    return describe(entry)


def set_enabled(store: Storage, handle: str, enabled: bool) -> dict:
    return change(store, handle, enabled=enabled)


# --- importing a CSV -----------------------------------------------------------------------------

@dataclass
class Import:
    """What an import adds and changes; with any error, nothing is written."""

    dry_run: bool
    added: list[WatchedHandle] = field(default_factory=list)
    changed: list[tuple[WatchedHandle, dict]] = field(default_factory=list)  # (after, {field: (before, after)})
    unchanged: list[str] = field(default_factory=list)
    errors: list[dict] = field(default_factory=list)  # {row, field, message}
    written: bool = False

    def refuse(self, row: int, name: str | None, message: str) -> None:
        self.errors.append({"row": row, "field": name, "message": message})

    def as_dict(self) -> dict:
        return {
            "dry_run": self.dry_run, "written": self.written,
            "added": [describe(h) for h in self.added],
            "changed": [{"handle": h.handle, "changes": {n: {"from": a, "to": b} for n, (a, b) in c.items()}}
                        for h, c in self.changed],
            "unchanged": self.unchanged, "errors": self.errors,
        }

    def summary(self) -> str:
        return "; ".join(f"row {e['row']}" + (f", {e['field']}" if e["field"] else "") + f": {e['message']}"
                         for e in self.errors[:SHOWN_ERRORS]) + (
            f"; and {len(self.errors) - SHOWN_ERRORS} more" if len(self.errors) > SHOWN_ERRORS else "")


def _rows(text: str, plan: Import) -> list[tuple[int, dict]]:
    """The CSV's rows with their row numbers (the header is row 1, as a spreadsheet counts)."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")), restkey="_extra")
    header = [name.strip() for name in reader.fieldnames or []]
    missing = [c for c in COLUMNS if c not in header]
    unknown = [c for c in header if c not in COLUMNS + OPTIONAL_COLUMNS]
    if missing or unknown:
        problem = ", ".join([f"missing column {c}" for c in missing] + [f"unknown column {c!r}" for c in unknown])
        plan.refuse(1, (missing or unknown)[0], f"{problem}; the columns are {', '.join(COLUMNS + OPTIONAL_COLUMNS)}")
        return []
    rows = []
    for number, raw in enumerate(reader, start=2):
        row = {k.strip(): (v or "").strip() for k, v in raw.items() if k != "_extra"}
        if "_extra" in raw:
            plan.refuse(number, None, "more values than columns (a comma inside a value needs quotes)")
        elif any(row.values()):  # blank lines are skipped
            rows.append((number, row))
    if len(rows) > MAX_ROWS:
        plan.refuse(MAX_ROWS + 2, None, f"at most {MAX_ROWS} rows per import; split the file")
        return []
    if not rows and not plan.errors:
        plan.refuse(2, None, "the file has no rows under its header")
    return rows


def _entry(number: int, row: dict, now: datetime, plan: Import) -> WatchedHandle | None:
    district = row["district"]
    if district and not (district.isascii() and district.isdigit()):
        plan.refuse(number, "district", f"{district!r} is not an LGD code (a number such as 162); leave it empty for none")
        return None
    try:
        return WatchedHandle(row["handle"], row["kind"], row["department"], int(district) if district else None,
                             start_at=start_time(row.get("start_at")) or now, owner_contact=row["owner_contact"],
                             added_at=now)
    except RegistryError as e:
        plan.refuse(number, e.field, e.message)
        return None


def import_csv(store: Storage, source: MentionSource, clock: Callable[[], datetime], text: str,
               dry_run: bool = False) -> Import:
    """Rows for handles not in the registry are added, rows for handles in it change their kind,
    department, district and owner contact (their start time stays). A dry run writes nothing."""
    now, plan = clock(), Import(dry_run)
    registry, seen = store.registry.load(), {}
    for number, row in _rows(text, plan):
        entry = _entry(number, row, now, plan)
        if entry is None:
            continue
        if entry.key in seen:
            plan.refuse(number, "handle", f"@{entry.handle} is also on row {seen[entry.key]}")
            continue
        seen[entry.key] = number
        existing = registry.get(entry.handle)
        if existing is None:
            try:
                plan.added.append(replace(entry, user_id=_user_id(source, registry, entry.handle)))
            except (UnknownOnX, HandleExists, XUnavailable) as e:
                plan.refuse(number, "handle", e.message)
        elif differences := existing.differs(entry):
            plan.changed.append((existing.changed(**{n: b for n, (a, b) in differences.items()}), differences))
        else:
            plan.unchanged.append(existing.handle)
    if not dry_run and not plan.errors:
        _write(store, plan, seen)
    return plan


def _write(store: Storage, plan: Import, rows: dict[str, int]) -> None:
    """Each entry on its own conditional write: one another admin wrote meanwhile is reported, not overwritten."""
    for entry in plan.added:
        try:
            store.registry.add(entry)
        except HandleExists as e:
            plan.refuse(rows[entry.key], "handle", f"{e.message} (added meanwhile by someone else)")
    for entry, _ in plan.changed:
        try:
            store.registry.change(entry)
        except NotFound as e:
            plan.refuse(rows[entry.key], "handle", f"{e.message} (renamed or removed meanwhile)")
    plan.written = True


def imported(plan: Import) -> dict:
    """The import's answer for the API: a refusal names every bad row and field."""
    if plan.errors and not plan.dry_run and not plan.written:
        raise BadRequest(f"nothing imported: {plan.summary()}")
    return plan.as_dict()
