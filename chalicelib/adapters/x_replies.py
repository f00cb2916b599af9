"""Posts on X through tweepy as the desk's account (OAuth 1.0a user context): replies to citizens,
weekly summaries."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Callable

from ..services.ports import DuplicateReply, RateLimited, ReplyFailed
from . import x_http

OAUTH_KEYS = ("consumer_key", "consumer_secret", "access_token", "access_token_secret")


class TweepyReplies:
    """`oauth_keys` returns the four OAuth 1.0a keys; called per use so rotation needs no redeploy."""

    def __init__(self, oauth_keys: Callable[[], dict], base_url: str | None, timeout: float):
        def credentials() -> dict:
            keys = oauth_keys()
            missing = [k for k in OAUTH_KEYS if not keys.get(k)]
            if missing:
                raise ReplyFailed(f"the X OAuth secret lacks {', '.join(missing)}")
            return {k: keys[k] for k in OAUTH_KEYS}

        self._client = x_http.TweepyClient(credentials, base_url, timeout)

    def post_reply(self, in_reply_to: str, text: str) -> str:
        return self._create(text=text, in_reply_to_tweet_id=in_reply_to)

    def post(self, text: str) -> str:
        return self._create(text=text)

    def _create(self, **tweet) -> str:
        import requests
        import tweepy

        try:
            response = self._client.get().create_tweet(**tweet, user_auth=True)
            return response.json()["data"]["id"]
        except tweepy.TooManyRequests as e:
            reset = e.response.headers.get("x-rate-limit-reset")
            raise RateLimited(datetime.fromtimestamp(int(reset), tz=timezone.utc) if reset else None) from e
        except tweepy.Forbidden as e:
            if "duplicate" in str(e).lower():
                raise DuplicateReply(str(e)) from e
            # Not allowed to reply there (not summoned, deleted or hidden post): asking again changes nothing.
            raise ReplyFailed(f"X refused the reply: {e}", final=True) from e
        except tweepy.BadRequest as e:
            raise ReplyFailed(f"X refused the reply: {e}", final=True) from e
        except (tweepy.TweepyException, requests.RequestException, ValueError, KeyError) as e:
            raise ReplyFailed(f"{type(e).__name__}: {e}") from e
