"""Mentions from the X API v2 through tweepy, one handle's timeline at a time."""

from __future__ import annotations

import logging
from datetime import datetime, timezone
from typing import Callable, Iterator

from ..domain.complaint import Mention
from ..services.ports import Page, RateLimited, SourceUnavailable
from . import x_http

log = logging.getLogger(__name__)

TWEET_FIELDS = ["author_id", "created_at", "conversation_id", "referenced_tweets", "entities", "lang"]


def mentions_from(body: dict) -> tuple[list[Mention], int]:
    """Domain mentions from one X API v2 response body (data + includes.users), and how many
    tweets were unusable (a missing id, text, author or time): those are logged and counted."""
    users = {u["id"]: u["username"] for u in body.get("includes", {}).get("users", [])}
    mentions, rejected = [], 0
    for t in body.get("data", []):
        try:
            refs = t.get("referenced_tweets") or []
            mentions.append(
                Mention(
                    tweet_id=t["id"],
                    text=t["text"],
                    author_id=t["author_id"],
                    author_username=users.get(t["author_id"], t["author_id"]),
                    created_at=datetime.fromisoformat(t["created_at"].replace("Z", "+00:00")),
                    conversation_id=t.get("conversation_id", t["id"]),
                    mentioned=tuple(m["username"] for m in t.get("entities", {}).get("mentions", [])),
                    is_retweet=any(r.get("type") == "retweeted" for r in refs),
                )
            )
        except (KeyError, TypeError, ValueError, AttributeError) as e:
            rejected += 1
            log.warning("unusable tweet skipped", extra={"tweet_id": t.get("id") if isinstance(t, dict) else None,
                                                         "problem": f"{type(e).__name__}: {e}"})
    return mentions, rejected


class TweepyMentionSource:
    """`bearer_token` is a callable so a rotated secret is picked up without a redeploy."""

    def __init__(self, bearer_token: Callable[[], str], base_url: str | None, timeout: float):
        self._client = x_http.TweepyClient(lambda: {"bearer_token": bearer_token()}, base_url, timeout)
        self.rate_limit_remaining: dict[str, int] = {}
        self.calls = 0  # requests made, and how many X refused with 429: for the poll's metrics
        self.rate_limited = 0

    def _call(self, endpoint: str, method: str, *args, **kwargs) -> dict:
        import requests
        import tweepy

        self.calls += 1
        try:
            response = getattr(self._client.get(), method)(*args, **kwargs)
            remaining = response.headers.get("x-rate-limit-remaining")
            if remaining is not None:
                self.rate_limit_remaining[endpoint] = int(remaining)
            return response.json()
        except tweepy.TooManyRequests as e:
            self.rate_limited += 1
            reset = e.response.headers.get("x-rate-limit-reset")
            raise RateLimited(datetime.fromtimestamp(int(reset), tz=timezone.utc) if reset else None) from e
        except (tweepy.TwitterServerError, requests.RequestException, ValueError) as e:
            # ValueError covers a malformed JSON body.
            raise SourceUnavailable(f"{type(e).__name__}: {e}") from e
        except tweepy.HTTPException as e:
            raise SourceUnavailable(f"X answered {e.response.status_code}: {e}") from e

    def resolve_user_id(self, handle: str) -> str | None:
        body = self._call("users", "get_user", username=handle)
        return body.get("data", {}).get("id")

    def pages(self, user_id: str, since_id: str | None, start_time: datetime | None = None) -> Iterator[Page]:
        token = None
        while True:
            body = self._call(
                "mentions",
                "get_users_mentions",
                user_id,
                since_id=since_id,
                start_time=start_time,  # tweepy sends whole seconds, rounded down: the start's own second is kept
                max_results=100,
                pagination_token=token,
                tweet_fields=TWEET_FIELDS,
                # The mentioned users come too: the watched account among them, by id, carries its username now.
                expansions=["author_id", "entities.mentions.username"],
                user_fields=["username"],
            )
            meta = body.get("meta", {})
            mentions, rejected = mentions_from(body)
            users = body.get("includes", {}).get("users", [])
            username = next((u.get("username") for u in users if isinstance(u, dict) and u.get("id") == user_id), None)
            yield Page(mentions, meta.get("newest_id"), rejected, username)
            token = meta.get("next_token")
            if not token:
                return
