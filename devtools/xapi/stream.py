"""The filtered stream's connection: `GET /2/tweets/search/stream`, app-only, one connection per
app (a second is refused with X's 429 TooManyConnections; none at all without rules: 409). A live
connection gets each post that matches a rule as it is published (a post dated later on the
scaled clock when the clock reaches it), one JSON object a line: `data`, `includes` and
`matching_rules` [{id, tag}]; and `\\r\\n` as keep-alive after 20 seconds without one (settable).
Every post sent is billed as a post read (once per post per UTC day). The control endpoint can
drop the connection (X's operational-disconnect line first), drop a share of deliveries, and cut
the connection mid-post (half a JSON line, then the connection closes without ending the response:
the next deliveries, or a share of them), chosen deterministically from a seed and the post, so a
run can be repeated."""

from __future__ import annotations

import hashlib
import heapq
import json
import threading
import time
from datetime import datetime

from .errors import ApiError
from .model import Tweet
from .params import TWEET_EXPANSIONS, TWEET_FIELDS, USER_FIELDS, check_known, csv_param
from .timeline import expand

STREAM_PATH = "/2/tweets/search/stream"
KEEPALIVE_SECONDS = 20.0
TICK_SECONDS = 0.1  # how often a connection looks for posts come due and for a client gone
CONNECTION_PROBLEM = "https://api.twitter.com/2/problems/streaming-connection"
TOO_MANY_CONNECTIONS = {
    "title": "ConnectionException",
    "detail": "This stream is currently at the maximum allowed connection limit.",
    "connection_issue": "TooManyConnections",
    "type": CONNECTION_PROBLEM,
}
NO_RULES = {
    "title": "ConnectionException",
    "detail": "You must define rules using the POST /2/tweets/search/stream/rules endpoint before connecting to "
              "filtered stream.",
    "connection_issue": "RuleConfigurationIssue",
    "type": CONNECTION_PROBLEM,
}
OPERATIONAL_DISCONNECT = {"errors": [{
    "title": "operational-disconnect",
    "disconnect_type": "OperationalDisconnect",
    "detail": "This stream has been disconnected for operational reasons.",
    "type": "https://api.twitter.com/2/problems/operational-disconnect",
}]}
STREAM_PARAMS = ("expansions", "tweet.fields", "user.fields", "media.fields", "poll.fields", "place.fields",
                 "backfill_minutes")


class Connection:
    """One live stream: the fields and expansions it asked for, and whether it is still open."""

    def __init__(self, hub: "StreamHub", tweet_fields, user_fields, expansions):
        self.hub = hub
        self.fields = (tweet_fields, user_fields, expansions)
        self.wake = threading.Event()
        self.closed = threading.Event()
        self.operational = False  # closed by X (the control endpoint), which says so first
        self.done = threading.Event()  # the serving thread has finished

    def close(self, operational: bool = False) -> None:
        self.operational = operational
        self.closed.set()
        self.wake.set()

    def due(self, state) -> list[bytes]:
        """The lines to send now: waiting posts whose time has come and that match a rule, rendered
        and billed (posts of a suspended author or deleted meanwhile are not). The caller holds the lock."""
        ready = self.hub.come_due(state.clock.now())
        tweet_fields, user_fields, expansions = self.fields
        lines = []
        for tweet in ready:
            rules = state.stream_rules.matching(tweet)
            shown = state.tweets.get(tweet.id) is tweet and tweet.author.active
            if not rules or not shown:
                continue
            body = {"data": tweet.render(tweet_fields)}
            includes, errors = expand(state, [tweet], expansions, tweet_fields, user_fields)
            if includes:
                body["includes"] = includes
            if errors:
                body["errors"] = errors
            body["matching_rules"] = [r.reference() for r in rules]
            state.costs.bill(state, "stream_connect", "GET", STREAM_PATH, 200, body)
            lines.append(json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8") + b"\r\n")
        return lines


class StreamHub:
    """The app's one stream connection and the control knobs. The caller holds the state's lock
    unless a method says otherwise."""

    def __init__(self):
        self.connection: Connection | None = None
        self.reset()

    def reset(self) -> None:
        self.disconnect(operational=False)
        # Posts to deliver, by date: those published while connected, and those dated ahead of the
        # clock (published early by the bench), which go out when the clock reaches them.
        self.waiting: list[tuple[datetime, int, Tweet]] = []
        self.keepalive_seconds = KEEPALIVE_SECONDS
        self.drop_share = 0.0
        self.cut_share = 0.0  # a share of deliveries cut in half, the connection closed mid-post
        self.cut_next = 0  # the next this many deliveries are cut so
        self.seed = 0
        self.connects = 0

    def open(self, state, params: dict) -> Connection:
        check_known(params, STREAM_PARAMS)
        tweet_fields = csv_param(params, "tweet.fields", TWEET_FIELDS)
        user_fields = csv_param(params, "user.fields", USER_FIELDS)
        expansions = csv_param(params, "expansions", TWEET_EXPANSIONS)
        if self.connection is not None and not self.connection.closed.is_set():
            raise ApiError(429, TOO_MANY_CONNECTIONS)
        if not state.stream_rules.rules:
            raise ApiError(409, NO_RULES)
        self.come_due(state.clock.now())  # what came due while no one was connected is missed, as on X
        self.connection = Connection(self, tweet_fields, user_fields, expansions)
        self.connects += 1
        return self.connection

    def release(self, connection: Connection) -> None:
        """The serving thread is done with a connection (any thread, no lock needed)."""
        connection.closed.set()
        connection.done.set()
        if self.connection is connection:
            self.connection = None

    def published(self, tweet: Tweet, now: datetime) -> None:
        """A post was created or edited: the live connection gets it, now or at its date, unless it
        falls in the dropped share (decided here, under the settings of the moment)."""
        live = self.connection is not None and not self.connection.closed.is_set()
        if (live or tweet.created_at > now) and not self.dropped(tweet.id):
            heapq.heappush(self.waiting, (tweet.created_at, int(tweet.id), tweet))
        if live:
            self.connection.wake.set()

    def come_due(self, now: datetime) -> list[Tweet]:
        """The waiting posts dated by `now`, oldest first, taken off the wait."""
        ready = []
        while self.waiting and self.waiting[0][0] <= now:
            ready.append(heapq.heappop(self.waiting)[2])
        return ready

    def disconnect(self, operational: bool = True) -> bool:
        """Drop the live connection, if any; whether there was one."""
        connection = self.connection
        if connection is None or connection.closed.is_set():
            return False
        connection.close(operational)
        return True

    def cut(self, line: bytes) -> bool:
        """Whether this delivery is cut mid-post (any thread: a lost race costs one cut more or less)."""
        if self.cut_next:
            self.cut_next -= 1
            return True
        if not self.cut_share:
            return False
        digest = hashlib.sha256(b"cut:%d:" % self.seed + line).digest()
        return int.from_bytes(digest[:8], "big") / 2 ** 64 < self.cut_share

    def dropped(self, tweet_id: str) -> bool:
        if not self.drop_share:
            return False
        digest = hashlib.sha256(f"{self.seed}:{tweet_id}".encode()).digest()
        return int.from_bytes(digest[:8], "big") / 2 ** 64 < self.drop_share

    def configure(self, payload: dict) -> dict:
        unknown = set(payload) - {"disconnect", "drop_share", "cut_share", "cut_next", "seed", "keepalive_seconds"}
        if unknown:
            raise ValueError(f"unknown stream settings {sorted(unknown)}")
        if "drop_share" in payload:
            share = float(payload["drop_share"])
            if not 0 <= share <= 1:
                raise ValueError("drop_share is between 0 and 1")
            self.drop_share = share
        if "cut_share" in payload:
            share = float(payload["cut_share"])
            if not 0 <= share <= 1:
                raise ValueError("cut_share is between 0 and 1")
            self.cut_share = share
        if "cut_next" in payload:
            if int(payload["cut_next"]) < 0:
                raise ValueError("cut_next cannot be negative")
            self.cut_next = int(payload["cut_next"])
        if "seed" in payload:
            self.seed = int(payload["seed"])
        if "keepalive_seconds" in payload:
            seconds = float(payload["keepalive_seconds"])
            if not seconds > 0:
                raise ValueError("keepalive_seconds must be positive")
            self.keepalive_seconds = seconds
        disconnected = self.disconnect() if payload.get("disconnect") else False
        return self.report() | {"disconnected": disconnected}

    def report(self) -> dict:
        live = self.connection is not None and not self.connection.closed.is_set()
        return {"connected": live, "connects": self.connects, "drop_share": self.drop_share, "cut_share": self.cut_share,
                "cut_next": self.cut_next, "seed": self.seed,
                "keepalive_seconds": self.keepalive_seconds}


def serve(state, connection: Connection, write, client_gone) -> bool:
    """Send a connection's deliveries and keep-alives until it is closed or the client goes; runs in
    the request's thread, taking the state's lock only to collect what is due. True when a post was
    cut in half (an injected fault): the caller closes the connection without ending the response."""
    hub = connection.hub
    last_sent = time.monotonic()
    try:
        while not connection.closed.is_set():
            connection.wake.clear()
            with state.lock:
                lines = connection.due(state)
            for line in lines:
                if hub.cut(line):
                    write(line[: len(line) // 2])
                    return True
                write(line)
                last_sent = time.monotonic()
            if time.monotonic() - last_sent >= hub.keepalive_seconds:
                write(b"\r\n")
                last_sent = time.monotonic()
            if client_gone():
                return False
            wait = min(TICK_SECONDS, max(0.0, hub.keepalive_seconds - (time.monotonic() - last_sent)))
            connection.wake.wait(wait)
        if connection.operational:
            write(json.dumps(OPERATIONAL_DISCONNECT).encode("utf-8") + b"\r\n")
        return False
    except OSError:
        return False  # the client went away mid-write
    finally:
        hub.release(connection)
