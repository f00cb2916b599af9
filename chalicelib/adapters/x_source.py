"""Mentions from the X API v2 through tweepy: one handle's timeline at a time, or a recent search for a group.

What X sends is read here, once, into domain words: a long post's whole text (note_tweet; `text`
holds only its first ~280 characters), text without X's HTML escaping, tagged accounts by id and
name, the author's verified_type, an edited post's chain of ids, and X's `errors` arrays (a watched
account that is suspended or deleted answers 200 with only errors).
"""

from __future__ import annotations

import logging
import re
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Callable, Iterator

from ..domain.complaint import Mention
from ..services.ports import HandleUnavailable, Page, SourceUnavailable
from . import x_http
from .x_budget import XBudgetGate

if TYPE_CHECKING:
    from ..services.ports import XBudget

log = logging.getLogger(__name__)

TWEET_FIELDS = ["author_id", "created_at", "conversation_id", "referenced_tweets", "entities", "lang", "note_tweet",
                "edit_history_tweet_ids", "in_reply_to_user_id"]
USER_FIELDS = ["username", "verified_type"]  # with the author_id expansion: no request of its own
# X escapes exactly these three in a post's text. One pass over just them: a citizen who typed
# "&amp;" (sent as "&amp;amp;") keeps it, and nothing X left alone is touched.
ESCAPED = re.compile(r"&(amp|lt|gt);")
CHARACTERS = {"amp": "&", "lt": "<", "gt": ">"}


def unescape(text: str) -> str:
    return ESCAPED.sub(lambda m: CHARACTERS[m.group(1)], text)


def _edit_chain(t: dict) -> tuple[str, ...]:
    return tuple(str(i) for i in t.get("edit_history_tweet_ids") or ())


def _mention(t: dict, users: dict[str, dict]) -> Mention:
    note = t.get("note_tweet") or {}
    text = note.get("text") or t["text"]  # a long post: the whole of it
    entities = (note.get("entities") if note.get("text") else None) or t.get("entities") or {}
    tagged = [m for m in entities.get("mentions") or [] if isinstance(m, dict) and m.get("username")]
    author = users.get(t["author_id"], {})
    chain = _edit_chain(t)
    referenced = [r for r in t.get("referenced_tweets") or [] if isinstance(r, dict)]
    replied_to = next((str(r["id"]) for r in referenced if r.get("type") == "replied_to" and r.get("id")), None)
    return Mention(
        tweet_id=t["id"],
        text=unescape(text),
        author_id=t["author_id"],
        author_username=author.get("username") or "",
        created_at=datetime.fromisoformat(t["created_at"].replace("Z", "+00:00")),
        conversation_id=t.get("conversation_id", t["id"]),
        mentioned=tuple(m["username"] for m in tagged),
        is_retweet=any(r.get("type") == "retweeted" for r in referenced),
        mentioned_ids=tuple(str(m.get("id") or "") for m in tagged),
        author_verified_type=author.get("verified_type"),
        edit_of=chain[0] if chain and chain[0] != t["id"] else None,
        edit_history=chain,
        replied_to=replied_to,
        in_reply_to_user_id=str(t["in_reply_to_user_id"]) if t.get("in_reply_to_user_id") else None,
    )


def mentions_from(body: dict) -> tuple[list[Mention], int]:
    """Domain mentions from one X API v2 response body (data + includes.users), and how many
    tweets were unusable (a missing id, text, author or time): those are logged and counted.
    An author X did not include (an account it could not show) is still recorded, without a name."""
    users = {u["id"]: u for u in body.get("includes", {}).get("users", []) if isinstance(u, dict) and "id" in u}
    mentions, rejected = [], 0
    for t in body.get("data", []):
        try:
            mentions.append(_mention(t, users))
        except (KeyError, TypeError, ValueError, AttributeError) as e:
            rejected += 1
            log.warning("unusable tweet skipped", extra={"tweet_id": t.get("id") if isinstance(t, dict) else None,
                                                         "problem": f"{type(e).__name__}: {e}"})
    return mentions, rejected


def errors_of(body: dict) -> list[dict]:
    errors = body.get("errors")
    return [e for e in errors if isinstance(e, dict)] if isinstance(errors, list) else []


def account_error(body: dict, account: str) -> dict | None:
    """X's error when the answer is only errors about this account (its id or username): it is
    suspended (title "Forbidden") or deleted (title "Not Found Error"). None when X answered about it."""
    if body.get("data"):
        return None
    for e in errors_of(body):
        named = {str(e.get("resource_id", "")).lower(), str(e.get("value", "")).lower()}
        if e.get("resource_type") == "user" and account.lower() in named:
            return e
    return None


def _reason(e: dict) -> str:
    return f"{e.get('title') or 'X error'}: {e.get('detail') or 'the account cannot be read'}"


class TweepyMentionSource:
    """`bearer_token` is a callable so a rotated secret is picked up without a redeploy. Every call
    goes through `budget` (families users and mentions): a spent family raises RateLimited unasked."""

    def __init__(self, bearer_token: Callable[[], str], base_url: str | None, timeout: float,
                 budget: XBudget | None = None, clock: Callable[[], datetime] = lambda: datetime.now(timezone.utc)):
        self._client = x_http.TweepyClient(lambda: {"bearer_token": bearer_token()}, base_url, timeout)
        self.gate = XBudgetGate(budget, clock)
        self.rate_limit_remaining: dict[str, int] = {}
        self.calls = 0  # requests made, and how many X refused with 429: for the poll's metrics
        self.rate_limited = 0

    def _call(self, endpoint: str, method: str, *args, data: type = list, **kwargs) -> dict:
        """X's answer; SourceUnavailable unless it is an object whose `data` (when there) is a `data` (a
        page's list, a user's object) and whose `meta` and `includes` are objects: a page of another shape
        must not move a cursor past posts it did not hold."""
        def counted() -> None:
            self.rate_limited += 1

        with self.gate.guard(endpoint) as seen, x_http.read_errors(counted):
            self.calls += 1
            response = getattr(self._client.get(), method)(*args, **kwargs)
            seen(response)
            remaining = response.headers.get("x-rate-limit-remaining")
            if remaining is not None:
                self.rate_limit_remaining[endpoint] = int(remaining)
            body = response.json()
        if not isinstance(body, dict):
            raise SourceUnavailable(f"X answered {type(body).__name__}, not an object")
        shapes = {"data": data, "meta": dict, "includes": dict}
        wrong = [k for k, shape in shapes.items() if k in body and not isinstance(body[k], shape)]
        if wrong:
            raise SourceUnavailable(f"X answered a body whose {', '.join(wrong)} is of the wrong type")
        return body

    def resolve_user_id(self, handle: str) -> str | None:
        body = self._call("users", "get_user", data=dict, username=handle)
        error = account_error(body, handle)
        if error and error.get("title") != "Not Found Error":
            raise HandleUnavailable(_reason(error))
        return None if error else body.get("data", {}).get("id")  # not found: no such handle

    def check_user(self, user_id: str) -> None:
        body = self._call("users", "get_user", data=dict, id=user_id)
        if error := account_error(body, user_id):
            raise HandleUnavailable(_reason(error))
        if not body.get("data"):
            raise SourceUnavailable("X answered the user lookup with neither the user nor an error")

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
                # Only the authors: X bills every user object returned, and a post's mention entities
                # already name each tagged account with its id (how a renamed watched handle is seen).
                expansions=["author_id"],
                user_fields=USER_FIELDS,
            )
            if error := account_error(body, user_id):
                raise HandleUnavailable(_reason(error))
            meta = body.get("meta", {})
            mentions, rejected = mentions_from(body)
            if partial := errors_of(body):
                # An author or a tagged account X could not show: the posts are recorded all the same.
                log.warning("X left part of a page out", extra={"user_id": user_id, "errors": [
                    {k: e.get(k) for k in ("title", "resource_type", "parameter", "resource_id")} for e in partial]})
            username = next((name for m in mentions for name, i in zip(m.mentioned, m.mentioned_ids) if i == user_id), None)
            yield Page(mentions, meta.get("newest_id"), rejected, username, len(partial))
            token = meta.get("next_token")
            if not token:
                return

    def search(self, query: str, since_id: str | None, start_time: datetime | None,
               end_time: datetime) -> Iterator[Page]:
        """Recent search, page after page to the end. X takes since_id or start_time, not both usefully:
        with a since_id the start is left out."""
        token = None
        while True:
            body = self._call(
                "search",
                "search_recent_tweets",
                query,
                since_id=since_id,
                start_time=None if since_id else start_time,
                end_time=end_time,  # whole seconds: the caller passes a time already rounded down
                max_results=100,
                next_token=token,
                # No author expansion: X bills every user object returned ($0.010, more than the post), and
                # search mostly re-reads posts the stream brought with their authors. A post only search
                # finds is recorded by author id, without the author's name or verified_type.
                tweet_fields=TWEET_FIELDS,
            )
            meta = body.get("meta", {})
            mentions, rejected = mentions_from(body)
            if partial := errors_of(body):
                log.warning("X left part of a search page out", extra={"errors": [
                    {k: e.get(k) for k in ("title", "resource_type", "parameter", "resource_id")} for e in partial]})
            yield Page(mentions, meta.get("newest_id"), rejected, None, len(partial))
            token = meta.get("next_token")
            if not token:
                return
