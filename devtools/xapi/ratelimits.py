"""X's rate limits: a window per endpoint family per app (app-only requests) and per user (user
context), with the limits X publishes for the v2 endpoints (docs.x.com, "X API rate limits", 2026).

App-only requests count against the app's window. User-context requests count against the user's
window, and against the app's where X's limit covers the whole app (10,000 posts a day). The
x-rate-limit-* headers report the window applied (the user's, for user context); a post also
reports the app's day as x-app-limit-24hour-*, as X does.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

WINDOW_SECONDS = 15 * 60
DAY_SECONDS = 24 * 60 * 60
# family: {scope: (limit, window seconds)}; a scope X does not list has no window there.
RATE_TABLE = {
    "users": {"app": (300, WINDOW_SECONDS), "user": (900, WINDOW_SECONDS)},  # /2/users, /:id, /by, /by/username
    "me": {"user": (75, WINDOW_SECONDS)},  # /2/users/me
    "mentions": {"app": (450, WINDOW_SECONDS), "user": (300, WINDOW_SECONDS)},
    "search": {"app": (450, WINDOW_SECONDS), "user": (300, WINDOW_SECONDS)},
    "tweets": {"app": (3500, WINDOW_SECONDS), "user": (5000, WINDOW_SECONDS)},  # GET /2/tweets?ids=
    "tweet": {"app": (450, WINDOW_SECONDS), "user": (900, WINDOW_SECONDS)},  # GET /2/tweets/:id
    "post": {"app": (10_000, DAY_SECONDS), "user": (100, WINDOW_SECONDS)},  # POST /2/tweets
    "stream_connect": {"app": (50, WINDOW_SECONDS)},  # GET /2/tweets/search/stream (app-only)
    "stream_rules": {"app": (450, WINDOW_SECONDS)},  # GET /2/tweets/search/stream/rules
    "stream_rules_change": {"app": (100, WINDOW_SECONDS)},  # POST /2/tweets/search/stream/rules
}
# Families whose per-app limit counts user-context requests (they serve only user context).
APP_WIDE = frozenset({"post"})


@dataclass
class Window:
    limit: int
    remaining: int
    reset: int
    prefix: str = "x-rate-limit"

    def headers(self, remaining: int | None = None, reset: int | None = None) -> dict:
        return {
            f"{self.prefix}-limit": str(self.limit),
            f"{self.prefix}-remaining": str(self.remaining if remaining is None else remaining),
            f"{self.prefix}-reset": str(self.reset if reset is None else reset),
        }


class RateLimits:
    """The limits in force and the open windows, keyed by (family, user id or None for the app)."""

    def __init__(self, overrides: dict | None = None, clock=time.time):
        self._time = clock  # epoch seconds: windows open and reset on the local X's clock
        self._overrides = dict(overrides or {})  # family -> limit for every scope, as XApiServer(rate_limits=) gives
        self.reset()

    def reset(self) -> None:
        self.limits = {(f, scope): limit for f, scopes in RATE_TABLE.items() for scope, (limit, _) in scopes.items()}
        self.user_limits: dict[tuple[str, str], int] = {}
        self.windows: dict[tuple[str, str | None], Window] = {}
        self.user_starts: dict[str, tuple[int, int]] = {}  # family -> (remaining, reset) for users' next windows
        for family, limit in self._overrides.items():
            self._check(family, None)
            self.limits.update({(family, scope): int(limit) for scope in RATE_TABLE[family]})

    def applying(self, family: str, user_id: str | None) -> list[Window]:
        """The windows a request counts against, the one its headers report first."""
        if user_id is None:
            return [self._window(family, None)] if "app" in RATE_TABLE[family] and family not in APP_WIDE else []
        if "user" not in RATE_TABLE[family]:
            return []  # an app-only endpoint: it refuses user context before any window counts
        return [self._window(family, user_id)] + ([self._window(family, None)] if family in APP_WIDE else [])

    def _window(self, family: str, user_id: str | None) -> Window:
        now = int(self._time())
        key = (family, user_id)
        window = self.windows.get(key)
        if window is None or now >= window.reset:
            scope = "user" if user_id else "app"
            limit, seconds = self.user_limits.get(key, self.limits[(family, scope)]), RATE_TABLE[family][scope][1]
            start = self.user_starts.get(family) if user_id and window is None else None
            if start and now < start[1]:
                window = Window(limit, min(start[0], limit), start[1], _prefix(family, scope))
            else:
                window = Window(limit, limit, now + seconds, _prefix(family, scope))
            self.windows[key] = window
        return window

    def set(self, family: str, limit: int, remaining: int | None = None, reset_in_seconds: int | None = None,
            scope: str | None = None, user_id: str | None = None) -> dict:
        """A fresh window with this limit: the app's (scope "app"), one user's (scope "user" and a
        user), every user's (scope "user"), or, with no scope, the family's app and user windows alike."""
        self._check(family, scope)
        if user_id is not None and scope != "user":
            raise ValueError("a username goes with scope 'user'")
        limit = int(limit)
        remaining = limit if remaining is None else int(remaining)
        reported = None
        for sc in [scope] if scope else list(RATE_TABLE[family]):
            reset = int(self._time()) + int(reset_in_seconds if reset_in_seconds is not None else RATE_TABLE[family][sc][1])
            if user_id is not None:
                self.user_limits[(family, user_id)] = limit
                self.windows[(family, user_id)] = Window(limit, remaining, reset)
            elif sc == "app":
                self.limits[(family, "app")] = limit
                self.windows[(family, None)] = Window(limit, remaining, reset, _prefix(family, "app"))
            else:
                self.limits[(family, "user")] = limit
                for key in [k for k in self.windows if k[0] == family and k[1] is not None]:
                    del self.windows[key]
                self.user_limits = {k: v for k, v in self.user_limits.items() if k[0] != family}
                self.user_starts[family] = (remaining, reset)
            reported = reported or Window(limit, remaining, reset, _prefix(family, sc)).headers()
        return reported

    @staticmethod
    def _check(family: str, scope: str | None) -> None:
        if family not in RATE_TABLE:
            raise ValueError(f"unknown family {family!r}; one of {sorted(RATE_TABLE)}")
        if scope is not None and scope not in RATE_TABLE[family]:
            raise ValueError(f"family {family!r} has no {scope!r} window; it has {sorted(RATE_TABLE[family])}")


def _prefix(family: str, scope: str) -> str:
    """X reports a day-long app limit in its own headers, beside the 15-minute window."""
    return "x-app-limit-24hour" if RATE_TABLE[family][scope][1] == DAY_SECONDS else "x-rate-limit"
