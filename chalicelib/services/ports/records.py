"""The plain values that cross the ports: queries, pages, handle and cursor states, grants, X's windows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from ...domain.complaint import Complaint
from ...domain.values import Mention
ALL_DISTRICTS = "all"
TIMELINES = "timelines"  # the ingestion path that reads each handle's mentions timeline
SEARCH = "search"  # the ingestion path that searches recent posts for groups of handles
STREAM = "stream"  # the ingestion path of the filtered stream
REPORT_CLAIM_EXPIRES = timedelta(minutes=15)  # a report's sender that held it this long has crashed
X_FAMILIES = ("users", "mentions", "search", "stream_connect", "post", "oauth")  # endpoint families X limits apart


@dataclass(frozen=True)
class ListQuery:
    """Filters for listing complaints; the scope sets carry an officer's districts/departments."""

    district: int | None = None
    unknown_district: bool = False  # the state triage queue
    department: str | None = None
    status: str | None = None
    urgent: bool | None = None
    limit: int = 25
    cursor: str | None = None
    before: datetime | None = None  # only complaints created before this time (an export's date range)
    scope_districts: frozenset[int] = frozenset()
    scope_departments: frozenset[str] = frozenset()

    def matches(self, c: Complaint) -> bool:
        return (
            (self.district is None or c.district == self.district)
            and (not self.unknown_district or c.district is None)
            and (self.department is None or c.department == self.department)
            and (self.status is None or c.status.value == self.status)
            and (self.urgent is None or c.urgent == self.urgent)
            and (not self.scope_districts or c.district in self.scope_districts)
            and (not self.scope_departments or c.department in self.scope_departments)
        )


@dataclass(frozen=True)
class Page:
    mentions: list[Mention]  # newest first, as X returns them
    newest_id: str | None
    rejected: int = 0  # tweets in the page too malformed to record
    username: str | None = None  # the watched account's username now, when the page names it (a rename shows)
    partial_errors: int = 0  # X's errors about other resources in the page (an author it could not show)


@dataclass(frozen=True)
class HandleState:
    """What the desk remembers of a watched handle between polls."""

    user_id: str | None = None
    since_id: str | None = None
    outcome: str | None = None  # ok | rate_limited | error | unknown_handle | unavailable
    detail: str | None = None
    changed_at: str | None = None  # when the cursor or the outcome last changed
    checked_at: str | None = None  # an unavailable handle: when X was last asked whether it is back
    newest_mention_at: str | None = None
    gap: str | None = None  # mentions the desk could not read (past the timeline's 800, past search's 7 days)


@dataclass(frozen=True)
class SearchCursor:
    """Where a query group's search has read to: every post up to `since_id` and created before `read_to`."""

    handles: tuple[str, ...]  # the group's handle keys
    since_id: str | None = None  # the newest post read (None: none found yet)
    newest_at: str | None = None  # when that post was created (X refuses a since_id older than search reaches)
    read_to: str | None = None  # ISO: the end_time of the last complete search


@dataclass(frozen=True)
class Report:
    """One scheduled message: the digest of a district for a day, or a department's summary for a week."""

    kind: str  # digest | summary
    period: str  # an ISO day or week
    target: str  # the district's LGD code ("unknown": the state queue) or the department


@dataclass(frozen=True)
class GrantState:
    """A handle's authorisation as /status and the reply sender see it (one directory read for all)."""

    user_id: str
    state: str  # authorised | needs_authorisation
    changed_at: str  # ISO time
    detail: str | None = None


@dataclass(frozen=True)
class Grant:
    """The desk's hold on one handle's X account: its tokens sealed by the Cipher, and the refresh lease."""

    handle: str  # the handle's key (lowercase)
    user_id: str
    sealed: bytes  # {"access_token", "refresh_token"} encrypted
    expires_at: datetime  # when the access token expires
    version: int = 1  # raised by every refresh: the refresh token in `sealed` is the current one
    lease: str | None = None  # a refresher holding the chain
    lease_until: datetime | None = None
    needs_authorisation: str | None = None  # why X refused it (ops are told when this is first set)


@dataclass(frozen=True)
class Tokens:
    access_token: str
    refresh_token: str
    expires_at: datetime


@dataclass(frozen=True)
class StreamLease:
    """Who holds the filtered stream (one connection per app) and what /status shows of it."""

    holder: str | None = None
    expires_at: datetime | None = None  # a holder that stops renewing loses the lease then
    ends_at: datetime | None = None  # when the holder plans to hand over (its function's time runs out)
    renewed_at: datetime | None = None
    released_at: datetime | None = None  # the last holder disconnected then and let the lease go
    connected_since: datetime | None = None
    last_delivery_at: datetime | None = None
    last_handover_gap_s: float | None = None  # the old holder's disconnect -> the new holder's first connect
    disconnects: int = 0  # connections X or the network dropped, every holder's, ever

    def live(self, now: datetime) -> bool:
        return self.holder is not None and self.expires_at is not None and self.expires_at > now


@dataclass(frozen=True)
class XWindow:
    """What the desk knows of one X rate window: an endpoint family's for the app (user None) or for one
    handle (posting). None: not known yet (X has not answered since the window began)."""

    family: str
    user: str | None = None
    limit: int | None = None
    remaining: int | None = None
    reset: datetime | None = None  # when X opens the next window (x-rate-limit-reset)

    def waiting_until(self, now: datetime) -> datetime | None:
        """When calls may go again, while this window is spent (X said 0 left, or 429); None: call now."""
        if self.remaining is not None and self.remaining <= 0 and self.reset is not None and now < self.reset:
            return self.reset
        return None

    def current(self, now: datetime) -> "XWindow":
        """This window, or an unknown fresh one once its reset has passed."""
        if self.reset is not None and now >= self.reset:
            return XWindow(self.family, self.user, self.limit)
        return self


@dataclass(frozen=True)
class UsedLink:
    """An alert link an action was taken through: it opens nothing more (domain/links.py)."""

    action: str
    at: datetime
