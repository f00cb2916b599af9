"""Deadlines: how long each stage may take, the working-hours clock, reminders and the escalation ladder.

A complaint's clock has two stages: `acknowledge` (new, transferred, reopened) and `resolve`
(acknowledged, in progress); both are timed from the moment the current owner received it, and a
transfer restarts them. Each check answers: nothing yet, remind the current level, or escalate.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path

from .status import Status

DATA = Path(__file__).resolve().parent.parent / "data"
LEVELS = ("L1", "L2", "L3")
DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
ACKNOWLEDGE_STAGE = frozenset({Status.NEW, Status.TRANSFERRED, Status.REOPENED})
RESOLVE_STAGE = frozenset({Status.ACKNOWLEDGED, Status.IN_PROGRESS})
_DURATION = re.compile(r"^(\d+)([mhd])$")


class PolicyError(ValueError):
    pass


@dataclass(frozen=True)
class Calendar:
    """Working time in IST: the clock of non-urgent deadlines when the policy turns it on."""

    tz: timezone
    start: time
    end: time
    days: frozenset[int]
    holidays: frozenset[date]

    @property
    def day_minutes(self) -> int:
        return (self.end.hour * 60 + self.end.minute) - (self.start.hour * 60 + self.start.minute)

    def _working(self, day: date) -> bool:
        return day.weekday() in self.days and day not in self.holidays

    def add(self, start: datetime, minutes: float) -> datetime:
        """The moment `minutes` of working time after `start`."""
        local = start.astimezone(self.tz)
        remaining = timedelta(minutes=minutes)
        day = local.date()
        for _ in range(3660):  # ten years of days: any deadline ends long before
            if self._working(day):
                open_, close = (datetime.combine(day, t, self.tz) for t in (self.start, self.end))
                begin = max(open_, local)
                if begin < close:
                    if begin + remaining <= close:
                        return (begin + remaining).astimezone(timezone.utc)
                    remaining -= close - begin
            day += timedelta(days=1)
            local = datetime.combine(day, time(0), self.tz)
        raise PolicyError("the working calendar has no working days")


@dataclass(frozen=True)
class Deadlines:
    acknowledge_minutes: int
    resolve_minutes: int
    working_hours: bool  # counted on the working calendar, or on the wall clock


@dataclass(frozen=True)
class SlaPolicy:
    tz: timezone
    reminder_at: float
    urgent_realert_minutes: int
    calendar: Calendar | None
    deadlines: dict  # (department or "*", "urgent"|"normal") -> Deadlines

    def for_complaint(self, department: str, urgent: bool) -> Deadlines:
        urgency = "urgent" if urgent else "normal"
        return self.deadlines.get((department, urgency)) or self.deadlines[("*", urgency)]

    def after(self, start: datetime, minutes: float, department: str, urgent: bool) -> datetime:
        if self.for_complaint(department, urgent).working_hours:
            return self.calendar.add(start, minutes)
        return start + timedelta(minutes=minutes)


def _minutes(text: str, day_minutes: int) -> int:
    match = _DURATION.match(str(text))
    if not match:
        raise PolicyError(f"durations look like 15m, 4h or 7d, not {text!r}")
    n, unit = int(match[1]), match[2]
    return n * {"m": 1, "h": 60, "d": day_minutes}[unit]


def parse_policy(raw: dict, holidays: list[str]) -> SlaPolicy:
    tz = timezone(timedelta(minutes=raw.get("timezone_offset_minutes", 330)))
    hours = raw.get("working_hours", {})
    calendar = None
    if hours.get("enabled"):
        try:
            calendar = Calendar(
                tz=tz,
                start=time.fromisoformat(hours["start"]),
                end=time.fromisoformat(hours["end"]),
                days=frozenset(DAY_NAMES.index(d) for d in hours["days"]),
                holidays=frozenset(date.fromisoformat(d) for d in holidays),
            )
        except (KeyError, ValueError) as e:
            raise PolicyError(f"working_hours: {e}") from e
        if calendar.day_minutes <= 0 or not calendar.days:
            raise PolicyError("working_hours must end after they start, on at least one day")
    reminder_at = float(raw.get("reminder_at", 0.8))
    if not 0 < reminder_at < 1:
        raise PolicyError("reminder_at is a fraction between 0 and 1")
    deadlines = {}
    for department, settings in [("*", raw["default"]), *raw.get("departments", {}).items()]:
        for urgency in ("urgent", "normal"):
            merged = raw["default"][urgency] | settings.get(urgency, {})
            # Urgent deadlines, and departments that never close (police), run on the wall clock.
            working = bool(calendar) and urgency == "normal" and settings.get("working_hours", True)
            day = calendar.day_minutes if working else 1440
            deadlines[(department, urgency)] = Deadlines(
                _minutes(merged["acknowledge"], day), _minutes(merged["resolve"], day), working
            )
    return SlaPolicy(tz, reminder_at, _minutes(raw.get("urgent_realert", "10m"), 1440), calendar, deadlines)


def load_sla_policy(path: Path | str = DATA / "sla_policy.json") -> SlaPolicy:
    raw = json.loads(Path(path).read_text(encoding="utf-8"))
    holidays_file = raw.get("working_hours", {}).get("holidays_file")
    holidays = json.loads((Path(path).parent / holidays_file).read_text())["holidays"] if holidays_file else []
    return parse_policy(raw, holidays)


# --- the clock on a complaint ---------------------------------------------------------------

@dataclass(frozen=True)
class Clock:
    """The running clock of a complaint's current stage (stage None: nothing is timed)."""

    stage: str | None = None  # acknowledge | resolve
    started_at: datetime | None = None  # when the current owner received the complaint
    due_at: datetime | None = None  # this stage's deadline
    resolve_due_at: datetime | None = None
    remind_at: datetime | None = None
    level: str = "L1"
    reminded: bool = False
    breached: bool = False
    next_check_at: datetime | None = None
    late: bool = False  # received after the citizen's post had outlived its acknowledgement window

    def as_dict(self) -> dict:
        return {k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in vars(self).items()}

    @classmethod
    def from_dict(cls, raw: dict | None) -> "Clock":
        if not raw:
            return cls()
        dates = {"started_at", "due_at", "resolve_due_at", "remind_at", "next_check_at"}
        return cls(**{k: (datetime.fromisoformat(v) if k in dates and v else v) for k, v in raw.items()})

    def replace(self, **changes) -> "Clock":
        return Clock(**(vars(self) | changes))


def stage_of(status: Status) -> str | None:
    if status in ACKNOWLEDGE_STAGE:
        return "acknowledge"
    if status in RESOLVE_STAGE:
        return "resolve"
    return None


def _stage_minutes(policy: SlaPolicy, stage: str, department: str, urgent: bool) -> int:
    deadlines = policy.for_complaint(department, urgent)
    return deadlines.acknowledge_minutes if stage == "acknowledge" else deadlines.resolve_minutes


def receive(policy: SlaPolicy, received_at: datetime, department: str, urgent: bool,
            posted_at: datetime | None = None) -> Clock:
    """A new owner has the complaint: both deadlines run from now, starting with acknowledgement.

    `posted_at`: when the citizen posted. A post older than its acknowledgement window (read late: an outage,
    a backfill) is marked late, its acknowledgement deadline the one the citizen's post set (passed): no fresh
    short deadline, no reminder. Its owner gets one window from now before it is escalated."""
    ack = _stage_minutes(policy, "acknowledge", department, urgent)
    resolve = _stage_minutes(policy, "resolve", department, urgent)
    if posted_at is not None and (posted_due := policy.after(posted_at, ack, department, urgent)) <= received_at:
        return Clock(stage="acknowledge", started_at=received_at, due_at=posted_due,
                     resolve_due_at=policy.after(received_at, resolve, department, urgent), reminded=True,
                     next_check_at=policy.after(received_at, ack, department, urgent), late=True)
    remind = policy.after(received_at, ack * policy.reminder_at, department, urgent)
    return Clock(
        stage="acknowledge",
        started_at=received_at,
        due_at=policy.after(received_at, ack, department, urgent),
        resolve_due_at=policy.after(received_at, resolve, department, urgent),
        remind_at=remind,
        next_check_at=remind,
    )


def after_transition(policy: SlaPolicy, clock: Clock, status: Status, now: datetime, department: str,
                     urgent: bool, restarted: bool) -> Clock:
    """The clock once a complaint has moved to `status` (restarted: transferred or reopened)."""
    stage = stage_of(status)
    if stage is None:
        return Clock(level=clock.level)
    if restarted:
        return receive(policy, now, department, urgent)
    if stage == clock.stage:
        return clock
    # Acknowledged: the resolution clock, which has run since receipt, is now the one watched.
    minutes = _stage_minutes(policy, "resolve", department, urgent)
    remind = policy.after(clock.started_at, minutes * policy.reminder_at, department, urgent)
    return Clock("resolve", clock.started_at, clock.resolve_due_at, clock.resolve_due_at, remind,
                 next_check_at=remind)


@dataclass(frozen=True)
class Check:
    """What a sweep does now: `event` is reminder or escalation (None: nothing), for `clock.level`."""

    clock: Clock
    event: str | None


def check(policy: SlaPolicy, clock: Clock, now: datetime, department: str, urgent: bool) -> Check:
    if clock.stage is None or clock.next_check_at is None or now < clock.next_check_at:
        return Check(clock, None)
    if not clock.breached and not clock.reminded and now < clock.due_at:
        return Check(clock.replace(reminded=True, next_check_at=clock.due_at), "reminder")
    climbing = urgent and clock.stage == "acknowledge"
    level = LEVELS[min(LEVELS.index(clock.level) + 1, len(LEVELS) - 1)]
    if level == clock.level and not climbing:
        return Check(clock.replace(breached=True, next_check_at=None), None)
    # An unacknowledged urgent complaint climbs (and at the top, re-alerts) every few minutes;
    # otherwise the next level gets the stage's time again before it is escalated further.
    if climbing:
        next_check = now + timedelta(minutes=policy.urgent_realert_minutes)
    else:
        next_check = policy.after(now, _stage_minutes(policy, clock.stage, department, urgent), department, urgent)
    return Check(clock.replace(level=level, breached=True, reminded=True, next_check_at=next_check), "escalation")
