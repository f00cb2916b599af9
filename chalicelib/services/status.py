"""The state of the whole desk for admins, read from counters and keys only (never a table scan)."""

from __future__ import annotations

from datetime import datetime
from typing import Callable

from ..domain.districts import DISTRICTS
from ..domain.handles import Registry
from .ports import ComplaintStore


def _group(counters: dict[str, int], prefix: str) -> dict[str, int]:
    return {k[len(prefix):]: v for k, v in sorted(counters.items()) if k.startswith(prefix) and v}


def _deadlines(counters: dict[str, int], scope: str) -> dict:
    """Compliance and mean times from running sums: O(1) to read, whatever the volume."""
    out = {}
    for stage, noun in (("acknowledge", "acknowledged"), ("resolve", "resolved")):
        n = counters.get(f"sla#{stage}#n{scope}", 0)
        out[noun] = n
        out[f"{stage}_compliance_percent"] = round(100 * counters.get(f"sla#{stage}#in_time{scope}", 0) / n, 1) if n else None
        out[f"mean_time_to_{stage}_seconds"] = round(counters.get(f"sla#{stage}#seconds{scope}", 0) / n) if n else None
    out["open_breaches"] = counters.get(f"breach#open{scope}", 0)
    return out


def _scopes(counters: dict[str, int], kind: str) -> list[str]:
    marker = f"#{kind}#"
    return sorted({k.split(marker, 1)[1] for k in counters if k.startswith(("sla#", "breach#")) and marker in k})


def status(store: ComplaintStore, registry: Registry, clock: Callable[[], datetime]) -> dict:
    now = clock()
    counters = store.counters()
    by_district = {
        code: {"name": DISTRICTS[int(code)].name_en if code.isdigit() else "state triage queue", "count": n}
        for code, n in _group(counters, "district#").items()
    }
    states = store.handle_states([h.key for h in registry])
    oldest = store.oldest_open_since()
    return {
        "generated_at": now.isoformat(),
        "complaints": {
            "total": counters.get("total", 0),
            "by_status": _group(counters, "status#"),
            "by_district": by_district,
            "by_department": _group(counters, "department#"),
            "urgent": counters.get("urgent", 0),
            "oldest_open_age_seconds": round((now - oldest).total_seconds()) if oldest else None,
        },
        "deadlines": {
            **_deadlines(counters, ""),
            "breaches_total": counters.get("breach#total", 0),
            "by_district": {d: _deadlines(counters, f"#d#{d}") for d in _scopes(counters, "d")},
            "by_department": {p: _deadlines(counters, f"#p#{p}") for p in _scopes(counters, "p")},
        },
        "alerts": {"sent": counters.get("alerts#sent", 0), "failed": counters.get("alerts#failed", 0)},
        "replies": {"sent": counters.get("replies#sent", 0), "failed": counters.get("replies#failed", 0)},
        "handles": [
            {
                "handle": h.handle,
                "last_poll_at": states[h.key].last_poll_at,
                "outcome": states[h.key].last_outcome,
                "last_success_at": states[h.key].last_success_at,
                "lag_seconds": states[h.key].lag_seconds,
            }
            for h in registry
        ],
    }
