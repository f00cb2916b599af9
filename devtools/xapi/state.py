"""What the local X holds (XState), with the injected faults and rate-limit windows it applies."""

from __future__ import annotations

import json
import re
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

from .model import ALL_TWEET_FIELDS, USERNAME_RE, Tweet, User, parse_iso, snowflake, utcnow
from .oauth2 import OAuth2
from .text import extract

WINDOW_SECONDS = 15 * 60
DEFAULT_RATE_LIMITS = {"mentions": 450, "search": 450, "users": 300, "post": 100}
WATCHED_USER_ID_BASE = 1000
OTHER_USER_ID_BASE = 2_000_000
DEVANAGARI_RE = re.compile(r"[\u0900-\u097F]")


@dataclass
class Fault:
    path_prefix: str
    times: int
    status: int | None
    delay_seconds: float
    malformed: bool
    reset_in_seconds: int | None
    skip: int = 0  # matching requests to let through first, e.g. to fail the second page


@dataclass
class Window:
    limit: int
    remaining: int
    reset: int

    def headers(self, remaining: int | None = None, reset: int | None = None) -> dict:
        return {
            "x-rate-limit-limit": str(self.limit),
            "x-rate-limit-remaining": str(self.remaining if remaining is None else remaining),
            "x-rate-limit-reset": str(self.reset if reset is None else reset),
        }


class XState:
    """Users, tweets, posted replies, faults, rate-limit windows and the call log, behind one lock."""

    def __init__(self, seed: Path, handles: Path, bot: str | None, rate_limits: dict | None,
                 oauth2_client: dict | None = None):
        self.lock = threading.RLock()
        self._seed = json.loads(Path(seed).read_text(encoding="utf-8"))
        self._handles = [h["handle"] for h in json.loads(Path(handles).read_text(encoding="utf-8"))["handles"]]
        self._bot_username = bot or self._handles[0]
        self._default_limits = DEFAULT_RATE_LIMITS | (rate_limits or {})
        self.oauth2 = OAuth2(oauth2_client)
        self.reset()

    def reset(self, mentions: bool = True) -> None:
        """Back to the seed: the watched handles, and the seed mentions unless `mentions` is False."""
        with self.lock:
            self.users: dict[str, User] = {}  # by lower-case username
            self.users_by_id: dict[str, User] = {}
            self.tweets: dict[str, Tweet] = {}
            self.posts: list[Tweet] = []
            self.calls: list[dict] = []
            self.faults: list[Fault] = []
            self.limits = dict(self._default_limits)
            self.windows: dict[str, Window] = {}
            self.oauth2.reset()
            self._next_user_id = OTHER_USER_ID_BASE
            names = self._seed.get("handle_names", {})
            # Seeded users get fixed creation dates so runs are reproducible.
            since = datetime(2015, 1, 1, tzinfo=timezone.utc)
            for i, handle in enumerate(self._handles):
                created = since + timedelta(days=30 * i)
                self._create_user(handle, names.get(handle, handle), created, str(WATCHED_USER_ID_BASE + i))
            self.bot = self.users[self._bot_username.lower()]
            now = utcnow()
            seeded: list[Tweet] = []
            for i, entry in enumerate(self._seed["mentions"] if mentions else []):
                if entry["author"].lower() not in self.users:
                    self._create_user(entry["author"], entry.get("author_name"), since + timedelta(days=11 * (i + 90)))
                refs = {k: seeded[entry[f"{k}_index"]].id for k in ("retweet_of", "in_reply_to") if f"{k}_index" in entry}
                seeded.append(
                    self.add_tweet(
                        entry["author"], entry.get("text"), now - timedelta(minutes=entry["minutes_ago"]),
                        retweet_of=refs.get("retweet_of"), in_reply_to=refs.get("in_reply_to"),
                    )
                )

    def _create_user(self, username: str, name: str | None, created_at: datetime, user_id: str | None = None) -> User:
        if not USERNAME_RE.fullmatch(username):
            raise ValueError(f"invalid username {username!r}")
        if user_id is None:
            user_id = str(self._next_user_id)
            self._next_user_id += 1
        user = User(user_id, username, name or username, created_at)
        self.users[username.lower()] = user
        self.users_by_id[user_id] = user
        return user

    def add_user(self, username: str, name: str | None = None) -> User:
        with self.lock:
            return self.users.get(username.lower()) or self._create_user(username, name, utcnow())

    def add_tweets(self, specs: list[dict]) -> list[Tweet]:
        """Tweets from control specs: author, text, retweet_of, in_reply_to, created_at | minutes_ago, lang."""
        with self.lock:
            now = utcnow()
            out = []
            for spec in specs:
                if "created_at" in spec:
                    at = parse_iso(spec["created_at"])
                else:
                    at = now - timedelta(minutes=spec.get("minutes_ago", 0))
                if spec["author"].lower() not in self.users:
                    self._create_user(spec["author"], spec.get("author_name"), now)
                out.append(
                    self.add_tweet(
                        spec["author"], spec.get("text"), at, retweet_of=spec.get("retweet_of"),
                        in_reply_to=spec.get("in_reply_to"), lang=spec.get("lang"),
                    )
                )
            return out

    def add_tweet(
        self, author: str, text: str | None, at: datetime, *, retweet_of=None, in_reply_to=None, lang=None
    ) -> Tweet:
        """A new tweet with X's id, entities and language; the caller holds the lock."""
        user = self.users[author.lower()]
        if retweet_of and in_reply_to:
            raise ValueError("a tweet is either a retweet or a reply, not both")
        if snowflake(at) <= 0:
            raise ValueError("tweets are dated after 2010-11-04, when snowflake ids began")
        tweet_id = snowflake(at)
        while str(tweet_id) in self.tweets:  # same millisecond: the sequence bits tell them apart
            tweet_id += 1
        tweet_id = str(tweet_id)
        referenced, conversation_id, replied_user = [], tweet_id, None
        if retweet_of:
            original = self._existing(retweet_of)
            referenced = [{"type": "retweeted", "id": original.id}]
            if text is None:
                text = f"RT @{original.author.username}: {original.text}"
                # X truncates the text of a retweet; the full text stays on the retweeted tweet.
                text = text if len(text) <= 140 else text[:139] + "…"
        elif in_reply_to:
            parent = self._existing(in_reply_to)
            referenced = [{"type": "replied_to", "id": parent.id}]
            conversation_id, replied_user = parent.conversation_id, parent.author
        if not text:
            raise ValueError("a tweet needs text")
        tweet = Tweet(
            tweet_id, text, user, at, conversation_id, lang or ("hi" if DEVANAGARI_RE.search(text) else "en"),
            extract(text, self.users), referenced, replied_user,
            # X: retweets and replies to others' posts cannot be edited; replies in one's own thread can.
            edit_eligible=not retweet_of and replied_user in (None, user),
        )
        self.tweets[tweet_id] = tweet
        return tweet

    def delete_tweet(self, tweet_id: str) -> bool:
        """The author deletes a post: it is gone from lookups, timelines and search; replies to it stay."""
        with self.lock:
            return self.tweets.pop(str(tweet_id), None) is not None

    def _existing(self, tweet_id) -> Tweet:
        try:
            return self.tweets[str(tweet_id)]
        except KeyError:
            raise ValueError(f"no tweet with id {tweet_id}") from None

    def add_fault(self, path_prefix: str = "/2/", status: int | None = None, times: int = 1, delay_seconds: float = 0.0,
                  malformed: bool = False, reset_in_seconds: int | None = None, skip: int = 0) -> None:
        if status is not None and not 400 <= int(status) <= 599:
            raise ValueError("status must be an HTTP error status")
        if status is None and not delay_seconds and not malformed:
            raise ValueError("a fault needs a status, delay_seconds or malformed")
        if int(times) < 1:
            raise ValueError("times must be at least 1")
        with self.lock:
            self.faults.append(
                Fault(path_prefix, int(times), status and int(status), float(delay_seconds), bool(malformed),
                      reset_in_seconds, int(skip))
            )

    def clear_faults(self) -> None:
        with self.lock:
            self.faults.clear()

    def set_rate_limit(
        self, family: str, limit: int, remaining: int | None = None, reset_in_seconds: int = WINDOW_SECONDS
    ) -> None:
        """Start a fresh window for an endpoint family (mentions, search, users, post) with this limit."""
        if family not in DEFAULT_RATE_LIMITS:
            raise ValueError(f"unknown family {family!r}; one of {sorted(DEFAULT_RATE_LIMITS)}")
        with self.lock:
            self.limits[family] = int(limit)
            remaining = int(limit) if remaining is None else int(remaining)
            self.windows[family] = Window(int(limit), remaining, int(time.time()) + int(reset_in_seconds))

    def posted(self) -> list[dict]:
        with self.lock:
            return [t.render(ALL_TWEET_FIELDS) for t in self.posts]

    def call_log(self) -> list[dict]:
        with self.lock:
            return list(self.calls)

    def clear_calls(self) -> None:
        with self.lock:
            self.calls.clear()

    def window(self, family: str) -> Window:
        """The family's current rate-limit window, a fresh one once it has reset; the caller holds the lock."""
        now = int(time.time())
        window = self.windows.get(family)
        if window is None or now >= window.reset:
            window = self.windows[family] = Window(self.limits[family], self.limits[family], now + WINDOW_SECONDS)
        return window

    def take_fault(self, path: str) -> Fault | None:
        with self.lock:
            for fault in self.faults:
                if path.startswith(fault.path_prefix):
                    if fault.skip:
                        fault.skip -= 1
                        return None
                    fault.times -= 1
                    if fault.times == 0:
                        self.faults.remove(fault)
                    return fault
        return None

    def newest_first(self) -> list[Tweet]:
        """Every tweet, newest first; the caller holds the lock."""
        return sorted(self.tweets.values(), key=lambda t: int(t.id), reverse=True)
