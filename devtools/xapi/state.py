"""What the local X holds (XState): users (with their check mark and standing), tweets and their
edit chains, the posts the product made, injected faults, rate-limit windows (ratelimits.py),
OAuth 2.0 grants and tokens (oauth2.py), the filtered stream's rules and connection
(stream_rules.py, stream.py), the search indexing delay, the clock (clock.py), the cost ledger
(costs.py) and the call log."""

from __future__ import annotations

import json
import re
import threading
from datetime import datetime, timedelta, timezone
from pathlib import Path

from .calls import CallLog
from .clock import Clock
from .costs import Ledger
from .faults import Fault, Faults
from .model import ALL_TWEET_FIELDS, USERNAME_RE, VERIFIED_TYPES, Tweet, User, parse_iso, snowflake
from .oauth2 import OAuth2
from .ratelimits import RateLimits
from .stream import StreamHub
from .stream_rules import StreamRules
from .text import extract

WATCHED_USER_ID_BASE = 1000
OTHER_USER_ID_BASE = 2_000_000
INDEX_DELAY_SECONDS = 30.0  # X: a post becomes searchable about 30 seconds after it is posted
DEVANAGARI_RE = re.compile(r"[\u0900-\u097F]")


def language(text: str) -> str:
    return "hi" if DEVANAGARI_RE.search(text) else "en"


class XState:
    """Users, tweets, posted replies, faults, rate-limit windows and the call log, behind one lock."""

    def __init__(self, seed: Path, handles: Path, bot: str | None, rate_limits: dict | None,
                 oauth2_client: dict | None = None):
        self.lock = threading.RLock()
        self._seed = json.loads(Path(seed).read_text(encoding="utf-8"))
        self._handles = [h["handle"] for h in json.loads(Path(handles).read_text(encoding="utf-8"))["handles"]]
        self._bot_username = bot or self._handles[0]
        self.clock = Clock()
        self.rates = RateLimits(rate_limits, self.clock.time)
        self.oauth2 = OAuth2(oauth2_client, self.clock.time)
        self.stream = StreamHub()
        self.reset()

    def reset(self, mentions: bool = True) -> None:
        """Back to the seed: the watched handles, and the seed mentions unless `mentions` is False."""
        with self.lock:
            self.users: dict[str, User] = {}  # by lower-case username
            self.users_by_id: dict[str, User] = {}
            self.tweets: dict[str, Tweet] = {}
            self.posts: list[Tweet] = []
            self.calls = CallLog()
            self.faults = Faults()
            self.rates.reset()
            self.costs = Ledger()
            self.oauth2.reset()
            self.clock.reset()
            self.stream.reset()
            self.stream_rules = StreamRules()
            self.index_delay_seconds = INDEX_DELAY_SECONDS
            self._next_user_id = OTHER_USER_ID_BASE
            names = self._seed.get("handle_names", {})
            # Seeded users get fixed creation dates so runs are reproducible.
            since = datetime(2015, 1, 1, tzinfo=timezone.utc)
            for i, handle in enumerate(self._handles):
                created = since + timedelta(days=30 * i)
                watched = self._create_user(handle, names.get(handle, handle), created, str(WATCHED_USER_ID_BASE + i))
                watched.verified_type = "government"  # X's grey check mark
            self.bot = self.users[self._bot_username.lower()]
            now = self.clock.now()
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

    def add_user(self, username: str, name: str | None = None, verified_type: str | None = None) -> User:
        """A new user, or the existing one; `verified_type` sets its check mark either way."""
        if verified_type is not None and verified_type not in VERIFIED_TYPES:
            raise ValueError(f"verified_type must be one of {VERIFIED_TYPES}")
        with self.lock:
            user = self.users.get(username.lower()) or self._create_user(username, name, self.clock.now())
            user.verified_type = verified_type or user.verified_type
            return user

    def set_user_status(self, username: str, status: str) -> User:
        """X suspends an account or its owner deletes it: its posts leave timelines and search."""
        with self.lock:
            user = self.users.get(username.lower())
            if user is None:
                raise ValueError(f"no user {username!r}")
            user.status = status
            return user

    def add_tweets(self, specs: list[dict]) -> list[Tweet]:
        """Tweets from control specs: author, text, retweet_of, in_reply_to, created_at | minutes_ago, lang."""
        with self.lock:
            now = self.clock.now()
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
        tweet_id = self.new_id(at)
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
            tweet_id, text, user, at, conversation_id, lang or language(text), self.entities(text), referenced, replied_user,
            # X: retweets and replies to others' posts cannot be edited; replies in one's own thread can.
            edit_eligible=not retweet_of and replied_user in (None, user),
        )
        self.tweets[tweet_id] = tweet
        self.stream.published(tweet, self.clock.now())
        return tweet

    def new_id(self, at: datetime) -> str:
        """A snowflake id for a tweet created at `at`; the caller holds the lock."""
        if snowflake(at) <= 0:
            raise ValueError("tweets are dated after 2010-11-04, when snowflake ids began")
        tweet_id = snowflake(at)
        while str(tweet_id) in self.tweets:  # same millisecond: the sequence bits tell them apart
            tweet_id += 1
        return str(tweet_id)

    def entities(self, text: str) -> dict:
        """The entities of a text; an @name of a deleted account is no mention."""
        return extract(text, {k: u for k, u in self.users.items() if u.status != "deleted"})

    def set_index_delay(self, seconds) -> dict:
        """How long after it is posted recent search finds a post."""
        seconds = float(seconds)
        if seconds < 0:
            raise ValueError("index_delay_seconds cannot be negative")
        with self.lock:
            self.index_delay_seconds = seconds
            return {"index_delay_seconds": seconds}

    def delete_tweet(self, tweet_id: str) -> bool:
        """The author deletes a post, and with it every version of it (X deletes the whole edit
        chain): gone from lookups, timelines and search; replies to it stay."""
        with self.lock:
            tweet = self.tweets.get(str(tweet_id))
            for version in tweet.history if tweet else ():
                self.tweets.pop(version, None)
            return tweet is not None

    def _existing(self, tweet_id) -> Tweet:
        try:
            return self.tweets[str(tweet_id)]
        except KeyError:
            raise ValueError(f"no tweet with id {tweet_id}") from None

    def add_fault(self, **payload) -> None:
        """A queued fault, or a chance rule when `probability` is given (faults.py says what each does)."""
        with self.lock:
            self.faults.add(payload)

    def clear_faults(self) -> None:
        with self.lock:
            self.faults.clear()

    def set_rate_limit(self, family: str, limit: int, remaining: int | None = None, reset_in_seconds: int | None = None,
                       scope: str | None = None, username: str | None = None) -> dict:
        """A fresh window for an endpoint family (see ratelimits.RATE_TABLE); its headers."""
        with self.lock:
            user_id = None
            if username is not None:
                if username.lower() not in self.users:
                    raise ValueError(f"no user {username!r}")
                user_id = self.users[username.lower()].id
            return self.rates.set(family, limit, remaining, reset_in_seconds, scope, user_id)

    def posted(self) -> list[dict]:
        with self.lock:
            return [t.render(ALL_TWEET_FIELDS) for t in self.posts]

    def call_log(self) -> list[dict]:
        """Every request since the log was last cleared; CallLogOverflow when it had to drop some."""
        with self.lock:
            return self.calls.read()

    def clear_calls(self) -> None:
        with self.lock:
            self.calls.clear()

    def take_fault(self, path: str) -> Fault | None:
        with self.lock:
            return self.faults.take(path)

    def newest_first(self) -> list[Tweet]:
        """The tweets timelines and search may show, newest first: the latest version of each post,
        by authors neither suspended nor deleted, posted by now on the clock (a post seeded ahead
        of the scaled clock appears when its time comes). The caller holds the lock."""
        now = self.clock.now()
        shown = (t for t in self.tweets.values() if t.latest and t.author.active and t.created_at <= now)
        return sorted(shown, key=lambda t: int(t.id), reverse=True)
