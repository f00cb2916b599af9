"""Posts on X through tweepy as the desk's account (OAuth 1.0a user context): replies to citizens,
weekly summaries."""

from __future__ import annotations

from typing import Callable

from ..services.ports import DuplicateReply, ReplyFailed
from . import x_http

OAUTH_KEYS = ("consumer_key", "consumer_secret", "access_token", "access_token_secret")


class TweepyReplies:
    """`oauth_keys` returns the four OAuth 1.0a keys; called per use so rotation needs no redeploy."""

    def __init__(self, oauth_keys: Callable[[], dict], base_url: str | None, timeout: float):
        self._oauth_keys = oauth_keys
        self._base_url = base_url
        self._timeout = timeout
        self._client = None
        self._keys: dict | None = None

    def _tweepy(self):
        import requests
        import tweepy

        keys = self._oauth_keys()
        missing = [k for k in OAUTH_KEYS if not keys.get(k)]
        if missing:
            raise ReplyFailed(f"the X OAuth secret lacks {', '.join(missing)}")
        if self._client is None or keys != self._keys:
            self._client = tweepy.Client(**{k: keys[k] for k in OAUTH_KEYS}, return_type=requests.Response)
            x_http.mount(self._client.session, self._base_url, self._timeout)
            self._keys = keys
        return self._client

    def post_reply(self, in_reply_to: str, text: str) -> str:
        return self._create(text=text, in_reply_to_tweet_id=in_reply_to)

    def post(self, text: str) -> str:
        return self._create(text=text)

    def _create(self, **tweet) -> str:
        import requests
        import tweepy

        try:
            response = self._tweepy().create_tweet(**tweet, user_auth=True)
            return response.json()["data"]["id"]
        except tweepy.Forbidden as e:
            if "duplicate" in str(e).lower():
                raise DuplicateReply(str(e)) from e
            raise ReplyFailed(f"X refused the reply: {e}") from e
        except (tweepy.TweepyException, requests.RequestException, ValueError, KeyError) as e:
            raise ReplyFailed(f"{type(e).__name__}: {e}") from e
