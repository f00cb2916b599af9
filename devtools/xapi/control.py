"""The /_control/ endpoints (no auth): seed users and tweets; suspend or delete a user (POST
users/<name>/suspend, DELETE users/<name>); edit or delete a post (POST tweets/<id>/edit, DELETE
tweets/<id>); inject faults; set rate limits (per family, scope app|user, username); the app's
OAuth 2.0 registration, a user's consent and what time or the owner do to tokens (oauth2/...);
the filtered stream (POST stream {"disconnect": true} | {"drop_share", "seed"} |
{"keepalive_seconds"} | {"cut_next"} | {"cut_share", "seed"}; GET stream); faults (POST faults: queued or,
with "probability", a seeded share of requests, see faults.py; GET faults; DELETE faults); an outage
(POST outage {"status": 503}: every API request fails until DELETE outage); the search indexing delay (POST search
{"index_delay_seconds"}); the clock (POST clock {"now", "rate"}, DELETE clock for real time);
and show what the product posted, called and would have paid (costs). POST reset undoes it all."""

from __future__ import annotations

import json
import re

from .calls import CallLogOverflow
from .costs import Ledger
from .edits import EditRefused, edit_tweet
from .errors import forbidden
from .model import ALL_TWEET_FIELDS, ALL_USER_FIELDS, parse_iso
from .oauth2 import OAuthError
from .state import XState

TWEET_PATH = re.compile(r"/_control/tweets/([0-9]{1,19})")
EDIT_PATH = re.compile(r"/_control/tweets/([0-9]{1,19})/edit")
USER_PATH = re.compile(r"/_control/users/([A-Za-z0-9_]{1,15})")
SUSPEND_PATH = re.compile(r"/_control/users/([A-Za-z0-9_]{1,15})/suspend")


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
            user = state.add_user(payload["username"], payload.get("name"), payload.get("verified_type"))
            return 200, user.render(ALL_USER_FIELDS)
        account = {"POST": SUSPEND_PATH, "DELETE": USER_PATH}.get(method)
        if account and (target := account.fullmatch(path)):
            user = state.set_user_status(target[1], "suspended" if method == "POST" else "deleted")
            return 200, {"id": user.id, "username": user.username, "status": user.status}
        if (method, path) == ("POST", "/_control/tweets"):
            specs = payload if isinstance(payload, list) else [payload]
            return 200, [t.render(ALL_TWEET_FIELDS) for t in state.add_tweets(specs)]
        if method == "POST" and (edited := EDIT_PATH.fullmatch(path)):
            return 200, edit_tweet(state, edited[1], payload.get("text")).render(ALL_TWEET_FIELDS)
        if method == "DELETE" and (deleted := TWEET_PATH.fullmatch(path)):
            return 200, {"deleted": state.delete_tweet(deleted[1])}
        if path == "/_control/stream" and method in ("GET", "POST"):
            with state.lock:
                return 200, state.stream.configure(payload) if method == "POST" else state.stream.report()
        if (method, path) == ("POST", "/_control/search"):
            if set(payload) != {"index_delay_seconds"}:
                raise ValueError("the search setting is index_delay_seconds")
            return 200, state.set_index_delay(payload["index_delay_seconds"])
        if path == "/_control/clock" and method in ("GET", "POST", "DELETE"):
            if method == "POST":
                now = payload.get("now")
                state.clock.set(parse_iso(now) if now else None, payload.get("rate", 1.0))
            elif method == "DELETE":
                state.clock.reset()
            return 200, state.clock.report()
        if (method, path) == ("POST", "/_control/faults"):
            state.add_fault(**payload)
            return 200, {"queued": len(state.faults)}
        if (method, path) == ("GET", "/_control/faults"):
            with state.lock:
                return 200, state.faults.report()
        if (method, path) == ("DELETE", "/_control/faults"):
            state.clear_faults()
            return 200, {"queued": 0}
        if path == "/_control/outage" and method in ("POST", "DELETE"):
            with state.lock:
                state.faults.set_outage(int(payload.get("status", 503)) if method == "POST" else None)
                if method == "POST":
                    state.stream.disconnect(operational=False)  # X is down: the stream goes with it
                return 200, state.faults.report()
        if (method, path) == ("POST", "/_control/rate_limits"):
            return 200, state.set_rate_limit(**payload)
        if (method, path) == ("GET", "/_control/costs"):
            with state.lock:
                return 200, state.costs.report()
        if (method, path) == ("DELETE", "/_control/costs"):
            with state.lock:
                state.costs = Ledger()
                return 200, state.costs.report()
        if (method, path) == ("GET", "/_control/posts"):
            return 200, state.posted()
        if (method, path) == ("GET", "/_control/calls"):
            try:
                return 200, state.call_log()
            except CallLogOverflow as e:
                return 409, {"error": str(e)}
        if (method, path) == ("DELETE", "/_control/calls"):
            state.clear_calls()
            return 200, []
    except EditRefused as e:
        return 403, forbidden(e.detail).body
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
