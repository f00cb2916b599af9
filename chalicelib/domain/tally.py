"""The counters a change moves, so every report reads O(1) items and nothing is ever scanned.

`tally(before, after, now, tz)` returns deltas per counter item: "STATS" (running totals),
"DAY#<IST date>" (for daily digests) and "WEEK#<ISO week>" (for weekly summaries).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timezone

from .complaint import Complaint, Status
from .sla import Clock

# Resolution times go into buckets of these many hours, so a week's median needs no list of values.
HOUR_BUCKETS = (1, 2, 4, 8, 12, 24, 48, 72, 96, 120, 168, 240, 336, 504, 720)


def district_key(district: int | None) -> str:
    return str(district) if district is not None else "unknown"


def bucket(hours: float) -> int:
    return next((b for b in HOUR_BUCKETS if hours <= b), 10**6)


def day_key(at: datetime, tz: timezone) -> str:
    return "DAY#" + at.astimezone(tz).date().isoformat()


def week_key(at: datetime, tz: timezone) -> str:
    year, week, _ = at.astimezone(tz).isocalendar()
    return f"WEEK#{year}-W{week:02d}"


def tally(before: Complaint | None, after: Complaint, now: datetime, tz: timezone) -> dict[str, dict[str, int]]:
    deltas: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    stats = deltas["STATS"]

    def count(c: Complaint, sign: int) -> None:
        d, p = district_key(c.district), c.department
        stats[f"status#{c.status.value}"] += sign
        stats[f"district#{d}"] += sign
        stats[f"department#{p}"] += sign
        if c.status.is_open:
            stats[f"open#d#{d}"] += sign
        if c.status.is_open and Clock.from_dict(c.sla).breached:
            for key in ("breach#open", f"breach#open#d#{d}", f"breach#open#p#{p}"):
                stats[key] += sign

    if before is None:
        stats["total"] += 1
        stats["urgent"] += int(after.urgent)
        if after.status != Status.NOT_ACTIONABLE:
            deltas[week_key(now, tz)][f"received#p#{after.department}"] += 1
    else:
        count(before, -1)
        _measure(before, after, now, tz, stats, deltas)
        if before.status == Status.NOT_ACTIONABLE and after.status != Status.CLOSED:
            # Rescued from the triage queue: a complaint received now, for the weekly figures.
            deltas[week_key(now, tz)][f"received#p#{after.department}"] += 1
    count(after, +1)
    if before is not None and Clock.from_dict(after.sla).breached and not Clock.from_dict(before.sla).breached:
        stats["breach#total"] += 1
    return {item: {k: v for k, v in counters.items() if v} for item, counters in deltas.items() if any(counters.values())}


def _measure(before: Complaint, after: Complaint, now: datetime, tz: timezone, stats, deltas) -> None:
    """Time to acknowledge and to resolve, and whether each stage met its deadline."""
    clock = Clock.from_dict(before.sla)
    d, p = district_key(before.district), before.department
    ended = []
    # A transfer does not end a stage for the measures: the new owner's clock starts afresh.
    if clock.stage == "acknowledge" and after.status not in (Status.TRANSFERRED, Status.NEW, Status.REOPENED):
        ended.append(("acknowledge", now <= clock.due_at and not clock.breached))
    if clock.stage is not None and after.status == Status.RESOLVED:
        late = clock.breached if clock.stage == "resolve" else False
        ended.append(("resolve", now <= clock.resolve_due_at and not late))
    seconds = int((now - clock.started_at).total_seconds()) if clock.started_at else 0
    for stage, in_time in ended:
        for scope in ("", f"#d#{d}", f"#p#{p}"):
            stats[f"sla#{stage}#n{scope}"] += 1
            stats[f"sla#{stage}#seconds{scope}"] += seconds
            stats[f"sla#{stage}#in_time{scope}"] += int(in_time)
    if after.status == Status.RESOLVED:
        deltas[day_key(now, tz)][f"resolved#d#{d}"] += 1
        week = deltas[week_key(now, tz)]
        week[f"resolved#p#{p}"] += 1
        week[f"hours#p#{p}#{bucket((now - before.created_at).total_seconds() / 3600)}"] += 1
