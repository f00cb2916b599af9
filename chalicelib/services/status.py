"""The state of the whole desk for admins, read from counters and keys only (never a table scan)."""

from __future__ import annotations

from datetime import datetime
from typing import Callable

from ..domain.districts import DISTRICTS
from ..domain.handles import Registry
from .ports import ComplaintStore


def _group(counters: dict[str, int], prefix: str) -> dict[str, int]:
    return {k[len(prefix):]: v for k, v in sorted(counters.items()) if k.startswith(prefix) and v}


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
