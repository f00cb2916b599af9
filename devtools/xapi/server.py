"""A local stand-in for the X API v2, for development and tests (there is no internet here).

It serves what the complaint desk uses (user lookup, the mentions timeline, recent search, the
filtered stream and its rules, post lookup and posting) with X's 2026 behaviour, so real tweepy
(Client and StreamingClient) can be pointed at it and tests fail where X would: response shapes,
status codes and error bodies; snowflake ids; long posts cut in `text` and whole in note_tweet;
HTML-escaped text; `errors` arrays for suspended and deleted users; edited posts with their edit
chain; the reply rule for self-serve apps (a reply only where the parent's author engaged the
account); rate windows per app and per user with X's published limits; recent search finding a
post only `index_delay_seconds` (30) after it is posted; and a ledger of what pay-per-use would
bill. Endpoints under /_control/ (no auth) seed users and tweets, suspend, delete and edit, inject
faults, set rate limits, stand in for a person's OAuth consent, drive the stream (disconnect it,
drop a share of deliveries, set the keep-alive), set the indexing delay and the clock, and show
what the product posted, called and would have paid.

The filtered stream (stream.py, stream_rules.py): rules of up to 1,024 characters in the search
query language; `GET /2/tweets/search/stream` with the app-only bearer token holds a chunked
response open in its request thread (ThreadingHTTPServer) and writes one JSON object a line, each
post that matches a rule as it is published, with `matching_rules`, and `\r\n` keep-alives every
20 seconds; one connection per app. stop() ends live streams before it returns.

Time (clock.py) is real by default; `POST /_control/clock {"now", "rate"}` or set_clock() makes it
start at a chosen instant and run `rate` times as fast, and everything X times follows it (post
dates and ids, rate windows, tokens, edit windows, search's reach and indexing delay); keep-alives
stay in real seconds. reset() restores real time.

Authentication as on X: a Bearer token is either the app's registered app-only token or a user
access token from OAuth 2.0 Authorization Code with PKCE (oauth2.py); OAuth 1.0a user context acts
as the user whose id leads the access token.

Known simplifications: OAuth 1.0a signatures are not verified; a person's consent is a control
call; a posted reply keeps exactly the text sent (X prefixes the replied-to @handles); links keep
their own address rather than a t.co one; only mentions, hashtags and links are entities; the
wording of X's refusals of an edit, of a rule too long and of the rule cap is not published, so
ours is our own; quoting a post does not count as engaging for the reply rule (quotes are not
modelled); the stream has no backfill_minutes (accepted, ignored) and no redundant connections;
stream rules take effect at once (X: within about 20 seconds).

This module serves HTTP; state.py holds what X holds, gateway.py applies faults, auth, rate limits
(ratelimits.py) and billing (costs.py) around the v2 endpoints in routes.py, and control.py answers
/_control/.
"""

from __future__ import annotations

import json
import select
import socket
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from datetime import datetime
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from .control import control
from .gateway import DROP, OAUTH_PATHS, answer, oauth_endpoint
from .model import ALL_TWEET_FIELDS, ALL_USER_FIELDS, parse_iso
from .state import XState
from .stream import Connection, serve

HERE = Path(__file__).resolve().parent
DEFAULT_SEED_PATH = HERE / "seed_mentions.json"
DEFAULT_HANDLES_PATH = HERE.parent.parent / "chalicelib" / "data" / "handles.json"


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
            status, payload = control(state, method, url.path, raw_body)
            self._send(status, json.dumps(payload, ensure_ascii=False).encode("utf-8"), {})
        elif (method, url.path) in OAUTH_PATHS:
            status, data, content_type = oauth_endpoint(
                state, method, url.path, params, self.headers.get("Authorization"), raw_body
            )
            if data is DROP:
                return self._drop()
            self._send(status, data, {}, content_type)
        else:
            status, data, headers = answer(state, method, url.path, params, self.headers.get("Authorization"), raw_body)
            if isinstance(data, Connection):
                self._stream(data, headers)
            elif data is DROP:
                self._drop()
            else:
                self._send(status, data, headers)

    def _stream(self, connection: Connection, headers: dict) -> None:
        """Hold a filtered stream open in this request's thread: chunked, one post a line."""
        self.send_response(200)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Transfer-Encoding", "chunked")
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.close_connection = True  # X ends a stream by closing the connection

        def write(data: bytes) -> None:
            self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))

        def client_gone() -> bool:
            readable, _, _ = select.select([self.connection], [], [], 0)
            try:
                return bool(readable) and self.connection.recv(1, socket.MSG_PEEK) == b""
            except OSError:
                return True

        if serve(self.server.state, connection, write, client_gone):
            return self._drop()  # cut mid-post: no closing chunk, as when the network fails
        try:
            self.wfile.write(b"0\r\n\r\n")
        except OSError:
            pass

    def _drop(self) -> None:
        """An injected fault: the connection closes without an answer."""
        self.close_connection = True
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def _send(self, status: int, data: bytes, headers: dict, content_type="application/json; charset=utf-8") -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
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

    def handle_error(self, request, client_address):
        if isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
            return  # the client gave up (its timeout, as in a timeout fault): nothing to report
        super().handle_error(request, client_address)


class XApiServer:
    """The local X API v2 server. Binds on construction; `start()` serves from a daemon thread."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0, seed: Path | str = DEFAULT_SEED_PATH, *,
                 handles: Path | str = DEFAULT_HANDLES_PATH, bot: str | None = None, rate_limits: dict | None = None,
                 oauth2_client: dict | None = None):
        self.state = XState(Path(seed), Path(handles), bot, rate_limits, oauth2_client)
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
        with self.state.lock:
            connection = self.state.stream.connection
            self.state.stream.disconnect(operational=False)
        if connection is not None:
            connection.done.wait(2)  # its thread notices within a tick
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

    def outage(self, status: int | None = 503) -> dict:
        """Every API request (the token endpoint and the stream's connect too) fails with `status` until
        outage(None); the live stream is dropped."""
        with self.state.lock:
            self.state.faults.set_outage(status)
            if status:
                self.state.stream.disconnect(operational=False)
            return self.state.faults.report()

    def set_rate_limit(self, family: str, limit: int, **window) -> dict:
        """A fresh window (remaining, reset_in_seconds, scope "app" | "user", username); its headers."""
        return self.state.set_rate_limit(family, limit, **window)

    def posts(self) -> list[dict]:
        """The tweets posted through POST /2/tweets, oldest first, with all modelled fields."""
        return self.state.posted()

    def costs(self) -> dict:
        """What X's pay-per-use pricing would bill so far: total_usd, by_kind {kind: {count, usd}}, calls."""
        with self.state.lock:
            return self.state.costs.report()

    def calls(self) -> list[dict]:
        """The API requests received: method, path, query, status, auth kind, time and JSON body."""
        return self.state.call_log()

    def set_stream(self, **settings) -> dict:
        """disconnect=True drops the live connection; drop_share (0..1) with seed; cut_next (the next n
        deliveries) or cut_share (0..1, with seed): a delivery cut in half and the connection closed;
        keepalive_seconds."""
        with self.state.lock:
            return self.state.stream.configure(settings)

    def stream_status(self) -> dict:
        """connected, connects so far, drop_share, seed, keepalive_seconds."""
        with self.state.lock:
            return self.state.stream.report()

    def set_index_delay(self, seconds: float) -> dict:
        """How long after it is posted recent search finds a post (default 30 s)."""
        return self.state.set_index_delay(seconds)

    def set_clock(self, now: datetime | str | None = None, rate: float = 1.0) -> dict:
        """The clock reads `now` from this instant and runs `rate` times as fast; reset() restores real time."""
        self.state.clock.set(parse_iso(now) if isinstance(now, str) else now, rate)
        return self.state.clock.report()
