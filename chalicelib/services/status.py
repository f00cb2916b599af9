"""The state of the whole desk for admins, read from small counter items and keys (never a table scan)."""

from __future__ import annotations

from datetime import datetime
from typing import Callable

from ..domain.departments import DEPARTMENTS
from ..domain.districts import DISTRICTS, district_key
from ..domain.handles import Registry
from ..domain.tally import STATE, Scope
from .ports import ALL_DISTRICTS, SEARCH, STREAM, TIMELINES, GrantState, Storage, StreamLease, XBudget, XWindow
from .sending import POSTING_OFF

DISTRICT_SCOPES = [Scope.of_district(d) for d in [*DISTRICTS, None]]
DEPARTMENT_SCOPES = [Scope.of_department(p) for p in DEPARTMENTS]


def _by_status(counts: dict[str, int]) -> dict[str, int]:
    return {k.split(":", 1)[1]: v for k, v in sorted(counts.items()) if k.startswith("status:") and v}


def _deadlines(counts: dict[str, int]) -> dict:
    """Compliance and mean times from running sums: O(1) to read, whatever the volume."""
    out = {}
    for stage, noun in (("acknowledge", "acknowledged"), ("resolve", "resolved")):
        n = counts.get(f"{stage}:n", 0)
        out[noun] = n
        out[f"{stage}_compliance_percent"] = round(100 * counts.get(f"{stage}:in_time", 0) / n, 1) if n else None
        out[f"mean_time_to_{stage}_seconds"] = round(counts.get(f"{stage}:seconds", 0) / n) if n else None
    out["open_breaches"] = counts.get("breached_open", 0)
    return out


def _measured(counts: dict[str, int]) -> bool:
    return any(counts.get(name) for name in ("acknowledge:n", "resolve:n", "breached_open"))


def _authorisation(grant: GrantState | None, held_until: datetime | None, now: datetime) -> dict:
    """Whether the desk may post as the handle (replies go from tagged handles that authorised it)."""
    shown = {"authorisation": grant.state if grant else "not_authorised",
             "authorisation_changed_at": grant.changed_at if grant else None}
    if grant and grant.detail:
        shown["authorisation_detail"] = grant.detail
    if held_until and now < held_until:
        shown["replies_held_until"] = held_until.isoformat()
    return shown


def _last_success(paths: dict[str, str], outcome: str | None) -> str | None:
    """The newest of: the search's last run with every group searched, the timelines' when the handle's was read."""
    times = [paths.get(SEARCH), paths.get(TIMELINES) if outcome == "ok" else None]
    return max((t for t in times if t), default=None)


def _iso(at: datetime | None) -> str | None:
    return at.isoformat() if at else None


def _stream(lease: StreamLease, now: datetime) -> dict:
    """The filtered stream as its holders left it: connected while a live holder says so."""
    return {
        "connected": bool(lease.live(now) and lease.connected_since),
        "connected_since": _iso(lease.connected_since) if lease.live(now) else None,
        "last_delivery_at": _iso(lease.last_delivery_at),
        "last_handover_gap_s": lease.last_handover_gap_s,
        "disconnects": lease.disconnects,
    }


def _ingestion(store: Storage, paths: dict[str, str], now: datetime) -> dict:
    ingestion = {path: {"last_success_at": at} for path, at in sorted(paths.items())}
    # What search recorded that no other path had: above zero, the stream missed posts.
    caught, last_caught_at = store.searches.caught()
    ingestion.setdefault(SEARCH, {"last_success_at": None}).update(caught=caught, last_caught_at=last_caught_at)
    if store.stream is not None:
        ingestion[STREAM] = {**ingestion.get(STREAM, {}), **_stream(store.stream.read(), now)}
    return ingestion


def _budget(windows: list[XWindow], now: datetime) -> dict:
    """X's windows as the desk last heard of them: per family (and per handle for posting), whether it waits."""
    shown = {}
    for w in windows:
        current = w.current(now)
        until = current.waiting_until(now)
        shown[w.family if w.user is None else f"{w.family}#{w.user}"] = {
            "remaining": current.remaining, "limit": current.limit,
            "reset": current.reset.isoformat() if current.reset else None,
            "waiting": until is not None}
    return shown


def status(store: Storage, registry: Registry, clock: Callable[[], datetime], posting_enabled: bool = True,
           budget: XBudget | None = None, counts: dict | None = None) -> dict:
    """`counts`: the state's, districts' and departments' counters when the caller has read them already."""
    now = clock()
    counts = counts or store.stats.read([STATE, *DISTRICT_SCOPES, *DEPARTMENT_SCOPES])
    state = counts[STATE]
    districts = {s.district: counts[s] for s in DISTRICT_SCOPES if counts[s]}
    departments = {s.department: counts[s] for s in DEPARTMENT_SCOPES if counts[s]}
    handles = registry.all()  # disabled ones too: an admin sees what is switched off
    states = store.handles.states([h.key for h in handles])
    paths = store.handles.paths()
    grants = store.grants.states()
    held = store.outbox.replies_held()
    oldest = store.complaints.oldest_open(ALL_DISTRICTS)
    return {
        "generated_at": now.isoformat(),
        "complaints": {
            "total": state.get("complaints", 0),
            "by_status": _by_status(state),
            "by_district": {
                district_key(d): {"name": DISTRICTS[d].name_en if d is not None else "state triage queue",
                                  "count": c.get("complaints", 0)}
                for d, c in districts.items() if c.get("complaints")
            },
            "by_department": {p: c["complaints"] for p, c in departments.items() if c.get("complaints")},
            "urgent": state.get("urgent", 0),
            "oldest_open_age_seconds": round((now - oldest).total_seconds()) if oldest else None,
        },
        "deadlines": {
            **_deadlines(state),
            "breaches_total": state.get("breaches", 0),
            "by_district": {district_key(d): _deadlines(c) for d, c in districts.items() if _measured(c)},
            "by_department": {p: _deadlines(c) for p, c in departments.items() if _measured(c)},
        },
        # Mentions triage could not decide wait for an admin's review; none of them alerted an officer.
        "review": {"waiting": state.get("status:needs_review", 0), "decided": state.get("reviewed", 0)},
        "alerts": {"sent": state.get("alerts_sent", 0), "failed": state.get("alerts_failed", 0)},
        "replies": {"posting": "on" if posting_enabled else POSTING_OFF,
                    "sent": state.get("replies_sent", 0), "failed": state.get("replies_failed", 0),
                    "blocked": state.get("replies_blocked", 0),
                    "undeliverable": state.get("replies_undeliverable", 0)},
        "ingestion": _ingestion(store, paths, now),
        "x_budget": _budget(budget.windows(now), now) if budget else {},
        "handles": [
            {
                "handle": h.handle,
                "enabled": h.enabled,
                "kind": h.kind,
                "department": h.department,
                "district": h.district,
                "start_at": h.start_at.isoformat() if h.start_at else None,
                "outcome": states[h.key].outcome,
                # An idle run writes nothing per handle: a handle that is fine last succeeded with its path.
                "last_success_at": _last_success(paths, states[h.key].outcome),
                "detail": states[h.key].detail,
                "changed_at": states[h.key].changed_at,
                "newest_mention_at": states[h.key].newest_mention_at,
                # A suspended or deleted account: when X was last asked whether it is back (once a day).
                "checked_at": states[h.key].checked_at,
                # Mentions no path could read (past the timeline's 800 and search's 7 days); ops were told.
                "gap": states[h.key].gap,
                **_authorisation(grants.get(h.key), held.get(h.key), now),
            }
            for h in handles
        ],
    }
