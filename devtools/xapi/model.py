"""Users and tweets as the local X keeps them, and X's snowflake ids and timestamps."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timezone

TWEPOCH_MS = 1288834974657  # X's snowflake epoch: a tweet id encodes its creation time
# Every field this server models: the control endpoints and the list of posts render them all.
ALL_TWEET_FIELDS = frozenset(
    {"author_id", "created_at", "conversation_id", "referenced_tweets", "entities", "lang", "in_reply_to_user_id"}
)
ALL_USER_FIELDS = frozenset({"created_at", "description", "protected", "verified"})
USERNAME_PATTERN = "^[A-Za-z0-9_]{1,15}$"  # as X quotes it in error messages
USERNAME_RE = re.compile(USERNAME_PATTERN)


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


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

    def render(self, fields=frozenset()) -> dict:
        out = {"id": self.id, "name": self.name, "username": self.username}
        if "created_at" in fields:
            out["created_at"] = iso(self.created_at)
        defaults = {"description": "", "protected": False, "verified": False}
        out.update({k: v for k, v in defaults.items() if k in fields})
        return out


@dataclass
class Tweet:
    id: str
    text: str
    author: User
    created_at: datetime
    conversation_id: str
    lang: str
    mentions: list[dict]
    hashtags: list[dict]
    referenced: list[dict] = field(default_factory=list)
    in_reply_to: User | None = None  # the author of the replied-to tweet

    def refers(self, kind: str) -> bool:
        return any(r["type"] == kind for r in self.referenced)

    def render(self, fields=frozenset()) -> dict:
        out = {"id": self.id, "text": self.text, "edit_history_tweet_ids": [self.id]}
        if "author_id" in fields:
            out["author_id"] = self.author.id
        if "created_at" in fields:
            out["created_at"] = iso(self.created_at)
        if "conversation_id" in fields:
            out["conversation_id"] = self.conversation_id
        if "lang" in fields:
            out["lang"] = self.lang
        # X leaves out fields that have no value for a tweet rather than sending null.
        if "in_reply_to_user_id" in fields and self.in_reply_to:
            out["in_reply_to_user_id"] = self.in_reply_to.id
        if "referenced_tweets" in fields and self.referenced:
            out["referenced_tweets"] = [dict(r) for r in self.referenced]
        entities = {k: [dict(e) for e in v] for k, v in (("mentions", self.mentions), ("hashtags", self.hashtags)) if v}
        if "entities" in fields and entities:
            out["entities"] = entities
        return out
