"""A complaint's statuses and where each may go next."""

from __future__ import annotations

from enum import Enum

from ..errors import IllegalTransition


class Status(str, Enum):
    NEW = "new"
    NOT_ACTIONABLE = "not_actionable"
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

# Where each status may go next. A transferred or reopened complaint waits like a new one; a
# mention triage judged not actionable is rescued by transferring it to the right owner.
TRANSITIONS: dict[Status, frozenset[Status]] = {
    Status.NEW: frozenset({Status.ACKNOWLEDGED, Status.IN_PROGRESS, Status.RESOLVED, Status.REJECTED, Status.TRANSFERRED}),
    Status.NOT_ACTIONABLE: frozenset({Status.TRANSFERRED, Status.CLOSED}),
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
