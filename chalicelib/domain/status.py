"""A complaint's statuses and where each may go next."""

from __future__ import annotations

from enum import Enum

from ..errors import IllegalTransition


class Status(str, Enum):
    NEW = "new"
    NOT_ACTIONABLE = "not_actionable"
    NEEDS_REVIEW = "needs_review"  # triage could not decide: the state review queue, no officer alerted
    OUTSIDE_JURISDICTION = "outside_jurisdiction"  # a central body's business: the citizen is told where to go
    ACKNOWLEDGED = "acknowledged"
    IN_PROGRESS = "in_progress"
    RESOLVED = "resolved"
    CLOSED = "closed"
    REJECTED = "rejected"
    TRANSFERRED = "transferred"
    REOPENED = "reopened"

    @property
    def is_open(self) -> bool:
        return self in OPEN


OPEN = frozenset({Status.NEW, Status.ACKNOWLEDGED, Status.IN_PROGRESS, Status.TRANSFERRED, Status.REOPENED})
# Recorded, but never with an officer: what triage (or a reviewer) kept from the officers' phones.
UNROUTED = frozenset({Status.NOT_ACTIONABLE, Status.NEEDS_REVIEW, Status.OUTSIDE_JURISDICTION})
# Triage's outcomes, as the status a mention is recorded with.
OUTCOMES: dict[str, Status] = {
    "complaint": Status.NEW,
    "needs_review": Status.NEEDS_REVIEW,
    "not_actionable": Status.NOT_ACTIONABLE,
    "outside_jurisdiction": Status.OUTSIDE_JURISDICTION,
}

# Where each status may go next. A transferred or reopened complaint waits like a new one; a
# mention triage judged not actionable or outside the state's reach is rescued by transferring it to
# the right owner; one waiting for review becomes a complaint (routed like a transfer) or neither.
TRANSITIONS: dict[Status, frozenset[Status]] = {
    Status.NEW: frozenset({Status.ACKNOWLEDGED, Status.IN_PROGRESS, Status.RESOLVED, Status.REJECTED, Status.TRANSFERRED}),
    Status.NOT_ACTIONABLE: frozenset({Status.TRANSFERRED, Status.CLOSED}),
    Status.NEEDS_REVIEW: frozenset({Status.TRANSFERRED, Status.NOT_ACTIONABLE, Status.OUTSIDE_JURISDICTION}),
    Status.OUTSIDE_JURISDICTION: frozenset({Status.TRANSFERRED, Status.CLOSED}),
    Status.ACKNOWLEDGED: frozenset({Status.IN_PROGRESS, Status.RESOLVED, Status.REJECTED, Status.TRANSFERRED}),
    Status.IN_PROGRESS: frozenset({Status.RESOLVED, Status.REJECTED, Status.TRANSFERRED}),
    Status.RESOLVED: frozenset({Status.CLOSED, Status.REOPENED}),
    Status.TRANSFERRED: frozenset({Status.ACKNOWLEDGED, Status.IN_PROGRESS, Status.RESOLVED, Status.REJECTED, Status.TRANSFERRED}),
    Status.REOPENED: frozenset({Status.ACKNOWLEDGED, Status.IN_PROGRESS, Status.RESOLVED, Status.REJECTED, Status.TRANSFERRED}),
    Status.CLOSED: frozenset(),
    Status.REJECTED: frozenset(),
}


def check_transition(current: Status, wanted: Status) -> None:
    if wanted not in TRANSITIONS[current]:
        raise IllegalTransition(current, wanted)
