"""The v2 endpoints the desk uses: user lookup, the mentions timeline, recent search and posting."""

from __future__ import annotations

import json
import re
from datetime import timedelta

from chalicelib.x_text import fits

from .auth import user_context
from .errors import INVALID_REQUEST, ApiError, forbidden, invalid, not_found
from .model import snowflake_time, utcnow
from .params import (
    ID_PATTERN, ID_RE, TIMELINE_PARAMS, bounded_int, check_known, check_username, id_param, time_param, user_fields_param,
)
from .query import QueryParser
from .state import XState
from .timeline import render_timeline

MENTIONS_CAP = 800  # the mentions timeline only reaches a user's newest 800 mentions
SEARCH_WINDOW = timedelta(days=7)
MAX_QUERY_LENGTH = 512
REPLY_NOT_ALLOWED = (
    "Reply to this conversation is not allowed because you have not been mentioned or otherwise engaged by the "
    "author of the post you are replying to."
)


def get_user_by_username(state: XState, match, params, auth, body):
    user_fields = user_fields_param(params)
    username = match[1]
    check_username(username, "username")
    user = state.users.get(username.lower())
    if user is None:
        return 200, {"errors": [not_found("username", username)]}
    return 200, {"data": user.render(user_fields)}


def get_users_by_usernames(state: XState, match, params, auth, body):
    user_fields = user_fields_param(params, ("usernames",))
    if not params.get("usernames"):
        raise invalid("usernames", [], "Request parameter `usernames` can not be empty")
    names = params["usernames"].split(",")
    if len(names) > 100:
        message = f"The number of values in the `usernames` query parameter list [{len(names)}] is not between 1 and 100"
        raise invalid("usernames", params["usernames"], message)
    for name in names:
        check_username(name, "usernames")
    found = [state.users[n.lower()].render(user_fields) for n in names if n.lower() in state.users]
    missing = [not_found("usernames", n) for n in names if n.lower() not in state.users]
    return 200, {**({"data": found} if found else {}), **({"errors": missing} if missing else {})}


def get_me(state: XState, match, params, auth, body):
    user_fields = user_fields_param(params)
    return 200, {"data": user_context(state, auth).render(user_fields)}


def get_mentions(state: XState, match, params, auth, body):
    check_known(params, (*TIMELINE_PARAMS, "pagination_token"))
    user_id = match[1]
    if not ID_RE.fullmatch(user_id):
        raise invalid("id", user_id, f"The `id` query parameter value [{user_id}] does not match {ID_PATTERN}")
    limit = bounded_int(params, "max_results", 5, 100, 10)
    user = state.users_by_id.get(user_id)
    if user is None:
        return 200, {"errors": [not_found("id", user_id)]}
    mentions = [t for t in state.newest_first() if any(m["id"] == user.id for m in t.mentions)]
    return render_timeline(state, mentions[:MENTIONS_CAP], params, limit, "pagination_token", with_previous=True)


def search_recent(state: XState, match, params, auth, body):
    check_known(params, ("query", *TIMELINE_PARAMS, "next_token", "sort_order"))
    query = params.get("query")
    if not query:
        raise invalid("query", [], "Request parameter `query` can not be empty")
    if len(query) > MAX_QUERY_LENGTH:
        message = f"Query length ({len(query)}) exceeds the maximum of {MAX_QUERY_LENGTH} characters"
        raise invalid("query", query, f"There were errors processing your request: {message}")
    sort_order = params.get("sort_order", "recency")
    if sort_order not in ("recency", "relevancy"):
        message = f"The `sort_order` query parameter value [{sort_order}] is not one of [recency,relevancy]"
        raise invalid("sort_order", sort_order, message)
    limit = bounded_int(params, "max_results", 10, 100, 10)
    predicate = QueryParser(query).parse()
    now = utcnow()
    cutoff = now - SEARCH_WINDOW  # recent search refuses bounds older than its 7 days
    start, end = time_param(params, "start_time"), time_param(params, "end_time")
    if start is not None and start < cutoff:
        message = f"'start_time' must be on or after {cutoff:%Y-%m-%dT%H:%MZ}"
        raise invalid("start_time", params["start_time"], f"Invalid 'start_time':'{params['start_time']}'. {message}")
    if end is not None and end > now - timedelta(seconds=10):
        message = "'end_time' must be a minimum of 10 seconds prior to the request time."
        raise invalid("end_time", params["end_time"], f"Invalid 'end_time':'{params['end_time']}'. {message}")
    for name in ("since_id", "until_id"):
        value = id_param(params, name)
        if value is not None and snowflake_time(value) < cutoff:
            message = f"'{name}' must be a tweet id created after {cutoff:%Y-%m-%dT%H:%MZ}"
            raise invalid(name, params[name], f"Invalid '{name}':'{params[name]}'. {message}")
    found = [t for t in state.newest_first() if t.created_at >= cutoff and predicate(t)]
    return render_timeline(state, found, params, limit, "next_token", with_previous=False)


def create_tweet(state: XState, match, params, auth, raw_body):
    author = user_context(state, auth)
    try:
        payload = json.loads(raw_body or b"null")
    except ValueError:
        payload = None
    if not isinstance(payload, dict):
        raise ApiError(400, {"errors": [{"message": "Request body must be a JSON object"}], **INVALID_REQUEST})
    text = payload.get("text")
    if not isinstance(text, str) or not text.strip():
        message = "$.text: a post needs text (media are not emulated)"
        raise ApiError(400, {"errors": [{"message": message}], **INVALID_REQUEST})
    if not fits(text):
        raise ApiError(400, {
            "detail": "Your Tweet text is too long. For more information on how Twitter determines text length "
                      "see https://github.com/twitter/twitter-text.",
            "type": "about:blank", "title": "Bad Request", "status": 400,
        })
    parent_id = (payload.get("reply") or {}).get("in_reply_to_tweet_id")
    if parent_id is not None:
        parent = state.tweets.get(str(parent_id))
        if parent is None:
            raise forbidden("You attempted to reply to a Tweet that is deleted or not visible to you.")
        if not may_reply(author, parent):
            raise forbidden(REPLY_NOT_ALLOWED)
    referenced = [{"type": "replied_to", "id": str(parent_id)}] if parent_id is not None else []
    if any(p.author is author and p.text == text and p.referenced == referenced for p in state.posts):
        raise forbidden("You are not allowed to create a Tweet with duplicate content.")
    tweet = state.add_tweet(author.username, text, utcnow(), in_reply_to=parent_id)
    state.posts.append(tweet)
    return 201, {"data": tweet.render()}


def may_reply(author, parent) -> bool:
    """X's rule for self-serve API apps since 23 February 2026: a reply only where the parent's author
    engaged the replying account (mentioned it, or replied to its post), or to one's own thread."""
    return (
        parent.author is author
        or any(m["id"] == author.id for m in parent.mentions)
        or parent.in_reply_to is author
    )


# Method, path, the rate-limit family it counts against, and the endpoint.
ROUTES = [
    ("GET", re.compile(r"/2/users/by/username/([^/]+)"), "users", get_user_by_username),
    ("GET", re.compile(r"/2/users/by"), "users", get_users_by_usernames),
    ("GET", re.compile(r"/2/users/me"), "users", get_me),
    ("GET", re.compile(r"/2/users/([^/]+)/mentions"), "mentions", get_mentions),
    ("GET", re.compile(r"/2/tweets/search/recent"), "search", search_recent),
    ("POST", re.compile(r"/2/tweets"), "post", create_tweet),
]
