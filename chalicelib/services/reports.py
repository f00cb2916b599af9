"""Scheduled reports: the daily digest per district (SNS) and the weekly public summary per department (X).

Both read counters only; each district's digest and each department's summary is claimed
before it goes out, so a retried or doubled schedule sends it once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Callable

from ..domain.departments import DEPARTMENTS, NAMES_HI
from ..domain.districts import DISTRICTS, district_key
from ..domain.tally import HOUR_BUCKETS, Scope, iso_week
from .ports import AlertFailed, RateLimited, ReplyFailed, Report, Storage
from .sending import new_claim


@dataclass
class ReportRun:
    sent: list[str] = field(default_factory=list)
    already_sent: int = 0
    failed: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return vars(self).copy()


def _age(seconds: float) -> str:
    days, hours = int(seconds // 86400), int(seconds % 86400 // 3600)
    return f"{days} दिन {hours} घंटे / {days} d {hours} h"


def digest_text(district: int | None, open_: int, breached: int, resolved: int, oldest: datetime | None,
                now: datetime, day: str) -> tuple[str, str]:
    d = DISTRICTS.get(district) if district is not None else None
    name_hi, name_en = (d.name_hi, d.name_en) if d else ("राज्य जाँच कतार", "State triage queue")
    subject = f"Daily complaints digest {day} - {name_en}: {open_} open, {breached} past deadline"
    lines = [
        f"दैनिक शिकायत सारांश / Daily complaints digest — {name_hi} / {name_en} — {day}",
        "",
        f"लंबित शिकायतें / Open complaints: {open_}",
        f"समय-सीमा पार / Past their deadline: {breached}",
        f"कल निस्तारित / Resolved yesterday: {resolved}",
        f"सबसे पुरानी लंबित / Oldest open: {_age((now - oldest).total_seconds()) if oldest else '—'}",
    ]
    return subject, "\n".join(lines)


def daily_digest(store: Storage, publish: Callable[[int | None, str, str], str], tz: timezone,
                 clock: Callable[[], datetime]) -> ReportRun:
    """One digest per district with open complaints or resolutions yesterday, for the district heads."""
    run, now, claim = ReportRun(), clock(), new_claim()
    yesterday = now.astimezone(tz).date() - timedelta(days=1)
    districts = [*DISTRICTS, None]
    scopes = [Scope.of_district(d) for d in districts] + [Scope.of_day(yesterday, d) for d in districts]
    counts = store.stats.read(scopes)
    for district in districts:
        totals, day = counts[Scope.of_district(district)], counts[Scope.of_day(yesterday, district)]
        open_, breached, done = totals.get("open", 0), totals.get("breached_open", 0), day.get("resolved", 0)
        if not (open_ or done):
            continue
        report = Report("digest", yesterday.isoformat(), district_key(district))
        if not store.stats.claim_report(report, claim, now):
            run.already_sent += 1
            continue
        subject, body = digest_text(district, open_, breached, done, store.complaints.oldest_open(district), now,
                                    (yesterday + timedelta(days=1)).isoformat())
        try:
            publish(district, subject, body)
        except AlertFailed:
            store.stats.release_report(report, claim)
            run.failed.append(report.target)
            continue
        store.stats.report_sent(report, claim, clock())
        run.sent.append(report.target)
    return run


def median_bucket(histogram: dict[int, int]) -> int | None:
    """The upper bound (hours) of the bucket holding the median resolution time."""
    total = sum(histogram.values())
    seen = 0
    for hours in sorted(histogram):
        seen += histogram[hours]
        if seen * 2 >= total:
            return hours
    return None


def summary_text(department: str, week: str, received: int, resolved: int, median_hours: int | None) -> str:
    if median_hours is None:
        median_hi, median_en = "—", "—"
    elif median_hours > HOUR_BUCKETS[-1]:
        median_hi, median_en = f"{HOUR_BUCKETS[-1] // 24} दिन से अधिक", f"over {HOUR_BUCKETS[-1] // 24} days"
    elif median_hours >= 48:
        median_hi, median_en = f"{median_hours // 24} दिन तक", f"up to {median_hours // 24} days"
    else:
        median_hi, median_en = f"{median_hours} घंटे तक", f"up to {median_hours} hours"
    return (
        f"उत्तर प्रदेश {NAMES_HI[department]} विभाग, सप्ताह {week}: {received} शिकायतें प्राप्त, {resolved} निस्तारित, "
        f"आधी शिकायतें {median_hi} में निस्तारित।\n"
        f"UP {department} department, week {week}: {received} complaints received on X, {resolved} resolved; "
        f"median resolution time {median_en}."
    )


def weekly_summary(store: Storage, post: Callable[[str], str], tz: timezone,
                   clock: Callable[[], datetime]) -> ReportRun:
    """A public post per department on last week's complaints (no link: a link costs 13 times more)."""
    run, now, claim = ReportRun(), clock(), new_claim()
    year, week = iso_week(now - timedelta(days=7), tz)
    name = f"{year}-W{week:02d}"
    counts = store.stats.read([Scope.of_week((year, week), p) for p in DEPARTMENTS])
    for department in DEPARTMENTS:
        week_counts = counts[Scope.of_week((year, week), department)]
        received = week_counts.get("received", 0)
        if not received:
            continue
        report = Report("summary", name, department)
        if not store.stats.claim_report(report, claim, now):
            run.already_sent += 1
            continue
        histogram = {int(k.split(":", 1)[1]): v for k, v in week_counts.items() if k.startswith("hours:")}
        text = summary_text(department, name, received, week_counts.get("resolved", 0), median_bucket(histogram))
        try:
            post(text)
        except (ReplyFailed, RateLimited):
            store.stats.release_report(report, claim)
            run.failed.append(department)
            continue
        store.stats.report_sent(report, claim, clock())
        run.sent.append(department)
    return run
