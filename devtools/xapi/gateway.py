"""What X does around every v2 endpoint: route the request, apply an injected fault, require
authentication, count it against its rate-limit windows, bill it and log the call; and the OAuth
2.0 endpoints. A stream connection that opens is answered with its Connection, for the server to
stream."""

from __future__ import annotations

import json
import time

from urllib.parse import parse_qs

from .auth import Auth, authenticate, check_scopes, parse_auth
from .errors import ApiError, problem
from .model import iso
from .oauth2 import OAuthError
from .ratelimits import WINDOW_SECONDS, Window
from .routes import ROUTES
from .state import Fault, XState
from .stream import Connection


DROP = object()  # in place of a body: close the connection without answering


def answer(
    state: XState, method: str, path: str, params: dict, authorization: str | None, raw_body: bytes
) -> tuple[int, bytes, dict]:
    """Answer one API request: status, body bytes (or DROP) and headers."""
    route = next(((family, handler, m) for verb, pattern, family, handler in ROUTES
                  if verb == method and (m := pattern.fullmatch(path))), None)
    fault = state.take_fault(path) if route else None
    if fault and fault.delay_seconds:
        time.sleep(fault.delay_seconds)  # outside the lock: other requests go on meanwhile
    if fault and fault.drop:
        with state.lock:
            _log(state, method, path, params, 0, None, raw_body)
        return 0, DROP, {}
    with state.lock:
        auth = authenticate(state, parse_auth(authorization))
        status, body, headers = _answer(state, route, fault, method, path, params, auth, raw_body)
        _log(state, method, path, params, status, auth.kind if auth else None, raw_body)
    if isinstance(body, Connection):
        return status, body, headers  # the server streams it
    if fault and fault.answer_lost:
        return status, DROP, headers  # done, and the answer never arrives
    data = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    if fault and fault.malformed:
        status, data = 200, broken(data, fault.malformed)
    return status, data, headers


def broken(data: bytes, how: str) -> bytes:
    """A body as a faulty network or proxy delivers it."""
    if how == "html":
        return b"<html><head><title>502 Bad Gateway</title></head><body>Bad Gateway</body></html>"
    if how == "wrong_shape":
        return b'{"data":"unexpected","meta":"unexpected"}'
    return data[: len(data) // 2]


def _answer(state: XState, route, fault: Fault | None, method: str, path: str, params: dict, auth: Auth | None,
            raw_body: bytes):
    if route is None:
        return 404, {"errors": [{"message": "Sorry, that page does not exist", "code": 34}]}, {}
    family, handler, match = route
    windows = state.rates.applying(family, auth.user_id if auth else None)
    headers = {k: v for w in reversed(windows) for k, v in w.headers().items()}
    if fault and fault.status == 429 and not fault.reset_header:
        return 429, problem(429), {k: v for k, v in headers.items() if not k.startswith("x-rate-limit-")}
    if fault and fault.status == 429:
        # The fault reports an exhausted window; the real window is left alone so `times` holds.
        primary = windows[0] if windows else Window(0, 0, int(state.clock.time()) + WINDOW_SECONDS)
        reset = int(state.clock.time()) + fault.reset_in_seconds if fault.reset_in_seconds is not None else primary.reset
        return 429, problem(429), headers | primary.headers(remaining=0, reset=reset)
    if fault and fault.status:
        return fault.status, problem(fault.status), headers
    if auth is None:
        return 401, problem(401), headers
    try:
        check_scopes(auth, family)
    except ApiError as e:
        return e.status, e.body, headers
    if any(w.remaining <= 0 for w in windows):
        return 429, problem(429), headers
    for window in windows:
        window.remaining -= 1
    headers = {k: v for w in reversed(windows) for k, v in w.headers().items()}
    try:
        status, body = handler(state, match, params, auth, raw_body)
    except ApiError as e:
        status, body = e.status, e.body
    state.costs.bill(state, family, method, path, status, body)
    return status, body, headers


OAUTH_PATHS = {("GET", "/i/oauth2/authorize"), ("POST", "/2/oauth2/token"), ("POST", "/2/oauth2/revoke")}


def oauth_endpoint(
    state: XState, method: str, path: str, params: dict, authorization: str | None, raw_body: bytes
) -> tuple[int, bytes, str]:
    """The OAuth 2.0 endpoints: status, body and its content type (the consent page is HTML)."""
    form = {k: v[-1] for k, v in parse_qs(raw_body.decode("utf-8", "replace"), keep_blank_values=True).items()}
    fault = state.take_fault(path) if path.startswith("/2/") else None
    if fault and fault.delay_seconds:
        time.sleep(fault.delay_seconds)
    if fault and fault.drop:
        return 0, DROP, ""
    with state.lock:
        try:
            if fault and fault.status:
                raise OAuthError(fault.status, problem(fault.status))
            if fault and fault.oauth_error:
                raise OAuthError(400, {"error": fault.oauth_error, "error_description": "Value passed for the token "
                                                                                         "was invalid."})
            if path == "/i/oauth2/authorize":
                status, body = 200, state.oauth2.consent_page(params)
            elif path == "/2/oauth2/token":
                status, body = 200, state.oauth2.token(authorization, form)
            else:
                status, body = 200, state.oauth2.revoke(authorization, form)
        except OAuthError as e:
            status, body = e.status, e.body
        # Secrets stay out of the call log: only which fields were sent.
        _log(state, method, path, params, status, "basic" if path.startswith("/2/") else None, b"")
        if path.startswith("/2/"):
            state.calls.last()["form_fields"] = sorted(form)
    if fault and fault.answer_lost:
        return status, DROP, ""
    if isinstance(body, str):
        return status, body.encode("utf-8"), "text/html; charset=utf-8"
    data = json.dumps(body).encode("utf-8")
    if fault and fault.malformed:
        status, data = 200, broken(data, fault.malformed)
    return status, data, "application/json; charset=utf-8"


def _log(state: XState, method, path, params, status, auth_kind, raw_body: bytes) -> None:
    state.calls.append({
        "method": method, "path": path, "query": params, "status": status, "auth": auth_kind, "at": iso(state.clock.now()),
        **({"json": _json_or_raw(raw_body)} if raw_body else {}),
    })


def _json_or_raw(raw: bytes):
    try:
        return json.loads(raw)
    except ValueError:
        return raw.decode("utf-8", "replace")
