"""The /_control/ endpoints (no auth): seed users and tweets, inject faults, set rate limits, and
show what the product posted and called."""

from __future__ import annotations

import json
import re

from .model import ALL_TWEET_FIELDS, ALL_USER_FIELDS
from .oauth2 import OAuthError
from .state import XState

TWEET_PATH = re.compile(r"/_control/tweets/([0-9]{1,19})")


def control(state: XState, method: str, path: str, raw_body: bytes) -> tuple[int, object]:
    """Answer one control request: status and a JSON body; a bad payload is a 400."""
    try:
        payload = json.loads(raw_body) if raw_body else {}
        if path.startswith("/_control/oauth2/"):
            return _oauth2(state, method, path.removeprefix("/_control/oauth2/"), payload)
        if (method, path) == ("POST", "/_control/reset"):
            state.reset(payload.get("mentions", True))
            return 200, {"reset": True}
        if (method, path) == ("POST", "/_control/users"):
            return 200, state.add_user(payload["username"], payload.get("name")).render(ALL_USER_FIELDS)
        if (method, path) == ("POST", "/_control/tweets"):
            specs = payload if isinstance(payload, list) else [payload]
            return 200, [t.render(ALL_TWEET_FIELDS) for t in state.add_tweets(specs)]
        if method == "DELETE" and (deleted := TWEET_PATH.fullmatch(path)):
            return 200, {"deleted": state.delete_tweet(deleted[1])}
        if (method, path) == ("POST", "/_control/faults"):
            state.add_fault(**payload)
            return 200, {"queued": len(state.faults)}
        if (method, path) == ("DELETE", "/_control/faults"):
            state.clear_faults()
            return 200, {"queued": 0}
        if (method, path) == ("POST", "/_control/rate_limits"):
            state.set_rate_limit(**payload)
            return 200, state.windows[payload["family"]].headers()
        if (method, path) == ("GET", "/_control/posts"):
            return 200, state.posted()
        if (method, path) == ("GET", "/_control/calls"):
            return 200, state.call_log()
        if (method, path) == ("DELETE", "/_control/calls"):
            state.clear_calls()
            return 200, []
    except (ValueError, KeyError, TypeError) as e:
        return 400, {"error": f"{type(e).__name__}: {e}"}
    return 404, {"error": f"no control endpoint {method} {path}"}


def _oauth2(state: XState, method: str, name: str, payload: dict) -> tuple[int, object]:
    """The app's registration, a user's consent, and what a user or two hours do to tokens."""
    oauth2 = state.oauth2
    with state.lock:
        if (method, name) == ("POST", "client"):
            return 200, oauth2.register(payload)
        if (method, name) == ("GET", "grants"):
            return 200, oauth2.grant_list(lambda user_id: state.users_by_id[user_id].username)
        if method != "POST" or name not in ("consent", "expire", "revoke_grant"):
            return 404, {"error": f"no control endpoint {method} /_control/oauth2/{name}"}
        user = state.users.get(str(payload["username"]).lower())
        if user is None:
            raise ValueError(f"no user {payload['username']!r}")
        if name == "expire":
            return 200, {"expired": oauth2.expire(user.id)}
        if name == "revoke_grant":
            return 200, {"revoked": oauth2.revoke_grant(user.id)}
        try:
            return 200, {"location": oauth2.consent(payload["authorize_url"], user.id, bool(payload.get("approve", True)))}
        except OAuthError as e:
            return e.status, e.body
