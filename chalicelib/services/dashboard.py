"""The admins' dashboard: /status's figures plus the districts and departments ranked, the last 30 days,
one line of health and the alert coverage. Counters and a key read per district, never a scan: as
quick at a lakh of complaints as at a thousand."""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Callable

from ..domain import coverage, ranking
from ..domain.coverage import Subscription
from ..domain.departments import DEPARTMENTS
from ..domain.districts import DISTRICTS
from ..domain.handles import Registry
from ..domain.tally import STATE, Scope
from .ports import SEARCH, STREAM, TIMELINES, AlertFailed, Storage, XBudget
from .status import DEPARTMENT_SCOPES, DISTRICT_SCOPES, status

log = logging.getLogger(__name__)
PATHS = (STREAM, SEARCH, TIMELINES)
OLDEST_READERS = 8  # the 75 districts' oldest open complaints are 75 small queries: a few at a time


@dataclass(frozen=True)
class Dashboard:
    now: datetime
    status: dict  # what GET /status has always shown
    districts: list[ranking.Row]
    departments: list[ranking.Row]
    days: list[ranking.Day]
    health: dict
    coverage: dict

    def as_status(self) -> dict:
        """GET /status: its own keys, and the dashboard's next to them."""
        return self.status | {
            "ranking": {"districts": [r.as_dict() for r in ranking.ranked(self.districts)],
                        "departments": [r.as_dict() for r in ranking.ranked(self.departments)]},
            "days": [{"day": d.day.isoformat(), "received": d.received, "resolved": d.resolved} for d in self.days],
            "health": self.health,
            "coverage": self.coverage,
        }


def _age(at: str | None, now: datetime) -> int | None:
    return round((now - datetime.fromisoformat(at)).total_seconds()) if at else None


def health(shown: dict, now: datetime) -> dict:
    """The one line: how long since each ingestion path last worked, X's budget, what is failing."""
    ingestion = shown["ingestion"]
    ages = {}
    for path in PATHS:
        seen = ingestion.get(path, {})
        if path == STREAM and seen.get("connected"):
            ages[path] = 0  # a quiet stream that is connected is working
            continue
        times = [t for t in (seen.get("last_success_at"), seen.get("last_delivery_at")) if t]
        ages[path] = _age(max(times), now) if times else None
    used: dict[str, float] = {}
    for name, window in shown["x_budget"].items():
        if window["limit"] and window["remaining"] is not None:
            family = name.split("#", 1)[0]
            share = round(100 * (window["limit"] - window["remaining"]) / window["limit"], 1)
            used[family] = max(used.get(family, 0.0), share)
    state = shown["complaints"]["by_status"]
    return {
        "ingestion_age_seconds": ages,
        "x_budget_used_percent": dict(sorted(used.items())),
        "alerts_failed": shown["alerts"]["failed"],
        "alerts_unrouted": shown["alerts"].get("unrouted", 0),
        "replies_blocked": shown["replies"]["blocked"],
        "review_queue": state.get("needs_review"),  # present once triage's review queue counts
    }


def coverage_of(subscriptions: Callable[[], list[Subscription]] | None) -> dict:
    if subscriptions is None:
        return {"error": "the alert topic's subscriptions are not read in this stage"}
    try:
        return coverage.summary(subscriptions())
    except AlertFailed as e:
        log.warning("alert coverage unknown", extra={"detail": str(e)})
        return {"error": str(e)}


def rows(store: Storage, counts: dict) -> tuple[list[ranking.Row], list[ranking.Row]]:
    """The districts' and departments' rows from their counters (read by the caller) and each district's
    oldest open complaint: the page, /status and the weekly state report rank these same rows."""
    with ThreadPoolExecutor(OLDEST_READERS) as pool:
        oldest = dict(zip(DISTRICTS, pool.map(store.complaints.oldest_open, DISTRICTS)))
    return (ranking.district_rows({s.district: counts[s] for s in DISTRICT_SCOPES}, oldest),
            ranking.department_rows({s.department: counts[s] for s in DEPARTMENT_SCOPES}))


def dashboard(store: Storage, registry: Registry, clock: Callable[[], datetime], tz: timezone,
              posting_enabled: bool = True, budget: XBudget | None = None,
              subscriptions: Callable[[], list[Subscription]] | None = None) -> Dashboard:
    now = clock()
    today = now.astimezone(tz).date()
    weeks = sorted({(d.isocalendar()[0], d.isocalendar()[1]) for d in ranking.last_days(today)})
    week_scopes = [Scope.of_week(w, p) for w in weeks for p in DEPARTMENTS]
    counts = store.stats.read([STATE, *DISTRICT_SCOPES, *DEPARTMENT_SCOPES, *week_scopes])
    shown = status(store, registry, lambda: now, posting_enabled, budget, counts=counts)
    shown["alerts"]["unrouted"] = counts[STATE].get("alerts_unrouted", 0)
    districts, departments = rows(store, counts)
    return Dashboard(
        now=now,
        status=shown,
        districts=districts,
        departments=departments,
        days=ranking.days([counts[s] for s in week_scopes], today),
        health=health(shown, now),
        coverage=coverage_of(subscriptions),
    )
