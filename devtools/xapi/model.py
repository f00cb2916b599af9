"""Users and tweets as the local X keeps them, and X's snowflake ids and timestamps."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from .text import escape, served_entities, shown_part

TWEPOCH_MS = 1288834974657  # X's snowflake epoch: a tweet id encodes its creation time
# Every field this server models: the control endpoints and the list of posts render them all.
ALL_TWEET_FIELDS = frozenset({
    "author_id", "created_at", "conversation_id", "referenced_tweets", "entities", "lang", "in_reply_to_user_id",
    "edit_controls", "note_tweet",
})
ALL_USER_FIELDS = frozenset({"created_at", "description", "protected", "verified", "verified_type"})
VERIFIED_TYPES = ("blue", "business", "government", "none")
EDIT_WINDOW = timedelta(minutes=30)  # X: a post can be edited for 30 minutes, up to 5 times
MAX_EDITS = 5
USERNAME_PATTERN = "^[A-Za-z0-9_]{1,15}$"  # as X quotes it in error messages
USERNAME_RE = re.compile(USERNAME_PATTERN)


def snowflake(at: datetime) -> int:
    return (int(at.timestamp() * 1000) - TWEPOCH_MS) << 22


def snowflake_time(tweet_id: int) -> datetime:
    return datetime.fromtimestamp(((tweet_id >> 22) + TWEPOCH_MS) / 1000, timezone.utc)


def iso(at: datetime) -> str:
    return at.strftime("%Y-%m-%dT%H:%M:%S.000Z")


def parse_iso(value: str) -> datetime:
    at = datetime.fromisoformat(value)
    return at.astimezone(timezone.utc) if at.tzinfo else at.replace(tzinfo=timezone.utc)


@dataclass
class User:
    id: str
    username: str
    name: str
    created_at: datetime
    verified_type: str = "none"  # blue | business | government | none
    status: str = "active"  # active | suspended | deleted

    @property
    def active(self) -> bool:
        return self.status == "active"

    def render(self, fields=frozenset()) -> dict:
        out = {"id": self.id, "name": self.name, "username": self.username}
        if "created_at" in fields:
            out["created_at"] = iso(self.created_at)
        values = {"description": "", "protected": False, "verified": self.verified_type != "none",
                  "verified_type": self.verified_type}
        out.update({k: v for k, v in values.items() if k in fields})
        return out


@dataclass
class Tweet:
    id: str
    text: str  # the whole post, unescaped
    author: User
    created_at: datetime
    conversation_id: str
    lang: str
    entities: dict[str, list[dict]]  # of the whole text, indexed into it unescaped (text.extract)
    referenced: list[dict] = field(default_factory=list)
    in_reply_to: User | None = None  # the author of the replied-to tweet
    history: list[str] = field(default_factory=list)  # the edit chain, oldest first, shared by its versions
    edit_eligible: bool = True
    editable_until: datetime | None = None

    def __post_init__(self):
        self.history = self.history or [self.id]
        self.editable_until = self.editable_until or self.created_at + EDIT_WINDOW

    @property
    def mentions(self) -> list[dict]:
        return self.entities["mentions"]

    @property
    def hashtags(self) -> list[dict]:
        return self.entities["hashtags"]

    def shown_mentions(self) -> list[dict]:
        """The mentions in the part of a long post that `text` shows (all of them in a short one)."""
        shown = len(shown_part(self.text))
        return [m for m in self.mentions if m["end"] <= shown]

    @property
    def latest(self) -> bool:
        """Timelines and search show only the newest version of an edited post."""
        return self.history[-1] == self.id

    def refers(self, kind: str) -> bool:
        return any(r["type"] == kind for r in self.referenced)

    def edit_controls(self) -> dict:
        return {
            "edits_remaining": max(0, MAX_EDITS - (len(self.history) - 1)) if self.edit_eligible else 0,
            "is_edit_eligible": self.edit_eligible,
            "editable_until": iso(self.editable_until),
        }

    def render(self, fields=frozenset()) -> dict:
        shown = shown_part(self.text)
        out = {"id": self.id, "text": escape(shown), "edit_history_tweet_ids": list(self.history)}
        if "author_id" in fields:
            out["author_id"] = self.author.id
        if "created_at" in fields:
            out["created_at"] = iso(self.created_at)
        if "conversation_id" in fields:
            out["conversation_id"] = self.conversation_id
        if "lang" in fields:
            out["lang"] = self.lang
        if "edit_controls" in fields:
            out["edit_controls"] = self.edit_controls()
        # X leaves out fields that have no value for a tweet rather than sending null.
        if "in_reply_to_user_id" in fields and self.in_reply_to:
            out["in_reply_to_user_id"] = self.in_reply_to.id
        if "referenced_tweets" in fields and self.referenced:
            out["referenced_tweets"] = [dict(r) for r in self.referenced]
        entities = served_entities(shown, self.entities)
        if "entities" in fields and entities:
            out["entities"] = entities
        if "note_tweet" in fields and shown != self.text:
            whole = served_entities(self.text, self.entities)
            out["note_tweet"] = {"text": escape(self.text), **({"entities": whole} if whole else {})}
        return out
