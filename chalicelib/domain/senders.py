"""Who posts on X for the desk. Since February 2026 X takes a reply from a self-serve app only when the post
answered tagged (or replied to) the replying account: a reply goes from a handle the citizen tagged, one whose
owner authorised the desk. Weekly summaries go from the department's own state-wide handle."""

from __future__ import annotations

from collections.abc import Collection, Iterable

from .handles import Registry, WatchedHandle


def reply_senders(tagged: Iterable[str], registry: Registry, district: int | None,
                  department: str) -> list[WatchedHandle]:
    """The watched handles the citizen tagged, best sender first: the one owning the complaint's district
    and department, then its district, then its department, then any (in the order tagged)."""
    handles = registry.watched(tagged)

    def rank(h: WatchedHandle) -> int:
        same_district = district is not None and h.district == district
        same_department = h.department == department
        return 0 if same_district and same_department else 1 if same_district else 2 if same_department else 3

    return sorted(handles, key=rank)  # sorted() is stable: ties keep the citizen's order


def summary_senders(registry: Registry, department: str) -> list[WatchedHandle]:
    """A department's own state-wide handles, state kind first (UP Police's @Uppolice before @dgpup)."""
    own = [h for h in registry if h.department == department and h.district is None and h.kind in ("state", "department")]
    return sorted(own, key=lambda h: h.kind != "state")


def blocked_reason(candidates: list[WatchedHandle], needing: Collection[str]) -> str:
    """Why no tagged handle can reply: each one needs authorisation again, or never gave it."""
    if not candidates:
        return "the citizen tagged no watched handle"
    parts = [f"@{h.handle} needs authorisation" + (" again (its grant was revoked or expired)" if h.key in needing else "")
             for h in candidates]
    return "no tagged handle is authorised: " + ", ".join(parts)
