"""A local stand-in for the X API v2, for development and tests (there is no internet here).

It serves what the complaint desk uses: user lookup, the mentions timeline, recent search and
posting replies, with X's response shapes, status codes, error bodies, snowflake ids and
rate-limit headers, so real tweepy can be pointed at it. Endpoints under /_control/ (no auth)
seed tweets, inject faults, shrink rate limits and show what the product sent.

Known simplifications: OAuth signatures are not verified; any Bearer token is an app-only
token; a posted reply keeps exactly the text sent (X prefixes the replied-to @handles).
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import threading
import time
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

HERE = Path(__file__).resolve().parent
DEFAULT_SEED_PATH = HERE / "seed_mentions.json"
DEFAULT_HANDLES_PATH = HERE.parent.parent / "chalicelib" / "data" / "handles.json"

TWEPOCH_MS = 1288834974657  # X's snowflake epoch: a tweet id encodes its creation time
WINDOW_SECONDS = 15 * 60
DEFAULT_RATE_LIMITS = {"mentions": 450, "search": 450, "users": 300, "post": 100}
MENTIONS_CAP = 800  # the mentions timeline only reaches a user's newest 800 mentions
SEARCH_WINDOW = timedelta(days=7)
MAX_QUERY_LENGTH = 512
MAX_TWEET_WEIGHT = 280
WATCHED_USER_ID_BASE = 1000
OTHER_USER_ID_BASE = 2_000_000

TWEET_FIELDS = frozenset(
    "attachments author_id card_uri community_id context_annotations conversation_id created_at "
    "display_text_range edit_controls edit_history_tweet_ids entities geo id in_reply_to_user_id lang "
    "media_metadata non_public_metrics note_tweet organic_metrics possibly_sensitive promoted_metrics "
    "public_metrics referenced_tweets reply_settings scopes source text withheld".split()
)
USER_FIELDS = frozenset(
    "affiliation connection_status created_at description entities id is_identity_verified location "
    "most_recent_tweet_id name parody pinned_tweet_id profile_banner_url profile_image_url protected "
    "public_metrics receives_your_dm subscription subscription_type url username verified "
    "verified_followers_count verified_type withheld".split()
)
TWEET_EXPANSIONS = frozenset(
    "attachments.media_keys attachments.media_source_tweet attachments.poll_ids author_id "
    "edit_history_tweet_ids entities.mentions.username entities.note.mentions.username geo.place_id "
    "in_reply_to_user_id referenced_tweets.id referenced_tweets.id.attachments.media_keys "
    "referenced_tweets.id.author_id".split()
)
USER_EXPANSIONS = frozenset({"affiliation.user_id", "most_recent_tweet_id", "pinned_tweet_id"})
# Accepted so tweepy calls that ask for them work; this server has no media, polls or places.
UNMODELLED_FIELD_PARAMS = ("media.fields", "poll.fields", "place.fields")
ALL_TWEET_FIELDS = frozenset(
    {"author_id", "created_at", "conversation_id", "referenced_tweets", "entities", "lang", "in_reply_to_user_id"}
)
ALL_USER_FIELDS = frozenset({"created_at", "description", "protected", "verified"})

USERNAME_PATTERN = "^[A-Za-z0-9_]{1,15}$"  # as X quotes it in error messages
ID_PATTERN = "^[0-9]{1,19}$"
USERNAME_RE = re.compile(USERNAME_PATTERN)
ID_RE = re.compile(ID_PATTERN)
MENTION_RE = re.compile(r"(?<![A-Za-z0-9_@])@([A-Za-z0-9_]{1,15})(?![A-Za-z0-9_@])")
# Python's \w misses Devanagari vowel signs, so the block is added explicitly.
HASHTAG_RE = re.compile(r"(?<![\w&])#([\w\u0900-\u097F]+)")
WORD_RE = re.compile(r"[\w\u0900-\u097F]+")
URL_RE = re.compile(r"https?://\S+", re.IGNORECASE)
DEVANAGARI_RE = re.compile(r"[\u0900-\u097F]")
LIGHT_CODE_POINTS = ((0, 4351), (8192, 8205), (8208, 8223), (8242, 8247))  # weight 1 in twitter-text v3

INVALID_REQUEST = {
    "title": "Invalid Request",
    "detail": "One or more parameters to your request was invalid.",
    "type": "https://api.twitter.com/2/problems/invalid-request",
}
UNSUPPORTED_AUTH = {
    "title": "Unsupported Authentication",
    "detail": "Authenticating with OAuth 2.0 Application-Only is forbidden for this endpoint.  "
    "Supported authentication types are [OAuth 1.0a User Context, OAuth 2.0 User Context].",
    "type": "https://api.twitter.com/2/problems/unsupported-authentication",
    "status": 403,
}


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


def tweet_weight(text: str) -> int:
    """X's weighted length (twitter-text v3): URLs count 23, most scripts 1, CJK and emoji 2."""
    text = unicodedata.normalize("NFC", text)
    urls = URL_RE.findall(text)
    weights = (1 if any(lo <= ord(c) <= hi for lo, hi in LIGHT_CODE_POINTS) else 2 for c in URL_RE.sub("", text))
    return 23 * len(urls) + sum(weights)


def problem(status: int) -> dict:
    """X's body for plain HTTP errors (401, 429, 5xx)."""
    phrase = HTTPStatus(status).phrase
    return {"title": phrase, "detail": phrase, "type": "about:blank", "status": status}


class ApiError(Exception):
    def __init__(self, status: int, body: dict):
        super().__init__(status)
        self.status = status
        self.body = body


def invalid(parameter: str, value, message: str) -> ApiError:
    values = value if isinstance(value, list) else [value]
    return ApiError(400, {"errors": [{"parameters": {parameter: values}, "message": message}], **INVALID_REQUEST})


def not_found(parameter: str, value: str) -> dict:
    return {
        "value": value,
        "detail": f"Could not find user with {parameter}: [{value}].",
        "title": "Not Found Error",
        "resource_type": "user",
        "parameter": parameter,
        "resource_id": value,
        "type": "https://api.twitter.com/2/problems/resource-not-found",
    }


def forbidden(detail: str) -> ApiError:
    return ApiError(403, {"detail": detail, "type": "about:blank", "title": "Forbidden", "status": 403})


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


@dataclass
class Auth:
    kind: str  # "bearer" or "oauth"
    token: str


def parse_auth(header: str | None) -> Auth | None:
    scheme, _, rest = (header or "").partition(" ")
    if scheme.lower() == "bearer":
        token = rest.strip()
        # tweepy sends "Bearer None" when no token is configured; X rejects that too.
        return Auth("bearer", token) if token and token != "None" else None
    if scheme == "OAuth":
        params = {k: unquote(v) for k, v in re.findall(r'(\w+)="([^"]*)"', rest)}
        if params.get("oauth_consumer_key") and params.get("oauth_token") and params.get("oauth_signature"):
            return Auth("oauth", params["oauth_token"])
    return None


class QueryParser:
    """X search query syntax, the part the desk needs: @handle, from:, to:, is:retweet|reply|quote,
    lang:, #tag, keywords, "phrases", -negation, implicit AND, OR (looser than AND), parentheses."""

    TOKEN_RE = re.compile(r'\s*(-?\(|\)|-?"[^"]*"|[^\s()"]+|\S)')
    KNOWN_OPERATORS = frozenset(
        "bio bio_location bio_name bounding_box cashtag context conversation_id entity from has in_reply_to_tweet_id "
        "is lang list place place_country point_radius quotes_of_tweet_id retweets_of retweets_of_tweet_id "
        "sample source to url url_contains".split()
    )

    def __init__(self, query: str):
        self.query = query
        self.tokens = [(m.start(1), m.group(1)) for m in self.TOKEN_RE.finditer(query)]
        self.pos = 0

    def error(self, message: str, at: int) -> ApiError:
        return invalid("query", self.query, f"There were errors processing your request: {message} (at position {at + 1})")

    def parse(self):
        if not self.tokens:
            raise invalid("query", [], "Request parameter `query` can not be empty")
        predicate = self.alternatives()
        if self.pos < len(self.tokens):
            raise self.error("Unbalanced parenthesis", self.tokens[self.pos][0])
        return predicate

    def peek(self) -> str | None:
        return self.tokens[self.pos][1] if self.pos < len(self.tokens) else None

    def alternatives(self):
        options = [self.conjunction()]
        while self.peek() == "OR":
            self.pos += 1
            options.append(self.conjunction())
        return options[0] if len(options) == 1 else (lambda t: any(p(t) for p in options))

    def conjunction(self):
        parts = []
        while self.peek() not in (None, ")", "OR"):
            parts.append(self.clause())
        if not parts:
            at = self.tokens[self.pos][0] if self.pos < len(self.tokens) else len(self.query)
            raise self.error("Expected a clause", at)
        return lambda t: all(p(t) for p in parts)

    def clause(self):
        at, token = self.tokens[self.pos]
        self.pos += 1
        negate = token.startswith("-") and len(token) > 1
        token = token[1:] if negate else token
        if token == "(":
            predicate = self.alternatives()
            if self.peek() != ")":
                raise self.error("Missing closing parenthesis", len(self.query))
            self.pos += 1
        else:
            predicate = self.term(token, at)
        return (lambda t: not predicate(t)) if negate else predicate

    def term(self, token: str, at: int):
        lowered = token.lower()
        if token.startswith('"'):
            if len(token) < 2 or not token.endswith('"'):
                raise self.error("Unbalanced quote", at)
            phrase = lowered[1:-1]
            return lambda t: phrase in t.text.lower()
        if token.startswith("@"):
            return lambda t: any(m["username"].lower() == lowered[1:] for m in t.mentions)
        if token.startswith("#"):
            return lambda t: any(h["tag"].lower() == lowered[1:] for h in t.hashtags)
        operator, colon, value = lowered.partition(":")
        if colon and operator in self.KNOWN_OPERATORS:
            return self.operator(operator, value, token, at)
        words = WORD_RE.findall(lowered)
        if not words:
            raise self.error(f"Invalid keyword '{token}'", at)
        return lambda t: set(words) <= set(WORD_RE.findall(t.text.lower()))

    def operator(self, operator: str, value: str, token: str, at: int):
        if operator == "from":
            return lambda t: t.author.username.lower() == value
        if operator == "to":
            return lambda t: t.in_reply_to is not None and t.in_reply_to.username.lower() == value
        if operator == "lang":
            return lambda t: t.lang == value
        if operator == "conversation_id":
            return lambda t: t.conversation_id == value
        kinds = {"retweet": "retweeted", "reply": "replied_to", "quote": "quoted"}
        if operator == "is" and value in kinds:
            return lambda t: t.refers(kinds[value])
        raise self.error(f"The operator '{token}' is not emulated by the local X API server", at)


def bounded_int(params: dict, name: str, low: int, high: int, default: int) -> int:
    raw = params.get(name)
    if raw is None:
        return default
    if not raw.isdigit() or not low <= int(raw) <= high:
        raise invalid(name, raw, f"The `{name}` query parameter value [{raw}] is not between {low} and {high}")
    return int(raw)


def id_param(params: dict, name: str) -> int | None:
    raw = params.get(name)
    if raw is None:
        return None
    if not ID_RE.fullmatch(raw):
        raise invalid(name, raw, f"The `{name}` query parameter value [{raw}] does not match {ID_PATTERN}")
    return int(raw)


def time_param(params: dict, name: str) -> datetime | None:
    raw = params.get(name)
    if raw is None:
        return None
    try:
        return parse_iso(raw)
    except ValueError:
        raise invalid(name, raw, f"The `{name}` query parameter value [{raw}] is not a valid RFC3339 date-time") from None


def csv_param(params: dict, name: str, allowed: frozenset) -> frozenset:
    raw = params.get(name)
    if raw is None:
        return frozenset()
    values = raw.split(",")
    bad = [v for v in values if v not in allowed]
    if bad:
        message = f"The `{name}` query parameter value [{bad[0]}] is not one of [{','.join(sorted(allowed))}]"
        raise invalid(name, bad[0], message)
    return frozenset(values)


def check_known(params: dict, known: tuple) -> None:
    unknown = [p for p in params if p not in known]
    if unknown:
        message = f"The query parameters [{unknown[0]}] is not one of [{','.join(known)}]"
        raise invalid(unknown[0], params[unknown[0]], message)


def page_token(direction: str, boundary: int) -> str:
    return base64.b32encode(f"{direction}{boundary}".encode()).decode().rstrip("=").lower()


def read_token(params: dict, name: str) -> tuple[str, int] | None:
    raw = params.get(name)
    if raw is None:
        return None
    try:
        decoded = base64.b32decode(raw.upper() + "=" * (-len(raw) % 8)).decode()
        if decoded[0] in "np" and decoded[1:].isdigit():
            return decoded[0], int(decoded[1:])
    except (binascii.Error, UnicodeDecodeError, IndexError):
        pass
    raise invalid(name, raw, f"The `{name}` query parameter value [{raw}] is not valid")


TIMELINE_PARAMS = (
    "start_time", "end_time", "since_id", "until_id", "max_results", "expansions",
    "tweet.fields", "user.fields", *UNMODELLED_FIELD_PARAMS,
)
USER_PARAMS = ("expansions", "tweet.fields", "user.fields")


def user_fields_param(params: dict, extra: tuple = ()) -> frozenset:
    """Validate a user lookup's parameters; return the requested user.fields."""
    check_known(params, (*extra, *USER_PARAMS))
    csv_param(params, "tweet.fields", TWEET_FIELDS)
    csv_param(params, "expansions", USER_EXPANSIONS)
    return csv_param(params, "user.fields", USER_FIELDS)


def check_username(name: str, parameter: str) -> None:
    if not USERNAME_RE.fullmatch(name):
        message = f"The `{parameter}` query parameter value [{name}] does not match {USERNAME_PATTERN}"
        raise invalid(parameter, name, message)


class XState:
    """Users, tweets, posted replies, faults, rate-limit windows and the call log, behind one lock."""

    def __init__(self, seed: Path, handles: Path, bot: str | None, rate_limits: dict | None):
        self._lock = threading.RLock()
        self._seed = json.loads(Path(seed).read_text(encoding="utf-8"))
        self._handles = [h["handle"] for h in json.loads(Path(handles).read_text(encoding="utf-8"))["handles"]]
        self._bot_username = bot or self._handles[0]
        self._default_limits = DEFAULT_RATE_LIMITS | (rate_limits or {})
        self.reset()

    # --- state and control ---------------------------------------------------------------

    def reset(self, mentions: bool = True) -> None:
        """Back to the seed: the watched handles, and the seed mentions unless `mentions` is False."""
        with self._lock:
            self.users: dict[str, User] = {}  # by lower-case username
            self.users_by_id: dict[str, User] = {}
            self.tweets: dict[str, Tweet] = {}
            self.posts: list[Tweet] = []
            self.calls: list[dict] = []
            self.faults: list[Fault] = []
            self.limits = dict(self._default_limits)
            self.windows: dict[str, Window] = {}
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
                    self._add_tweet(
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
        with self._lock:
            return self.users.get(username.lower()) or self._create_user(username, name, utcnow())

    def add_tweets(self, specs: list[dict]) -> list[Tweet]:
        """Tweets from control specs: author, text, retweet_of, in_reply_to, created_at | minutes_ago, lang."""
        with self._lock:
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
                    self._add_tweet(
                        spec["author"], spec.get("text"), at, retweet_of=spec.get("retweet_of"),
                        in_reply_to=spec.get("in_reply_to"), lang=spec.get("lang"),
                    )
                )
            return out

    def _add_tweet(
        self, author: str, text: str | None, at: datetime, *, retweet_of=None, in_reply_to=None, lang=None
    ) -> Tweet:
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
        # Only @names of existing accounts become mention entities, as on X.
        mentioned = [(m, self.users[m[1].lower()]) for m in MENTION_RE.finditer(text) if m[1].lower() in self.users]
        mentions = [{"start": m.start(), "end": m.end(), "username": u.username, "id": u.id} for m, u in mentioned]
        hashtags = [
            {"start": m.start(), "end": m.end(), "tag": m[1]} for m in HASHTAG_RE.finditer(text) if not m[1].isdigit()
        ]
        tweet = Tweet(
            tweet_id, text, user, at, conversation_id, lang or ("hi" if DEVANAGARI_RE.search(text) else "en"),
            mentions, hashtags, referenced, replied_user,
        )
        self.tweets[tweet_id] = tweet
        return tweet

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
        with self._lock:
            self.faults.append(
                Fault(path_prefix, int(times), status and int(status), float(delay_seconds), bool(malformed),
                      reset_in_seconds, int(skip))
            )

    def clear_faults(self) -> None:
        with self._lock:
            self.faults.clear()

    def set_rate_limit(
        self, family: str, limit: int, remaining: int | None = None, reset_in_seconds: int = WINDOW_SECONDS
    ) -> None:
        """Start a fresh window for an endpoint family (mentions, search, users, post) with this limit."""
        if family not in DEFAULT_RATE_LIMITS:
            raise ValueError(f"unknown family {family!r}; one of {sorted(DEFAULT_RATE_LIMITS)}")
        with self._lock:
            self.limits[family] = int(limit)
            remaining = int(limit) if remaining is None else int(remaining)
            self.windows[family] = Window(int(limit), remaining, int(time.time()) + int(reset_in_seconds))

    def posted(self) -> list[dict]:
        with self._lock:
            return [t.render(ALL_TWEET_FIELDS) for t in self.posts]

    def call_log(self) -> list[dict]:
        with self._lock:
            return list(self.calls)

    def _window(self, family: str) -> Window:
        now = int(time.time())
        window = self.windows.get(family)
        if window is None or now >= window.reset:
            window = self.windows[family] = Window(self.limits[family], self.limits[family], now + WINDOW_SECONDS)
        return window

    def _take_fault(self, path: str) -> Fault | None:
        with self._lock:
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

    # --- the API -------------------------------------------------------------------------

    def api(
        self, method: str, path: str, params: dict, authorization: str | None, raw_body: bytes
    ) -> tuple[int, bytes, dict]:
        """Answer one API request: status, body bytes and headers."""
        route = next(((family, handler, m) for verb, pattern, family, handler in ROUTES
                      if verb == method and (m := pattern.fullmatch(path))), None)
        fault = self._take_fault(path) if route else None
        if fault and fault.delay_seconds:
            time.sleep(fault.delay_seconds)  # outside the lock: other requests go on meanwhile
        auth = parse_auth(authorization)
        with self._lock:
            status, body, headers = self._answer(route, fault, params, auth, raw_body)
            self.calls.append({
                "method": method, "path": path, "query": params, "status": status,
                "auth": auth.kind if auth else None, "at": iso(utcnow()),
                **({"json": _json_or_raw(raw_body)} if raw_body else {}),
            })
        data = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        if fault and fault.malformed:
            status, data = 200, data[: len(data) // 2]
        return status, data, headers

    def _answer(self, route, fault: Fault | None, params: dict, auth: Auth | None, raw_body: bytes):
        if route is None:
            return 404, {"errors": [{"message": "Sorry, that page does not exist", "code": 34}]}, {}
        family, handler, match = route
        window = self._window(family)
        if fault and fault.status == 429:
            # The fault reports an exhausted window; the real window is left alone so `times` holds.
            reset = int(time.time()) + fault.reset_in_seconds if fault.reset_in_seconds is not None else window.reset
            return 429, problem(429), window.headers(remaining=0, reset=reset)
        if fault and fault.status:
            return fault.status, problem(fault.status), window.headers()
        if auth is None:
            return 401, problem(401), window.headers()
        if window.remaining <= 0:
            return 429, problem(429), window.headers()
        window.remaining -= 1
        try:
            status, body = handler(self, match, params, auth, raw_body)
        except ApiError as e:
            status, body = e.status, e.body
        return status, body, window.headers()

    def _render_timeline(
        self, candidates: list[Tweet], params: dict, limit: int, token_name: str, with_previous: bool
    ) -> tuple[int, dict]:
        """One page of `candidates` (newest first) after since/until/time bounds and the page token."""
        tweet_fields = csv_param(params, "tweet.fields", TWEET_FIELDS)
        user_fields = csv_param(params, "user.fields", USER_FIELDS)
        expansions = csv_param(params, "expansions", TWEET_EXPANSIONS)
        since, until = id_param(params, "since_id"), id_param(params, "until_id")
        start, end = time_param(params, "start_time"), time_param(params, "end_time")
        token = read_token(params, token_name)
        candidates = [
            t for t in candidates
            if (since is None or int(t.id) > since) and (until is None or int(t.id) < until)
            and (start is None or t.created_at >= start) and (end is None or t.created_at <= end)
        ]
        if token and token[0] == "n":
            page = [t for t in candidates if int(t.id) < token[1]][:limit]
        elif token:
            page = [t for t in candidates if int(t.id) > token[1]][-limit:]
        else:
            page = candidates[:limit]
        if not page:
            return 200, {"meta": {"result_count": 0}}
        newest, oldest = int(page[0].id), int(page[-1].id)
        meta = {"newest_id": page[0].id, "oldest_id": page[-1].id, "result_count": len(page)}
        if int(candidates[-1].id) < oldest:
            meta["next_token"] = page_token("n", oldest)
        if with_previous and int(candidates[0].id) > newest:
            meta["previous_token"] = page_token("p", newest)
        body = {"data": [t.render(tweet_fields) for t in page]}
        includes = self._includes(page, expansions, tweet_fields, user_fields)
        if includes:
            body["includes"] = includes
        body["meta"] = meta
        return 200, body

    def _includes(self, tweets: list[Tweet], expansions: frozenset, tweet_fields: frozenset, user_fields: frozenset):
        users: dict[str, User] = {}
        referenced: dict[str, Tweet] = {}
        for t in tweets:
            if "author_id" in expansions:
                users.setdefault(t.author.id, t.author)
            if "in_reply_to_user_id" in expansions and t.in_reply_to:
                users.setdefault(t.in_reply_to.id, t.in_reply_to)
            if "entities.mentions.username" in expansions:
                for m in t.mentions:
                    users.setdefault(m["id"], self.users_by_id[m["id"]])
            for ref in t.referenced:
                target = self.tweets.get(ref["id"])
                if target and "referenced_tweets.id" in expansions:
                    referenced.setdefault(target.id, target)
                if target and "referenced_tweets.id.author_id" in expansions:
                    users.setdefault(target.author.id, target.author)
        out = {}
        if users:
            out["users"] = [u.render(user_fields) for u in users.values()]
        if referenced:
            out["tweets"] = [t.render(tweet_fields) for t in referenced.values()]
        return out

    def _newest_first(self) -> list[Tweet]:
        return sorted(self.tweets.values(), key=lambda t: int(t.id), reverse=True)

    def get_user_by_username(self, match, params, auth, body):
        user_fields = user_fields_param(params)
        username = match[1]
        check_username(username, "username")
        user = self.users.get(username.lower())
        if user is None:
            return 200, {"errors": [not_found("username", username)]}
        return 200, {"data": user.render(user_fields)}

    def get_users_by_usernames(self, match, params, auth, body):
        user_fields = user_fields_param(params, ("usernames",))
        if not params.get("usernames"):
            raise invalid("usernames", [], "Request parameter `usernames` can not be empty")
        names = params["usernames"].split(",")
        if len(names) > 100:
            message = f"The number of values in the `usernames` query parameter list [{len(names)}] is not between 1 and 100"
            raise invalid("usernames", params["usernames"], message)
        for name in names:
            check_username(name, "usernames")
        found = [self.users[n.lower()].render(user_fields) for n in names if n.lower() in self.users]
        missing = [not_found("usernames", n) for n in names if n.lower() not in self.users]
        return 200, {**({"data": found} if found else {}), **({"errors": missing} if missing else {})}

    def get_me(self, match, params, auth, body):
        user_fields = user_fields_param(params)
        if auth.kind != "oauth":
            raise ApiError(403, UNSUPPORTED_AUTH)
        return 200, {"data": self._oauth_user(auth).render(user_fields)}

    def get_mentions(self, match, params, auth, body):
        check_known(params, (*TIMELINE_PARAMS, "pagination_token"))
        user_id = match[1]
        if not ID_RE.fullmatch(user_id):
            raise invalid("id", user_id, f"The `id` query parameter value [{user_id}] does not match {ID_PATTERN}")
        limit = bounded_int(params, "max_results", 5, 100, 10)
        user = self.users_by_id.get(user_id)
        if user is None:
            return 200, {"errors": [not_found("id", user_id)]}
        mentions = [t for t in self._newest_first() if any(m["id"] == user.id for m in t.mentions)]
        return self._render_timeline(mentions[:MENTIONS_CAP], params, limit, "pagination_token", with_previous=True)

    def search_recent(self, match, params, auth, body):
        check_known(params, ("query", *TIMELINE_PARAMS, "next_token", "sort_order"))
        query = params.get("query")
        if not query:
            raise invalid("query", [], "Request parameter `query` can not be empty")
        if len(query) > MAX_QUERY_LENGTH:
            message = f"Query length ({len(query)}) exceeds the maximum of {MAX_QUERY_LENGTH} characters"
            raise invalid("query", query, f"There were errors processing your request: {message}")
        sort_order = params.get("sort_order", "recency")
        if sort_order not in ("recency", "relevancy"):
            message = f"The `sort_order` query parameter value [{sort_order}] is not one of [recency,relevancy]"
            raise invalid("sort_order", sort_order, message)
        limit = bounded_int(params, "max_results", 10, 100, 10)
        predicate = QueryParser(query).parse()
        now = utcnow()
        cutoff = now - SEARCH_WINDOW  # recent search refuses bounds older than its 7 days
        start, end = time_param(params, "start_time"), time_param(params, "end_time")
        if start is not None and start < cutoff:
            message = f"'start_time' must be on or after {cutoff:%Y-%m-%dT%H:%MZ}"
            raise invalid("start_time", params["start_time"], f"Invalid 'start_time':'{params['start_time']}'. {message}")
        if end is not None and end > now - timedelta(seconds=10):
            message = "'end_time' must be a minimum of 10 seconds prior to the request time."
            raise invalid("end_time", params["end_time"], f"Invalid 'end_time':'{params['end_time']}'. {message}")
        for name in ("since_id", "until_id"):
            value = id_param(params, name)
            if value is not None and snowflake_time(value) < cutoff:
                message = f"'{name}' must be a tweet id created after {cutoff:%Y-%m-%dT%H:%MZ}"
                raise invalid(name, params[name], f"Invalid '{name}':'{params[name]}'. {message}")
        found = [t for t in self._newest_first() if t.created_at >= cutoff and predicate(t)]
        return self._render_timeline(found, params, limit, "next_token", with_previous=False)

    def create_tweet(self, match, params, auth, raw_body):
        if auth.kind != "oauth":
            raise ApiError(403, UNSUPPORTED_AUTH)
        try:
            payload = json.loads(raw_body or b"null")
        except ValueError:
            payload = None
        if not isinstance(payload, dict):
            raise ApiError(400, {"errors": [{"message": "Request body must be a JSON object"}], **INVALID_REQUEST})
        text = payload.get("text")
        if not isinstance(text, str) or not text.strip():
            message = "$.text: a post needs text (media are not emulated)"
            raise ApiError(400, {"errors": [{"message": message}], **INVALID_REQUEST})
        if tweet_weight(text) > MAX_TWEET_WEIGHT:
            raise ApiError(400, {
                "detail": "Your Tweet text is too long. For more information on how Twitter determines text length "
                          "see https://github.com/twitter/twitter-text.",
                "type": "about:blank", "title": "Bad Request", "status": 400,
            })
        parent_id = (payload.get("reply") or {}).get("in_reply_to_tweet_id")
        if parent_id is not None and str(parent_id) not in self.tweets:
            raise forbidden("You attempted to reply to a Tweet that is deleted or not visible to you.")
        author = self._oauth_user(auth)
        referenced = [{"type": "replied_to", "id": str(parent_id)}] if parent_id is not None else []
        if any(p.author is author and p.text == text and p.referenced == referenced for p in self.posts):
            raise forbidden("You are not allowed to create a Tweet with duplicate content.")
        tweet = self._add_tweet(author.username, text, utcnow(), in_reply_to=parent_id)
        self.posts.append(tweet)
        return 201, {"data": {"edit_history_tweet_ids": [tweet.id], "id": tweet.id, "text": tweet.text}}

    def _oauth_user(self, auth: Auth) -> User:
        # X access tokens start with the user's id ("<user id>-..."); anything else posts as the bot.
        user_id = auth.token.partition("-")[0]
        return self.users_by_id.get(user_id, self.bot)

    # --- control endpoints ---------------------------------------------------------------

    def control(self, method: str, path: str, raw_body: bytes) -> tuple[int, object]:
        try:
            payload = json.loads(raw_body) if raw_body else {}
            if (method, path) == ("POST", "/_control/reset"):
                self.reset(payload.get("mentions", True))
                return 200, {"reset": True}
            if (method, path) == ("POST", "/_control/users"):
                return 200, self.add_user(payload["username"], payload.get("name")).render(ALL_USER_FIELDS)
            if (method, path) == ("POST", "/_control/tweets"):
                specs = payload if isinstance(payload, list) else [payload]
                return 200, [t.render(ALL_TWEET_FIELDS) for t in self.add_tweets(specs)]
            if (method, path) == ("POST", "/_control/faults"):
                self.add_fault(**payload)
                return 200, {"queued": len(self.faults)}
            if (method, path) == ("DELETE", "/_control/faults"):
                self.clear_faults()
                return 200, {"queued": 0}
            if (method, path) == ("POST", "/_control/rate_limits"):
                self.set_rate_limit(**payload)
                return 200, self.windows[payload["family"]].headers()
            if (method, path) == ("GET", "/_control/posts"):
                return 200, self.posted()
            if (method, path) == ("GET", "/_control/calls"):
                return 200, self.call_log()
            if (method, path) == ("DELETE", "/_control/calls"):
                with self._lock:
                    self.calls.clear()
                return 200, []
        except (ValueError, KeyError, TypeError) as e:
            return 400, {"error": f"{type(e).__name__}: {e}"}
        return 404, {"error": f"no control endpoint {method} {path}"}


def _json_or_raw(raw: bytes):
    try:
        return json.loads(raw)
    except ValueError:
        return raw.decode("utf-8", "replace")


ROUTES = [
    ("GET", re.compile(r"/2/users/by/username/([^/]+)"), "users", XState.get_user_by_username),
    ("GET", re.compile(r"/2/users/by"), "users", XState.get_users_by_usernames),
    ("GET", re.compile(r"/2/users/me"), "users", XState.get_me),
    ("GET", re.compile(r"/2/users/([^/]+)/mentions"), "mentions", XState.get_mentions),
    ("GET", re.compile(r"/2/tweets/search/recent"), "search", XState.search_recent),
    ("POST", re.compile(r"/2/tweets"), "post", XState.create_tweet),
]


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as tweepy's session expects
    # Headers and body go out in two writes; without this, Nagle plus delayed ACKs add ~40 ms a request.
    disable_nagle_algorithm = True
    server: "_HttpServer"

    def do_GET(self):
        self._dispatch("GET")

    def do_POST(self):
        self._dispatch("POST")

    def do_DELETE(self):
        self._dispatch("DELETE")

    def do_PUT(self):
        self._dispatch("PUT")

    def _dispatch(self, method: str) -> None:
        url = urlsplit(self.path)
        params = {k: v[-1] for k, v in parse_qs(url.query, keep_blank_values=True).items()}
        raw_body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        state = self.server.state
        if url.path.startswith("/_control/"):
            status, payload = state.control(method, url.path, raw_body)
            self._send(status, json.dumps(payload, ensure_ascii=False).encode("utf-8"), {})
        else:
            self._send(*state.api(method, url.path, params, self.headers.get("Authorization"), raw_body))

    def _send(self, status: int, data: bytes, headers: dict) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format, *args):
        pass  # tests and the CLI stay quiet; GET /_control/calls is the request log


class _HttpServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address, state: XState):
        self.state = state
        super().__init__(address, _Handler)


class XApiServer:
    """The local X API v2 server. Binds on construction; `start()` serves from a daemon thread."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0, seed: Path | str = DEFAULT_SEED_PATH, *,
                 handles: Path | str = DEFAULT_HANDLES_PATH, bot: str | None = None, rate_limits: dict | None = None):
        self.state = XState(Path(seed), Path(handles), bot, rate_limits)
        self._httpd = _HttpServer((host, port), self.state)
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> str:
        # A short poll interval lets stop() return at once instead of after up to half a second.
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, name="xapi", daemon=True
        )
        self._thread.start()
        return self.url

    def stop(self) -> None:
        if self._thread:
            self._httpd.shutdown()
            self._thread.join()
            self._thread = None
        self._httpd.server_close()

    def __enter__(self) -> "XApiServer":
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def reset(self, mentions: bool = True) -> None:
        """Back to the seed state: users, tweets, no faults, fresh rate-limit windows, empty call log."""
        self.state.reset(mentions)

    def add_user(self, username: str, name: str | None = None) -> dict:
        return self.state.add_user(username, name).render(ALL_USER_FIELDS)

    def add_tweets(self, *specs: dict) -> list[dict]:
        return [t.render(ALL_TWEET_FIELDS) for t in self.state.add_tweets(list(specs))]

    def add_fault(self, **fault) -> None:
        self.state.add_fault(**fault)

    def set_rate_limit(self, family: str, limit: int, **window) -> None:
        self.state.set_rate_limit(family, limit, **window)

    def posts(self) -> list[dict]:
        """The tweets posted through POST /2/tweets, oldest first, with all modelled fields."""
        return self.state.posted()

    def calls(self) -> list[dict]:
        """The API requests received: method, path, query, status, auth kind, time and JSON body."""
        return self.state.call_log()
