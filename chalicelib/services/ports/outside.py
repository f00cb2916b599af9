"""The ports to the world outside the store: X (mentions, search, the stream, replies, tokens), SNS, SQS, KMS."""

from __future__ import annotations

from datetime import datetime
from typing import Callable, Iterator, Protocol

from ...domain.complaint import Complaint
from ...domain.coverage import Subscription
from ...domain.stream_rules import StreamRule
from .records import Page, Tokens


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


class Alerts(Protocol):
    def notify(self, complaint: Complaint, link: str | None = None) -> str:
        """`link`: the complaint's page for the officers alerted; None: the alert gives the tweet's link."""

    def reaches(self, complaint: Complaint) -> bool:
        """Whether some officer's subscription takes this complaint's alert (unknown: True)."""

    def notify_state_desk(self, complaint: Complaint) -> str:
        """The alert for the state's level-3 desk, when no officer's subscription takes it."""

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


class AlertSubscriptions(Protocol):
    """The alert topic's subscriptions (SNS). AlertFailed when SNS does not answer."""

    def read(self) -> list[Subscription]: ...
    def subscribe(self, protocol: str, endpoint: str, policy: dict) -> str: ...
    def change_policy(self, arn: str, policy: dict) -> None: ...
    def unsubscribe(self, arn: str) -> None: ...


class OpsNotices(Protocol):
    def tell(self, subject: str, body: str) -> None: ...


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
