"""The /_control/ endpoints (no auth): seed users and tweets, inject faults, set rate limits, and
show what the product posted and called."""

from __future__ import annotations

import json

from .model import ALL_TWEET_FIELDS, ALL_USER_FIELDS
from .state import XState


def control(state: XState, method: str, path: str, raw_body: bytes) -> tuple[int, object]:
    """Answer one control request: status and a JSON body; a bad payload is a 400."""
    try:
        payload = json.loads(raw_body) if raw_body else {}
        if (method, path) == ("POST", "/_control/reset"):
            state.reset(payload.get("mentions", True))
            return 200, {"reset": True}
        if (method, path) == ("POST", "/_control/users"):
            return 200, state.add_user(payload["username"], payload.get("name")).render(ALL_USER_FIELDS)
        if (method, path) == ("POST", "/_control/tweets"):
            specs = payload if isinstance(payload, list) else [payload]
            return 200, [t.render(ALL_TWEET_FIELDS) for t in state.add_tweets(specs)]
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
