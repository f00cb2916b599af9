"""Scheduled reports: the daily digest per district (SNS) and the weekly public summary per department (X).

Both read counters only; each district's digest and each department's summary is claimed
before it goes out, so a retried or doubled schedule sends it once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Callable

from ..domain.departments import DEPARTMENTS, NAMES_HI
from ..domain.districts import DISTRICTS
from ..domain.tally import HOUR_BUCKETS, day_key, district_key, week_key
from .ports import AlertFailed, ComplaintStore, ReplyFailed


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


def daily_digest(store: ComplaintStore, publish: Callable[[int | None, str, str], str], tz: timezone,
                 clock: Callable[[], datetime]) -> ReportRun:
    """One digest per district with open complaints or resolutions yesterday, for the district heads."""
    run = ReportRun()
    now = clock()
    yesterday = now.astimezone(tz).date() - timedelta(days=1)
    totals = store.counters()
    resolved = store.counters_of(day_key(now - timedelta(days=1), tz))
    for district in [*DISTRICTS, None]:
        key = district_key(district)
        open_, breached = totals.get(f"open#d#{key}", 0), totals.get(f"breach#open#d#{key}", 0)
        done = resolved.get(f"resolved#d#{key}", 0)
        if not (open_ or done):
            continue
        if not store.claim_report(f"DIGEST#{yesterday.isoformat()}#{key}", now):
            run.already_sent += 1
            continue
        subject, body = digest_text(district, open_, breached, done, store.oldest_open_in(district), now,
                                    (yesterday + timedelta(days=1)).isoformat())
        try:
            publish(district, subject, body)
            run.sent.append(key)
        except AlertFailed:
            store.release_report(f"DIGEST#{yesterday.isoformat()}#{key}")
            run.failed.append(key)
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


def weekly_summary(store: ComplaintStore, post: Callable[[str], str], tz: timezone,
                   clock: Callable[[], datetime]) -> ReportRun:
    """A public post per department on last week's complaints (no link: a link costs 13 times more)."""
    run = ReportRun()
    now = clock()
    week_item = week_key(now - timedelta(days=7), tz)
    week = week_item.removeprefix("WEEK#")
    counts = store.counters_of(week_item)
    for department in DEPARTMENTS:
        received = counts.get(f"received#p#{department}", 0)
        if not received:
            continue
        if not store.claim_report(f"SUMMARY#{week}#{department}", now):
            run.already_sent += 1
            continue
        prefix = f"hours#p#{department}#"
        histogram = {int(k[len(prefix):]): v for k, v in counts.items() if k.startswith(prefix)}
        text = summary_text(department, week, received, counts.get(f"resolved#p#{department}", 0), median_bucket(histogram))
        try:
            post(text)
            run.sent.append(department)
        except ReplyFailed:
            store.release_report(f"SUMMARY#{week}#{department}")
            run.failed.append(department)
    return run
