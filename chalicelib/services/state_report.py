"""The weekly state report for the admins: every Monday with the weekly summary, the districts and
departments ranked as the dashboard ranks them (the same rows, the same numbers), and last week's
received and resolved, sent once to the admins' topic (the ops topic) by email.

SNS email is plain text, so the ranking is a fixed-width table; the dashboard has the sortable page.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Callable

from ..domain import ranking
from ..domain.complaint import Policies
from ..domain.departments import DEPARTMENTS
from ..domain.tally import STATE, Scope, iso_week
from ..web.dashboard import duration
from ..web.layout import indian_number, ist
from .dashboard import DEPARTMENT_SCOPES, DISTRICT_SCOPES, rows
from .ports import AlertFailed, Report, Storage, StorageUnavailable
from .reports import ReportRun, _release, _send
from .sending import new_claim


def _percent(value: float | None) -> str:
    return "-" if value is None else f"{value:.0f}%"


def _table(title: str, ranked: list[ranking.Row], now: datetime) -> list[str]:
    lines = [title, f"{'#':>3}  {'Name':<22} {'Open':>7} {'Overdue':>8} {'Oldest open':>12} {'Ack in time':>11} "
             f"{'Res in time':>11} {'Median':>9}"]
    for n, r in enumerate(ranked, 1):
        oldest = duration((now - r.oldest_open).total_seconds()) if r.oldest_open else "-"
        median = f"<={r.median_resolve_hours} h" if r.median_resolve_hours else "-"
        lines.append(f"{n:>3}  {r.name_en[:22]:<22} {indian_number(r.open):>7} {indian_number(r.overdue):>8} "
                     f"{oldest:>12} {_percent(r.acknowledged_in_time):>11} {_percent(r.resolved_in_time):>11} "
                     f"{median:>9}")
    return lines


def render(week: str, now: datetime, state: dict, received: int, resolved: int, districts: list[ranking.Row],
           departments: list[ranking.Row]) -> tuple[str, str]:
    subject = f"UP complaint desk: weekly state report {week}"
    body = [subject, f"As of {ist(now)}. Ranked worst first by overdue complaints, as on the dashboard "
                     "(/app/dashboard).", "",
            f"Last week: {indian_number(received)} received, {indian_number(resolved)} resolved. Now open: "
            f"{indian_number(state.get('open', 0))}, overdue: {indian_number(state.get('breached_open', 0))}.", ""]
    body += _table("Districts", ranking.ranked(districts), now) + [""]
    body += _table("Departments", ranking.ranked(departments), now)
    return subject, "\n".join(body)


def state_report(store: Storage, tell: Callable[[str, str], None], policies: Policies,
                 clock: Callable[[], datetime]) -> ReportRun:
    """Last ISO week's report, claimed first so a doubled schedule sends it once."""
    run, now, claim = ReportRun(), clock(), new_claim()
    year, week = iso_week(now - timedelta(days=7), policies.sla.tz)
    name = f"{year}-W{week:02d}"
    report = Report("state_report", name, "state")
    weeks = [Scope.of_week((year, week), p) for p in DEPARTMENTS]
    try:
        if not store.stats.claim_report(report, claim, now):
            run.already_sent += 1
            return run
        counts = store.stats.read([STATE, *DISTRICT_SCOPES, *DEPARTMENT_SCOPES, *weeks])
        districts, departments = rows(store, counts)
    except StorageUnavailable:
        _release(store, report, claim, run)
        return run
    received = sum(counts[s].get("received", 0) for s in weeks)
    resolved = sum(counts[s].get("resolved", 0) for s in weeks)
    subject, body = render(name, now, counts[STATE], received, resolved, districts, departments)

    def send() -> None:
        try:
            tell(subject, body)
        except Exception as e:  # the ops notices' port names no failure of its own: any is a failed send
            raise AlertFailed(f"{type(e).__name__}: {e}") from e

    _send(store, report, claim, run, send, clock)
    return run
