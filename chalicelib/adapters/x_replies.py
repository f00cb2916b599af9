"""Posts on X through tweepy as a watched handle, with that handle's own OAuth 2.0 user access token
(Bearer): replies to citizens, weekly summaries."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Callable

from ..services.ports import DuplicateReply, RateLimited, ReplyFailed, XBudget
from ..services.tokens import UserTokens
from . import x_http
from .x_budget import XBudgetGate


class TweepyReplies:
    """Each post goes through `budget` (family post, per handle, and the app's day): a spent handle
    raises RateLimited without calling X, and its replies hold while other handles post."""

    def __init__(self, tokens: UserTokens, base_url: str | None, timeout: float, budget: XBudget | None = None,
                 clock: Callable[[], datetime] = lambda: datetime.now(timezone.utc)):
        self._tokens = tokens
        self.gate = XBudgetGate(budget, clock)
        self._base_url, self._timeout = base_url, timeout
        self._clients: dict[str, x_http.TweepyClient] = {}
        self._token: dict[str, str] = {}  # the token each handle's client is built with

    def post_reply(self, handle: str, in_reply_to: str, text: str) -> str:
        return self._create(handle, text=text, in_reply_to_tweet_id=in_reply_to)

    def post(self, handle: str, text: str) -> str:
        return self._create(handle, text=text)

    def _create(self, handle: str, **tweet) -> str:
        import tweepy

        token = self._tokens.access_token(handle)
        try:
            return self._post(handle, token, tweet)
        except tweepy.Unauthorized:
            pass  # expired or revoked early: another function may have refreshed it, or it needs refreshing
        fresh = self._tokens.after_unauthorised(handle, token)
        try:
            return self._post(handle, fresh, tweet)
        except tweepy.Unauthorized:
            raise self._tokens.revoked(handle, "X refused a freshly refreshed token") from None

    def _client(self, handle: str, token: str):
        key = handle.lower()
        self._token[key] = token
        if key not in self._clients:
            self._clients[key] = x_http.TweepyClient(lambda: {"bearer_token": self._token[key]}, self._base_url,
                                                     self._timeout)
        return self._clients[key].get()

    def _post(self, handle: str, token: str, tweet: dict) -> str:
        import requests
        import tweepy

        try:
            with self.gate.guard("post", handle.lower()) as seen:
                # user_auth=False: the Bearer token is the handle's user token, so X posts as the handle.
                response = self._client(handle, token).create_tweet(**tweet, user_auth=False)
                seen(response)
            return response.json()["data"]["id"]
        except (tweepy.Unauthorized, RateLimited):
            raise
        except tweepy.TooManyRequests as e:
            raise RateLimited(_reset(e.response.headers)) from e
        except tweepy.Forbidden as e:
            if "duplicate" in str(e).lower():
                raise DuplicateReply(str(e)) from e
            # Not allowed to reply there (not summoned, deleted or hidden post): asking again changes nothing.
            raise ReplyFailed(f"X refused the reply from @{handle}: {e}", final=True) from e
        except tweepy.BadRequest as e:
            raise ReplyFailed(f"X refused the reply from @{handle}: {e}", final=True) from e
        except (tweepy.TweepyException, requests.RequestException, ValueError, KeyError, TypeError) as e:
            # A body of the wrong shape too (TypeError): X may have posted it; the retry meets its duplicate refusal.
            raise ReplyFailed(f"{type(e).__name__}: {e}") from e


# X reports a post's windows: the 15-minute one, and the app's and the user's days (their own headers).
WINDOWS = ("x-rate-limit", "x-app-limit-24hour", "x-user-limit-24hour")


def _reset(headers) -> datetime | None:
    """When X takes a post again: the latest reset of the windows it reports exhausted (the app's day
    can run out while the user's 15-minute window has room), else the 15-minute window's."""
    def at(prefix: str) -> int | None:
        value = headers.get(f"{prefix}-reset")
        return int(value) if value and value.isdigit() else None

    exhausted = [at(p) for p in WINDOWS if headers.get(f"{p}-remaining") == "0" and at(p)]
    reset = max(exhausted) if exhausted else at("x-rate-limit")
    return datetime.fromtimestamp(reset, tz=timezone.utc) if reset else None
