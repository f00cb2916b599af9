"""The values a complaint is made of: the mention it came from, its alert, its replies, its history."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from .districts import DISTRICTS

STATE_QUEUE_CODE = "HQ"  # reference prefix for complaints no district could be told for
CLAIM_EXPIRES = timedelta(minutes=5)  # a sender that held an alert this long has crashed
# A failed reply waits 1, 2, 4, ... minutes, at most an hour, between attempts: ten attempts span about
# five hours, so an X or KMS outage of an afternoon still ends with the citizen answered.
MAX_REPLY_ATTEMPTS = 10  # after these, a reply X keeps refusing is undeliverable, not retried forever
RETRY_FIRST = timedelta(minutes=1)
RETRY_MAX = timedelta(hours=1)
BLOCKED_RECHECK = timedelta(hours=1)  # a blocked reply is looked at again this often (or when a handle is authorised)
BLOCKED_LIMIT = timedelta(hours=48)  # a reply this late helps no one: blocked this long, it is undeliverable
WAITING = ("pending", "blocked")  # reply states still to go out


@dataclass(frozen=True)
class Mention:
    """A tweet that tags at least one watched handle, as the X API returned it."""

    tweet_id: str
    text: str  # the whole post, unescaped
    author_id: str
    author_username: str  # "" when X did not say who the author is (an account X could not show)
    created_at: datetime
    conversation_id: str
    mentioned: tuple[str, ...]  # usernames tagged in the tweet
    is_retweet: bool = False
    mentioned_ids: tuple[str, ...] = ()  # their user ids, in the same order ("" where X gave none)
    author_verified_type: str | None = None  # X's verified_type of the author: blue, business, government, none
    edit_of: str | None = None  # an edited version: the first id of its edit chain
    edit_history: tuple[str, ...] = ()  # every id of the edit chain, oldest first, this one last
    replied_to: str | None = None  # the post this one answers (X's referenced_tweets replied_to)
    in_reply_to_user_id: str | None = None  # that post's author

    @property
    def url(self) -> str:
        # X shows a post by id alone when the author's name is not known.
        return f"https://x.com/{self.author_username or 'i/web'}/status/{self.tweet_id}"

    @property
    def author(self) -> str:
        """Who wrote it, as a history entry names them."""
        return f"@{self.author_username}" if self.author_username else f"X user {self.author_id}"

    @property
    def tagged(self) -> list[tuple[str | None, str]]:
        """(user id or None, username) of each tagged account."""
        return [(self.mentioned_ids[i] if i < len(self.mentioned_ids) and self.mentioned_ids[i] else None, name)
                for i, name in enumerate(self.mentioned)]

    @property
    def is_in_thread(self) -> bool:
        return self.conversation_id != self.tweet_id


def reference_code(district: int | None) -> str:
    return DISTRICTS[district].code if district is not None else STATE_QUEUE_CODE


REFERENCE = re.compile(r"UP-[A-Z]{2,3}-[0-9]{2}-[0-9]{6,9}")


def reference(district: int | None, year: int, sequence: int) -> str:
    """A reference citizens can read out on the phone: UP-LKO-26-000123."""
    return f"UP-{reference_code(district)}-{year % 100:02d}-{sequence:06d}"


@dataclass(frozen=True)
class Alert:
    """The alert waiting on a complaint (or the last one sent): what it announces, for whom, who holds it."""

    state: str = "pending"  # pending | sent | not_needed
    event: str = "new_complaint"  # new_complaint | transferred | reminder | escalation
    level: str = "L1"  # L1 district officer, L2 district head, L3 state HQ
    attempts: int = 0
    claim: str | None = None  # the token of the sender holding it for publishing
    claimed_at: datetime | None = None
    message_id: str | None = None
    sent_at: datetime | None = None
    last_error: str | None = None

    @property
    def pending(self) -> bool:
        return self.state == "pending"

    def announce(self, event: str, level: str, claim: str | None, at: datetime) -> "Alert":
        """A new alert replaces whatever waited: a sender holding the old one must not mark it sent."""
        return Alert("pending", event, level, self.attempts, claim, at if claim else None)

    def claimable_by(self, claim: str, now: datetime) -> bool:
        return self.pending and (self.claim in (None, claim) or self.claimed_at is None
                                 or now - self.claimed_at >= CLAIM_EXPIRES)


NO_ALERT = Alert(state="not_needed")


@dataclass(frozen=True)
class Reply:
    """A reply to the citizen on X: its text, which handle it went (or goes) from, and whether it went out.

    pending: to be posted (after next_attempt_at, when a failure set one); blocked: none of the handles the
    citizen tagged has authorised the desk to post (looked at again hourly); sent; undeliverable: X refused
    it for good, it kept failing, or it stayed blocked too long to help.
    """

    text: str
    status: str = "pending"  # pending | blocked | sent | undeliverable
    post_id: str | None = None
    at: datetime | None = None
    attempts: int = 0
    last_error: str | None = None
    from_handle: str | None = None
    next_attempt_at: datetime | None = None
    blocked_since: datetime | None = None

    @property
    def pending(self) -> bool:
        """Still to go out: pending or blocked."""
        return self.status in WAITING

    def due(self, now: datetime) -> bool:
        return self.pending and (self.next_attempt_at is None or now >= self.next_attempt_at)

    def sent(self, post_id: str | None, at: datetime, from_handle: str) -> "Reply":
        return replace(self, status="sent", post_id=post_id, at=at, last_error=None, from_handle=from_handle,
                       next_attempt_at=None)

    def going_from(self, handle: str) -> "Reply":
        return replace(self, from_handle=handle)

    def failed(self, error: str, at: datetime, final: bool, from_handle: str | None) -> "Reply":
        attempts = self.attempts + 1
        if final or attempts >= MAX_REPLY_ATTEMPTS:
            return replace(self, status="undeliverable", at=at, attempts=attempts, last_error=error[:500],
                           from_handle=from_handle, next_attempt_at=None)
        return replace(self, status="pending", at=at, attempts=attempts, last_error=error[:500],
                       from_handle=from_handle, next_attempt_at=at + min(RETRY_FIRST * 2 ** (attempts - 1), RETRY_MAX))

    def blocked(self, reason: str, at: datetime) -> "Reply":
        since = self.blocked_since or at
        if at - since >= BLOCKED_LIMIT:
            return replace(self, status="undeliverable", at=at, last_error=f"blocked for 48 hours: {reason}"[:500],
                           next_attempt_at=None)
        return replace(self, status="blocked", at=at, last_error=reason[:500], blocked_since=since,
                       next_attempt_at=at + BLOCKED_RECHECK)


@dataclass(frozen=True)
class Entry:
    """One line of a complaint's history: who did what, when, and the details that go with it."""

    at: datetime
    by: str
    action: str
    details: dict = field(default_factory=dict)  # from/to, note, reason, tweet_id, ... as plain values

    def as_dict(self) -> dict:
        return {"at": self.at.isoformat(), "by": self.by, "action": self.action, **self.details}

    @classmethod
    def from_dict(cls, raw: dict) -> "Entry":
        details = {k: v for k, v in raw.items() if k not in ("at", "by", "action")}
        return cls(datetime.fromisoformat(raw["at"]), raw["by"], raw["action"], details)
