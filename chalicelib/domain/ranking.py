"""The state at a glance: districts and departments ranked from their running counters.

Every figure here comes from a scope's counters (and, for a district, its oldest open complaint), so
ranking 75 districts costs the same at a thousand complaints as at a lakh. The dashboard, /status and
the weekly state report all rank with these functions: the numbers agree everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from .departments import DEPARTMENTS, NAMES_HI
from .districts import DISTRICTS
from .tally import histogram, median_bucket

# Sortable columns: (the row's value, worst first?). Worst first is the natural order of a ranking:
# most overdue, oldest, least often in time.
COLUMNS = ("name", "open", "overdue", "overdue_share", "oldest_open", "acknowledged_in_time",
           "resolved_in_time", "median_resolve_hours")
DEFAULT_SORT = "overdue"


@dataclass(frozen=True)
class Row:
    key: str  # a district's LGD code or a department's code: what its complaints are listed by
    name_en: str
    name_hi: str
    open: int
    overdue: int  # open complaints past a deadline
    oldest_open: datetime | None  # None: not known for this kind of row (departments) or nothing open
    acknowledged_in_time: float | None  # percent of acknowledgements within the deadline; None: none yet
    resolved_in_time: float | None
    median_resolve_hours: int | None  # the upper bound of the median's bucket (hours from receipt)
    resolved: int

    @property
    def overdue_share(self) -> float:
        return self.overdue / self.open if self.open else 0.0

    def as_dict(self) -> dict:
        shown = {k: v for k, v in vars(self).items()}
        shown["oldest_open"] = self.oldest_open.isoformat() if self.oldest_open else None
        shown["overdue_share"] = round(self.overdue_share, 3)
        return shown


def _percent(counts: dict[str, int], stage: str) -> float | None:
    n = counts.get(f"{stage}:n", 0)
    return round(100 * counts.get(f"{stage}:in_time", 0) / n, 1) if n else None


def row(key: str, name_en: str, name_hi: str, counts: dict[str, int], oldest: datetime | None = None) -> Row:
    return Row(key, name_en, name_hi, counts.get("open", 0), counts.get("breached_open", 0), oldest,
               _percent(counts, "acknowledge"), _percent(counts, "resolve"),
               median_bucket(histogram(counts, "resolved_hours:")), counts.get("resolve:n", 0))


def district_rows(counts: dict[int, dict[str, int]], oldest: dict[int, datetime | None]) -> list[Row]:
    """All 75 districts, those with nothing counted too (a district with no complaints is news as well)."""
    return [row(str(lgd), d.name_en, d.name_hi, counts.get(lgd, {}), oldest.get(lgd)) for lgd, d in DISTRICTS.items()]


def department_rows(counts: dict[str, dict[str, int]]) -> list[Row]:
    return [row(p, p.capitalize(), NAMES_HI[p], counts.get(p, {})) for p in DEPARTMENTS]


def _sort_value(r: Row, column: str):
    """A key that puts the worst first; rows without a figure go last."""
    if column == "name":
        return (0, r.name_en)
    value = getattr(r, column)
    if value is None:
        return (1, 0)
    if column == "oldest_open":
        return (0, value.timestamp())
    if column in ("acknowledged_in_time", "resolved_in_time"):
        return (0, value)  # the lowest share in time is the worst
    return (0, -value)


def ranked(rows: list[Row], column: str = DEFAULT_SORT) -> list[Row]:
    """Worst first by `column`; ties broken by overdue, then open complaints, then name."""
    if column not in COLUMNS:
        raise ValueError(f"sort by one of {', '.join(COLUMNS)}")
    return sorted(rows, key=lambda r: (_sort_value(r, column), -r.overdue, -r.open, r.name_en))


@dataclass(frozen=True)
class Day:
    day: date
    received: int
    resolved: int


def last_days(today: date, n: int = 30) -> list[date]:
    """The `n` IST days ending today, oldest first."""
    return [today - timedelta(days=i) for i in range(n - 1, -1, -1)]


def days(weeks: list[dict[str, int]], today: date, n: int = 30) -> list[Day]:
    """Received and resolved per IST day, from the weeks' counters (any department's) covering the days."""
    totals: dict[str, int] = {}
    for counts in weeks:
        for name, value in counts.items():
            if name.startswith(("received:", "resolved:")):
                totals[name] = totals.get(name, 0) + value
    return [Day(d, totals.get(f"received:{d.isoformat()}", 0), totals.get(f"resolved:{d.isoformat()}", 0))
            for d in last_days(today, n)]
