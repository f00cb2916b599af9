"""The storage ports, one job each, bundled in `Storage`; DynamoDB adapters and in-memory fakes implement them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Iterator, Protocol

from ...domain.complaint import Change, Complaint
from ...domain.corrections import Correction
from ...domain.handles import Registry, WatchedHandle
from ...domain.tally import Scope
from .records import ListQuery, HandleState, SearchCursor, Report, GrantState, Grant, StreamLease, UsedLink, XWindow


@dataclass(frozen=True)
class Storage:
    """The storage ports a service needs, wired once by the bootstrap."""

    complaints: "Complaints"
    outbox: "Outbox"
    handles: "WatchedHandles"
    stats: "Statistics"
    registry: "HandleRegistry"
    grants: "Grants"
    searches: "SearchCursors"
    stream: "StreamLeases | None" = None  # the filtered stream's holder lease (STREAM#HOLDER)
    links: "UsedLinks | None" = None  # alert links used up (LINK#<signature>)
    corrections: "Corrections | None" = None  # officers' corrections of triage, as labelled examples


class Corrections(Protocol):
    """Officers' corrections of triage, kept as labelled examples. Kept by Complaints.save, in the write of
    the change that made them (Change.correction); read back here."""

    def read(self, since: datetime | None = None) -> Iterator[Correction]:
        """Every example made at or after `since` (None: all), oldest first, read a page at a time."""


class Complaints(Protocol):
    def get(self, ref: str) -> Complaint | None: ...

    def create(self, change: Change, take_thread: bool = False) -> bool:
        """False when the change's tweet is already recorded. ThreadTaken when the citizen's complaint in
        that thread exists already (unless `take_thread`): recorded first from a follow-up, or by a run at the
        same time as this one."""

    def save(self, change: Change) -> bool:
        """False when what the change expects no longer holds (someone changed it first)."""

    def next_references(self, district: int | None, year: int, count: int) -> list[str]: ...

    def thread_of(self, conversation_id: str, author_id: str) -> str | None:
        """The reference of this citizen's complaint in that conversation."""

    def recorded(self, tweet_id: str) -> str | None:
        """The reference of the complaint that recorded this tweet (as a complaint, a follow-up, an edit,
        or as the first version of an edited post recorded as a complaint); None when none did."""

    def list(self, query: ListQuery) -> tuple[list[Complaint], str | None]: ...

    def due_for_check(self, now: datetime) -> list[Complaint]: ...

    def oldest_open(self, district) -> datetime | None:
        """When the oldest open complaint of a district (None: the state queue; ALL_DISTRICTS) arrived."""


class Outbox(Protocol):
    """Complaints with work still to send, oldest first, and when X lets each handle post again."""

    def pending_alerts(self) -> list[Complaint]: ...

    def pending_replies(self, now: datetime, authorised: frozenset[str] = frozenset()) -> list[Complaint]:
        """Complaints with a reply due now (Complaint.due_replies): none before its next_attempt_at."""

    def replies_held(self) -> dict[str, datetime]:
        """Handle key -> when X's posting window resets, after it refused that handle's reply for its limit."""

    def hold_replies(self, handle: str, until: datetime) -> None: ...


class Grants(Protocol):
    """The handles' grants (DynamoDB: one item per X user id, and a directory), and pending authorisations."""

    def states(self) -> dict[str, GrantState]:
        """Every handle that ever authorised the desk, by handle key."""

    def get(self, user_id: str) -> Grant | None: ...
    def store(self, grant: Grant, at: datetime) -> None:
        """After the owner's consent: the grant replaces any earlier one under a new version, and the handle
        is authorised."""

    def take_lease(self, grant: Grant, lease: str, until: datetime, now: datetime) -> bool:
        """Hold the refresh chain: False when the grant changed or another live lease holds it."""

    def renew(self, grant: Grant, sealed: bytes, expires_at: datetime) -> bool:
        """Store the rotated tokens while the grant is still the version read as `grant`, even if the caller's
        lease lapsed meanwhile (X rotated the refresh token for it: it holds the only live one)."""

    def renamed(self, handle: str, username: str) -> None:
        """The handle was renamed on X: its directory entry follows (the grant is kept by user id)."""

    def mark_needs_authorisation(self, grant: Grant, detail: str, at: datetime) -> bool:
        """Flag the grant unusable; True only for the call that set the flag (so ops are told once)."""

    def start_authorisation(self, state: str, handle: str, verifier: str, expires_at: datetime) -> None: ...
    def finish_authorisation(self, state: str, now: datetime) -> tuple[str, str] | None:
        """(handle, PKCE verifier) of an unexpired, unused state, used up by this call; None otherwise."""


class WatchedHandles(Protocol):
    def states(self, handles: list[str]) -> dict[str, HandleState]: ...

    def save(self, handle: str, state: HandleState) -> None: ...

    def path_succeeded(self, path: str, at: datetime) -> None:
        """An ingestion path (timelines) finished a run: its health, one small write per run."""

    def paths(self) -> dict[str, str]:
        """When each ingestion path last succeeded (ISO time)."""


class SearchCursors(Protocol):
    """The query groups' cursors (DynamoDB: SEARCH#<group id>), and how many posts search caught."""

    def load(self) -> dict[str, SearchCursor]:
        """Every group's cursor by group id, groups of earlier registries too (until dropped)."""

    def save(self, group_id: str, cursor: SearchCursor) -> None: ...

    def drop(self, group_ids: list[str]) -> None: ...

    def count_caught(self, count: int, at: datetime) -> None:
        """Search recorded `count` posts no other path had (the stream missed them)."""

    def caught(self) -> tuple[int, str | None]:
        """(posts caught in all, when the last was caught)."""


class HandleRegistry(Protocol):
    """The watched handles, kept by admins. Every write is conditional: of two admins adding the same
    handle one wins, and a change to an entry renamed or removed meanwhile is refused."""

    def load(self) -> Registry:
        """Every entry, disabled ones too."""

    def add(self, handle: WatchedHandle) -> None:
        """HandleExists when an entry has that username already."""

    def change(self, handle: WatchedHandle) -> None:
        """Write kind, department, district and owner contact of the entry with that username (NotFound: none)."""

    def set_enabled(self, handle: str, enabled: bool) -> None:
        """NotFound when no entry has that username."""

    def record_user_id(self, handle: str, user_id: str) -> bool:
        """Remember the X account of a handle; False when the entry is gone or holds another account."""

    def rename(self, handle: WatchedHandle, username: str) -> bool:
        """The account `handle.user_id` is now called `username`; False when the entry changed meanwhile
        or another entry has that username."""


class Statistics(Protocol):
    def read(self, scopes: list[Scope]) -> dict[Scope, dict[str, int]]: ...

    def claim_report(self, report: Report, claim: str, at: datetime) -> bool:
        """Take a report for sending: False when it was sent, or another live sender holds it."""

    def report_sent(self, report: Report, claim: str, at: datetime) -> None: ...

    def release_report(self, report: Report, claim: str) -> None: ...


class StreamLeases(Protocol):
    """One item; every write conditional, so of two holders one wins."""

    def read(self) -> StreamLease: ...

    def take(self, holder: str, now: datetime, expires_at: datetime, ends_at: datetime) -> StreamLease | None:
        """Hold the stream when no live holder does: the lease as it stood before; None when another holds it."""

    def renew(self, holder: str, now: datetime, expires_at: datetime, last_delivery_at: datetime | None,
              disconnects: int) -> bool:
        """Extend the lease, note the newest delivery, add `disconnects`; False when `holder` lost it."""

    def connected(self, holder: str, at: datetime, handover_gap_s: float | None) -> bool: ...

    def release(self, holder: str, at: datetime) -> None:
        """The holder disconnected at `at`: the next one may take the lease at once."""


class XBudget(Protocol):
    """One budget per X endpoint family and window, shared by every function (DynamoDB: XBUDGET#<family>).
    Every X call asks `take` first and reports X's x-rate-limit-* headers to `observe` after."""

    def take(self, family: str, now: datetime, user: str | None = None) -> bool | datetime:
        """True: call X now (one call is counted). A time: the family is spent; wait until then without calling X."""

    def observe(self, family: str, remaining: int, reset: datetime, limit: int | None, user: str | None = None) -> None:
        """What X's answer said of the window (a 429: remaining 0 until its reset)."""

    def allowance(self, family: str, now: datetime, user: str | None = None) -> int | None:
        """Calls this minute's run may make so the window lasts to its reset (0: waiting); None: not known."""

    def windows(self, now: datetime) -> list[XWindow]:
        """Every window the budget holds, for /status (one read)."""


class UsedLinks(Protocol):
    def used(self, signature: str) -> UsedLink | None: ...

    def mark_used(self, signature: str, action: str, at: datetime, expires_at: datetime) -> bool:
        """Record an action taken through the link; False when one was recorded first (that one stands)."""
