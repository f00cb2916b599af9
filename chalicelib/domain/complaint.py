"""Mentions, complaints, their states and the transitions between them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum

from ..errors import IllegalTransition
from .districts import DISTRICTS

STATE_QUEUE_CODE = "HQ"  # reference prefix for complaints no district could be told for


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


@dataclass(frozen=True)
class Mention:
    """A tweet that tags at least one watched handle, as the X API returned it."""

    tweet_id: str
    text: str
    author_id: str
    author_username: str
    created_at: datetime
    conversation_id: str
    mentioned: tuple[str, ...]  # usernames tagged in the tweet
    is_retweet: bool = False

    @property
    def url(self) -> str:
        return f"https://x.com/{self.author_username}/status/{self.tweet_id}"


def reference(district: int | None, year: int, sequence: int) -> str:
    """A reference citizens can read out on the phone: UP-LKO-26-000123."""
    code = DISTRICTS[district].code if district is not None else STATE_QUEUE_CODE
    return f"UP-{code}-{year % 100:02d}-{sequence:06d}"


def sequence_key(district: int | None, year: int) -> str:
    """References are numbered per district and year."""
    code = DISTRICTS[district].code if district is not None else STATE_QUEUE_CODE
    return f"{code}-{year}"


@dataclass
class Complaint:
    ref: str
    tweet_id: str
    text: str
    masked_text: str
    author_id: str
    author_username: str
    tweet_url: str
    conversation_id: str
    tweeted_at: datetime
    created_at: datetime
    district: int | None
    department: str
    urgent: bool
    confidence: float
    handles: tuple[str, ...]
    status: Status = Status.NEW
    alert: str = "pending"  # pending | sent | not_needed
    alert_event: str = "new_complaint"  # what the pending alert announces: new_complaint | transferred | reminder | escalation
    alert_level: str = "L1"  # who it is for on the escalation ladder: L1 district officer, L2 district head, L3 state HQ
    alert_attempts: int = 0
    version: int = 1
    history: list[dict] = field(default_factory=list)
    resolved_at: datetime | None = None
    # Replies to the citizen on X, by kind (acknowledged, resolved): {"status": pending|sent, "post_id", "text"}
    replies: dict[str, dict] = field(default_factory=dict)
    sla: dict = field(default_factory=dict)  # the deadline clock of the current stage (domain.sla.Clock)

    @property
    def district_name(self) -> str | None:
        return DISTRICTS[self.district].name_en if self.district is not None else None

    @property
    def urgency(self) -> str:
        return "high" if self.urgent else "normal"
