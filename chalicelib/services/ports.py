"""The ports the services talk to; adapters implement them over tweepy, DynamoDB and SNS, fakes in tests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Iterator, Protocol

from ..domain.complaint import Complaint, Mention
from ..errors import VersionConflict


class RateLimited(Exception):
    """X said 429: leave this handle's cursor alone until the window resets."""

    def __init__(self, reset_at: datetime | None):
        super().__init__(f"rate limited until {reset_at.isoformat() if reset_at else 'unknown'}")
        self.reset_at = reset_at


class SourceUnavailable(Exception):
    """X failed (5xx, timeout, malformed answer); the next poll tries again."""


class AlertFailed(Exception):
    """The alert could not be published; the complaint keeps its alert pending."""


class ReplyFailed(Exception):
    """X did not take the reply; it stays pending for the next poll."""


class DuplicateReply(Exception):
    """X refused the reply as a duplicate: an earlier attempt was posted but not recorded."""


@dataclass(frozen=True)
class ListQuery:
    """Filters for listing complaints; `districts`/`departments` also carry an officer's scope."""

    district: str | None = None  # an LGD code as text, or "unknown" for the state triage queue
    department: str | None = None
    status: str | None = None
    urgent: bool | None = None
    limit: int = 25
    cursor: str | None = None
    scope_districts: frozenset[str] = frozenset()
    scope_departments: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Page:
    mentions: list[Mention]  # newest first, as X returns them
    newest_id: str | None
    rejected: int = 0  # tweets in the page too malformed to record


@dataclass(frozen=True)
class HandleState:
    user_id: str | None = None
    since_id: str | None = None
    last_poll_at: str | None = None
    last_outcome: str | None = None
    last_success_at: str | None = None
    lag_seconds: float | None = None


class MentionSource(Protocol):
    def resolve_user_id(self, handle: str) -> str | None: ...

    def pages(self, user_id: str, since_id: str | None) -> Iterator[Page]: ...


class ComplaintStore(Protocol):
    def handle_state(self, handle: str) -> HandleState: ...

    def remember_user_id(self, handle: str, user_id: str) -> None: ...

    def is_recorded(self, tweet_id: str) -> bool: ...

    def next_reference(self, district: int | None, year: int) -> str: ...

    def record_new(self, complaint: Complaint, deltas: dict[str, dict[str, int]]) -> bool: ...

    def advance_cursor(self, handle: str, since_id: str | None, at: datetime, lag_seconds: float) -> None: ...

    def record_poll_failure(self, handle: str, at: datetime, outcome: str, detail: str) -> None: ...

    def pending_alerts(self) -> list[Complaint]: ...

    def claim_alert(self, ref: str, claimer: str, at: datetime) -> bool: ...

    def alert_sent(self, ref: str, claimer: str, message_id: str, at: datetime) -> None: ...

    def alert_failed(self, ref: str, claimer: str, error: str, at: datetime) -> None: ...

    def counters(self) -> dict[str, int]: ...

    def handle_states(self, handles: list[str]) -> dict[str, HandleState]: ...

    def oldest_open_since(self) -> datetime | None: ...

    def get(self, ref: str) -> Complaint | None: ...

    def save_change(self, before: Complaint, after: Complaint, deltas: dict[str, dict[str, int]]) -> None: ...

    def due_for_check(self, now: datetime) -> list[Complaint]: ...

    def counters_of(self, item: str) -> dict[str, int]: ...

    def claim_report(self, key: str, at: datetime) -> bool: ...

    def release_report(self, key: str) -> None: ...

    def oldest_open_in(self, district: int | None) -> datetime | None: ...

    def list_complaints(self, query: ListQuery) -> tuple[list[Complaint], str | None]: ...

    def pending_replies(self) -> list[Complaint]: ...

    def reply_sent(self, ref: str, kind: str, text: str, post_id: str | None, at: datetime) -> None: ...

    def reply_failed(self, ref: str, kind: str, error: str, at: datetime) -> None: ...

    def complaint_for_conversation(self, conversation_id: str, author_id: str) -> str | None: ...

    def attach(self, ref: str, tweet_id: str, entry: dict) -> bool: ...


class Alerts(Protocol):
    def notify(self, complaint: Complaint) -> str: ...


class Replies(Protocol):
    def post_reply(self, in_reply_to: str, text: str) -> str: ...

    def post(self, text: str) -> str: ...
