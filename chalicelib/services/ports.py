"""The ports the services talk to, one job each. Adapters implement them over tweepy, DynamoDB and
SNS; in-memory fakes implement them for unit tests, held to the same behaviour by contract tests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Callable, Iterator, Protocol

from ..domain.complaint import Change, Complaint
from ..domain.handles import Registry, WatchedHandle
from ..domain.stream_rules import StreamRule
from ..domain.tally import Scope
from ..domain.values import Mention

ALL_DISTRICTS = "all"
TIMELINES = "timelines"  # the ingestion path that reads each handle's mentions timeline  # oldest_open(ALL_DISTRICTS): the oldest open complaint in the whole state
SEARCH = "search"  # the ingestion path that searches recent posts for groups of handles
REPORT_CLAIM_EXPIRES = timedelta(minutes=15)  # a report's sender that held it this long has crashed


class RateLimited(Exception):
    """X said 429: leave this handle's cursor alone until the window resets."""

    def __init__(self, reset_at: datetime | None):
        super().__init__(f"rate limited until {reset_at.isoformat() if reset_at else 'unknown'}")
        self.reset_at = reset_at


class SourceUnavailable(Exception):
    """X failed (5xx, timeout, malformed answer); the next poll tries again."""


class HandleUnavailable(Exception):
    """X says the watched account itself is gone (suspended or deleted): not asked again for a day."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class StorageUnavailable(Exception):
    """The store failed after its own retries (throttled, unreachable, 5xx): the work waits for a later run."""


class StorageRejected(StorageUnavailable):
    """The store refused the write for good (an item over DynamoDB's size limit, a malformed key):
    trying again changes nothing."""


class ThreadTaken(Exception):
    """A thread's first post arrived after the citizen's follow-up had become a complaint of its own."""

    def __init__(self, ref: str):
        super().__init__(f"complaint {ref} already holds this citizen's thread")
        self.ref = ref


class AlertFailed(Exception):
    """The alert could not be published; the complaint keeps its alert pending."""


class ReplyFailed(Exception):
    """X did not take the reply; it stays pending for the next poll (final: X will never take it)."""

    def __init__(self, message: str, final: bool = False):
        super().__init__(message)
        self.final = final


class DuplicateReply(Exception):
    """X refused the reply as a duplicate: an earlier attempt was posted but not recorded."""


class NeedsAuthorisation(Exception):
    """The handle's grant is gone (revoked by its owner, or expired): its owner must authorise the desk again."""

    def __init__(self, handle: str, detail: str = ""):
        super().__init__(f"@{handle} needs authorisation" + (f": {detail}" if detail else ""))
        self.handle = handle


class TokenRefused(Exception):
    """X refused a code or refresh token (400 invalid_request): that grant cannot be used again."""


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


class MentionSource(Protocol):
    """Each call may raise RateLimited, SourceUnavailable, or HandleUnavailable (the account is gone)."""

    def resolve_user_id(self, handle: str) -> str | None: ...

    def check_user(self, user_id: str) -> None:
        """Returns when the account is there (again); HandleUnavailable while it is not."""

    def pages(self, user_id: str, since_id: str | None, start_time: datetime | None = None) -> Iterator[Page]:
        """Mentions after since_id; without one, those from start_time on (None: as far back as X goes)."""


class MentionSearch(Protocol):
    """X's recent search; each call may raise RateLimited or SourceUnavailable."""

    def search(self, query: str, since_id: str | None, start_time: datetime | None,
               end_time: datetime) -> Iterator[Page]:
        """Posts matching `query` after since_id (without one: from start_time on), created up to end_time."""


class Complaints(Protocol):
    def get(self, ref: str) -> Complaint | None: ...

    def create(self, change: Change, take_thread: bool = False) -> bool:
        """False when the change's tweet is already recorded. ThreadTaken when the change is a thread's
        first post and the citizen's complaint in that thread exists already (unless `take_thread`)."""

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
        """After the owner's consent: the grant replaces any earlier one, and the handle is authorised."""

    def take_lease(self, grant: Grant, lease: str, until: datetime, now: datetime) -> bool:
        """Hold the refresh chain: False when the grant changed or another live lease holds it."""

    def renew(self, grant: Grant, lease: str, sealed: bytes, expires_at: datetime) -> bool:
        """Store the rotated tokens, only while `lease` still holds the grant read as `grant`."""

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


class Alerts(Protocol):
    def notify(self, complaint: Complaint) -> str: ...

    def digest(self, district: int | None, subject: str, body: str) -> str: ...


class Replies(Protocol):
    """Posts as a watched handle, with its own user token. RateLimited is that handle's window;
    NeedsAuthorisation: its grant is gone."""

    def post_reply(self, handle: str, in_reply_to: str, text: str) -> str: ...
    def post(self, handle: str, text: str) -> str: ...


class Cipher(Protocol):
    """Seals tokens (KMS), bound to the X user and handle they belong to."""

    def seal(self, user_id: str, handle: str, tokens: Tokens) -> bytes: ...
    def open(self, user_id: str, handle: str, sealed: bytes, expires_at: datetime) -> Tokens: ...


class XAuthorisation(Protocol):
    """X's OAuth 2.0 endpoints for the desk's app (client id and secret from SSM)."""

    def authorize_url(self, state: str, challenge: str) -> str: ...
    def exchange(self, code: str, verifier: str, now: datetime) -> Tokens:
        """TokenRefused for a bad or used code."""

    def refresh(self, refresh_token: str, now: datetime) -> Tokens:
        """TokenRefused when the refresh token is revoked, used or expired; ReplyFailed when X is unreachable."""

    def user(self, access_token: str) -> tuple[str, str]:
        """(user id, username) of the account the token acts for."""

    def revoke(self, token: str) -> None:
        """Give a token back (best effort)."""


class OpsNotices(Protocol):
    def tell(self, subject: str, body: str) -> None: ...


# --- the streamed path (filtered stream -> SQS -> recorder) --------------------------------------

STREAM = "stream"  # the ingestion path of the filtered stream


class QueueUnavailable(Exception):
    """SQS refused the whole batch (unreachable, throttled, denied): the posts are kept and sent again."""


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


class FilteredStream(Protocol):
    """X's filtered stream and its rules, for the app. The callbacks run on the stream's own thread."""

    def rules(self) -> list[StreamRule]: ...

    def change_rules(self, add: list[str], delete: list[str]) -> None:
        """Add these rule values, then delete these rule ids. SourceUnavailable / RateLimited when X refuses."""

    def start(self, on_post: Callable[[dict], None], on_connect: Callable[[], None],
              on_disconnect: Callable[[str], None]) -> None:
        """Connect in the background and keep reconnecting by X's back-off rules until stop();
        `on_post` gets each delivery as a one-post X body; `on_disconnect` each unplanned drop, with why."""

    def alive(self) -> bool:
        """False once the stream gave up (an error tweepy does not retry): the holder starts it again."""

    def stop(self, wait_seconds: float) -> None:
        """Disconnect (a planned disconnect is not reported) and wait up to `wait_seconds` for it."""


class MentionsQueue(Protocol):
    def send(self, bodies: list[dict]) -> list[dict]:
        """Put each one-post X body on the queue; those SQS did not take. QueueUnavailable: none taken."""
