"""A local stand-in for the X API v2, for development and tests (there is no internet here).

It serves what the complaint desk uses: user lookup, the mentions timeline, recent search and
posting replies, with X's response shapes (long posts cut in `text` and whole in note_tweet,
HTML-escaped text), status codes, error bodies, snowflake ids and
rate-limit headers, so real tweepy can be pointed at it. Endpoints under /_control/ (no auth)
seed tweets, inject faults, shrink rate limits and show what the product sent.

Authentication as on X: a Bearer token is either the app's registered app-only token or a user
access token from OAuth 2.0 Authorization Code with PKCE (oauth2.py: /i/oauth2/authorize,
/2/oauth2/token, /2/oauth2/revoke); OAuth 1.0a user context acts as the user whose id leads the
access token.

Known simplifications: OAuth 1.0a signatures are not verified; a person's consent is the control
call POST /_control/oauth2/consent; a posted reply keeps exactly the text sent (X prefixes the
replied-to @handles); links keep their own address instead of a t.co one.

This module serves HTTP; state.py holds what X holds, gateway.py applies faults, auth and rate
limits around the v2 endpoints in routes.py, and control.py answers /_control/.
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from .control import control
from .gateway import OAUTH_PATHS, answer, oauth_endpoint
from .model import ALL_TWEET_FIELDS, ALL_USER_FIELDS
from .state import XState

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
            self._send(status, data, {}, content_type)
        else:
            self._send(*answer(state, method, url.path, params, self.headers.get("Authorization"), raw_body))

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
