"""What X does around every v2 endpoint: route the request, apply an injected fault, require
authentication, count it against its rate-limit window and log the call."""

from __future__ import annotations

import json
import time

from urllib.parse import parse_qs

from .auth import Auth, authenticate, check_scopes, parse_auth
from .errors import ApiError, problem
from .model import iso, utcnow
from .oauth2 import OAuthError
from .routes import ROUTES
from .state import Fault, XState


def answer(
    state: XState, method: str, path: str, params: dict, authorization: str | None, raw_body: bytes
) -> tuple[int, bytes, dict]:
    """Answer one API request: status, body bytes and headers."""
    route = next(((family, handler, m) for verb, pattern, family, handler in ROUTES
                  if verb == method and (m := pattern.fullmatch(path))), None)
    fault = state.take_fault(path) if route else None
    if fault and fault.delay_seconds:
        time.sleep(fault.delay_seconds)  # outside the lock: other requests go on meanwhile
    with state.lock:
        auth = authenticate(state, parse_auth(authorization))
        status, body, headers = _answer(state, route, fault, params, auth, raw_body)
        _log(state, method, path, params, status, auth.kind if auth else None, raw_body)
    data = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    if fault and fault.malformed:
        status, data = 200, data[: len(data) // 2]
    return status, data, headers


def _answer(state: XState, route, fault: Fault | None, params: dict, auth: Auth | None, raw_body: bytes):
    if route is None:
        return 404, {"errors": [{"message": "Sorry, that page does not exist", "code": 34}]}, {}
    family, handler, match = route
    window = state.window(family)
    if fault and fault.status == 429:
        # The fault reports an exhausted window; the real window is left alone so `times` holds.
        reset = int(time.time()) + fault.reset_in_seconds if fault.reset_in_seconds is not None else window.reset
        return 429, problem(429), window.headers(remaining=0, reset=reset)
    if fault and fault.status:
        return fault.status, problem(fault.status), window.headers()
    if auth is None:
        return 401, problem(401), window.headers()
    try:
        check_scopes(auth, family)
    except ApiError as e:
        return e.status, e.body, window.headers()
    if window.remaining <= 0:
        return 429, problem(429), window.headers()
    window.remaining -= 1
    try:
        status, body = handler(state, match, params, auth, raw_body)
    except ApiError as e:
        status, body = e.status, e.body
    return status, body, window.headers()


OAUTH_PATHS = {("GET", "/i/oauth2/authorize"), ("POST", "/2/oauth2/token"), ("POST", "/2/oauth2/revoke")}


def oauth_endpoint(
    state: XState, method: str, path: str, params: dict, authorization: str | None, raw_body: bytes
) -> tuple[int, bytes, str]:
    """The OAuth 2.0 endpoints: status, body and its content type (the consent page is HTML)."""
    form = {k: v[-1] for k, v in parse_qs(raw_body.decode("utf-8", "replace"), keep_blank_values=True).items()}
    with state.lock:
        try:
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
            state.calls[-1]["form_fields"] = sorted(form)
    if isinstance(body, str):
        return status, body.encode("utf-8"), "text/html; charset=utf-8"
    return status, json.dumps(body).encode("utf-8"), "application/json; charset=utf-8"


def _log(state: XState, method, path, params, status, auth_kind, raw_body: bytes) -> None:
    state.calls.append({
        "method": method, "path": path, "query": params, "status": status, "auth": auth_kind, "at": iso(utcnow()),
        **({"json": _json_or_raw(raw_body)} if raw_body else {}),
    })


def _json_or_raw(raw: bytes):
    try:
        return json.loads(raw)
    except ValueError:
        return raw.decode("utf-8", "replace")
