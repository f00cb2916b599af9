"""The counters a change to a complaint moves, so every report reads a few small items and never scans.

A change counts into scopes: the whole state, the complaint's district, its department, the IST
day (per district, for daily digests) and the ISO week (per department, for weekly summaries; its
days' received and resolved too, for the dashboard's 30 days, in the item the change writes anyway).
How a scope is stored is the statistics adapter's business; here it is a value.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timezone

from .status import UNROUTED, Status

# Resolution times go into buckets of these many hours, so a week's median needs no list of values.
HOUR_BUCKETS = (1, 2, 4, 8, 12, 24, 48, 72, 96, 120, 168, 240, 336, 504, 720)
OVER_LAST_BUCKET = 10**6


@dataclass(frozen=True)
class Scope:
    kind: str  # state | district | department | day | week
    district: int | None = None  # district and day scopes; None is the state triage queue
    department: str | None = None  # department and week scopes
    day: date | None = None  # the IST day
    week: tuple[int, int] | None = None  # ISO (year, week) in IST

    @classmethod
    def of_district(cls, district: int | None) -> "Scope":
        return cls("district", district=district)

    @classmethod
    def of_department(cls, department: str) -> "Scope":
        return cls("department", department=department)

    @classmethod
    def of_day(cls, day: date, district: int | None) -> "Scope":
        return cls("day", district=district, day=day)

    @classmethod
    def of_week(cls, week: tuple[int, int], department: str) -> "Scope":
        return cls("week", department=department, week=week)


STATE = Scope("state")
Counts = dict[Scope, dict[str, int]]


def ist_day(at: datetime, tz: timezone) -> date:
    return at.astimezone(tz).date()


def iso_week(at: datetime, tz: timezone) -> tuple[int, int]:
    year, week, _ = at.astimezone(tz).isocalendar()
    return year, week


def bucket(hours: float) -> int:
    return next((b for b in HOUR_BUCKETS if hours <= b), OVER_LAST_BUCKET)


def median_bucket(histogram: dict[int, int]) -> int | None:
    """The upper bound (hours) of the bucket holding the median resolution time."""
    total = sum(histogram.values())
    seen = 0
    for hours in sorted(histogram):
        seen += histogram[hours]
        if seen * 2 >= total:
            return hours
    return None


def histogram(counts: dict[str, int], prefix: str) -> dict[int, int]:
    """The buckets counted under `prefix` ("hours:", "resolved_hours:") as {upper bound in hours: count}."""
    return {int(k[len(prefix):]): v for k, v in counts.items() if k.startswith(prefix) and v}


def one(name: str) -> Counts:
    """A single state-wide event: an alert or a reply sent or failed."""
    return {STATE: {name: 1}}


def tally(before, after, now: datetime, tz: timezone) -> Counts:
    """What moving from `before` (None: a new complaint) to `after` does to the counters."""
    deltas: Counts = defaultdict(lambda: defaultdict(int))

    def count(c, sign: int) -> None:
        for scope in (STATE, Scope.of_district(c.district), Scope.of_department(c.department)):
            counts = deltas[scope]
            counts["complaints"] += sign
            counts[f"status:{c.status.value}"] += sign
            if c.status.is_open:
                counts["open"] += sign
                if c.clock.breached:
                    counts["breached_open"] += sign

    if before is None:
        deltas[STATE]["urgent"] += int(after.urgent)
    else:
        count(before, -1)
        _measure(before, after, now, tz, deltas)
        deltas[STATE]["urgent"] += int(after.urgent) - int(before.urgent)  # an officer changed it
        if before.status == Status.NEEDS_REVIEW and after.status != Status.NEEDS_REVIEW:
            deltas[STATE]["reviewed"] += 1
    # Reaching an officer (new, or rescued or reviewed out of the unrouted records) is being received,
    # for the weekly figures and the dashboard's days (in the week's item, written anyway).
    if (before is None or before.status in UNROUTED) and after.status not in UNROUTED | {Status.CLOSED}:
        week = deltas[Scope.of_week(iso_week(now, tz), after.department)]
        week["received"] += 1
        week[f"received:{ist_day(now, tz).isoformat()}"] += 1
    count(after, +1)
    if before is not None and after.clock.breached and not before.clock.breached:
        deltas[STATE]["breaches"] += 1
    return {scope: {k: v for k, v in counts.items() if v} for scope, counts in deltas.items() if any(counts.values())}


def _measure(before, after, now: datetime, tz: timezone, deltas: Counts) -> None:
    """Time to acknowledge and to resolve, and whether each stage met its deadline."""
    clock = before.clock
    ended = []
    # A transfer does not end a stage for the measures: the new owner's clock starts afresh.
    if clock.stage == "acknowledge" and after.status not in (Status.TRANSFERRED, Status.NEW, Status.REOPENED):
        ended.append(("acknowledge", now <= clock.due_at and not clock.breached))
    if clock.stage is not None and after.status == Status.RESOLVED:
        late = clock.breached if clock.stage == "resolve" else False
        ended.append(("resolve", now <= clock.resolve_due_at and not late))
    seconds = int((now - clock.started_at).total_seconds()) if clock.started_at else 0
    for stage, in_time in ended:
        for scope in (STATE, Scope.of_district(before.district), Scope.of_department(before.department)):
            deltas[scope][f"{stage}:n"] += 1
            deltas[scope][f"{stage}:seconds"] += seconds
            deltas[scope][f"{stage}:in_time"] += int(in_time)
    if after.status == Status.RESOLVED:
        hours = bucket((now - before.created_at).total_seconds() / 3600)
        deltas[Scope.of_day(ist_day(now, tz), before.district)]["resolved"] += 1
        week = deltas[Scope.of_week(iso_week(now, tz), before.department)]
        week["resolved"] += 1
        week[f"resolved:{ist_day(now, tz).isoformat()}"] += 1
        week[f"hours:{hours}"] += 1
        # The dashboard's median time to resolve, per district and department: a histogram, not a list.
        for scope in (STATE, Scope.of_district(before.district), Scope.of_department(before.department)):
            deltas[scope][f"resolved_hours:{hours}"] += 1
