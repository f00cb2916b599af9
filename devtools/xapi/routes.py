"""The v2 endpoints the desk uses: user lookup (by username or id, one or many), the mentions
timeline, recent search (a post is found `index_delay_seconds` after it is posted), the filtered
stream and its rules (stream.py, stream_rules.py), post lookup and posting. A missing, suspended
or deleted user is a 200 with an `errors` array, as on X."""

from __future__ import annotations

import json
import re
from datetime import timedelta

from chalicelib.x_text import fits

from .auth import app_only, user_context
from .errors import INVALID_REQUEST, ApiError, forbidden, invalid, not_found, unavailable_user
from .model import User, snowflake_time
from .params import (
    ID_PATTERN, ID_RE, LOOKUP_PARAMS, TIMELINE_PARAMS, TWEET_EXPANSIONS, TWEET_FIELDS, USER_FIELDS, bounded_int,
    check_known, check_username, csv_param, id_param, time_param, user_fields_param,
)
from .query import QueryParser
from .state import XState
from .stream_rules import get_rules, post_rules
from .timeline import expand, render_timeline

MENTIONS_CAP = 800  # the mentions timeline only reaches a user's newest 800 mentions
SEARCH_WINDOW = timedelta(days=7)
MAX_QUERY_LENGTH = 512
REPLY_NOT_ALLOWED = (
    "Reply to this conversation is not allowed because you have not been mentioned or otherwise engaged by the "
    "author of the post you are replying to."
)


def _user_lookup(user: User | None, parameter: str, value: str, fields: frozenset) -> tuple[dict | None, dict | None]:
    """A looked-up user as (data, None), or (None, the errors entry X gives for a missing or unavailable one)."""
    if user is None:
        return None, not_found(parameter, value)
    if not user.active:
        return None, unavailable_user(user.status, parameter, value)
    return user.render(fields), None


def _lookup_body(results: list[tuple[dict | None, dict | None]], single: bool) -> dict:
    found = [d for d, _ in results if d]
    errors = [e for _, e in results if e]
    data = (found[0] if single else found) if found else None
    return {**({"data": data} if data else {}), **({"errors": errors} if errors else {})}


def get_user_by_username(state: XState, match, params, auth, body):
    user_fields = user_fields_param(params)
    username = match[1]
    check_username(username, "username")
    return 200, _lookup_body([_user_lookup(state.users.get(username.lower()), "username", username, user_fields)], True)


def get_users_by_usernames(state: XState, match, params, auth, body):
    user_fields = user_fields_param(params, ("usernames",))
    names = _list_param(params, "usernames")
    for name in names:
        check_username(name, "usernames")
    return 200, _lookup_body([_user_lookup(state.users.get(n.lower()), "usernames", n, user_fields) for n in names], False)


def get_user_by_id(state: XState, match, params, auth, body):
    user_fields = user_fields_param(params)
    user_id = match[1]
    if not ID_RE.fullmatch(user_id):
        raise invalid("id", user_id, f"The `id` query parameter value [{user_id}] does not match {ID_PATTERN}")
    return 200, _lookup_body([_user_lookup(state.users_by_id.get(user_id), "id", user_id, user_fields)], True)


def get_users_by_ids(state: XState, match, params, auth, body):
    user_fields = user_fields_param(params, ("ids",))
    ids = _list_param(params, "ids")
    for user_id in ids:
        if not ID_RE.fullmatch(user_id):
            raise invalid("ids", user_id, f"The `ids` query parameter value [{user_id}] does not match {ID_PATTERN}")
    return 200, _lookup_body([_user_lookup(state.users_by_id.get(i), "ids", i, user_fields) for i in ids], False)


def _list_param(params: dict, name: str) -> list[str]:
    """A comma-separated list of 1 to 100 values, as X's lookups take them."""
    if not params.get(name):
        raise invalid(name, [], f"Request parameter `{name}` can not be empty")
    values = params[name].split(",")
    if len(values) > 100:
        message = f"The number of values in the `{name}` query parameter list [{len(values)}] is not between 1 and 100"
        raise invalid(name, params[name], message)
    return values


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
    if user is None or not user.active:
        return 200, _lookup_body([_user_lookup(user, "id", user_id, frozenset())], True)
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
    now = state.clock.now()
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
    indexed = now - timedelta(seconds=state.index_delay_seconds)  # X indexes a post some seconds after it is posted
    found = [t for t in state.newest_first() if cutoff <= t.created_at <= indexed and predicate(t)]
    return render_timeline(state, found, params, limit, "next_token", with_previous=False)


def get_tweet(state: XState, match, params, auth, body):
    return _tweet_lookup(state, [match[1]], "id", params, single=True)


def get_tweets(state: XState, match, params, auth, body):
    ids = _list_param(params, "ids")
    return _tweet_lookup(state, ids, "ids", params, single=False)


def _tweet_lookup(state: XState, ids: list[str], parameter: str, params: dict, single: bool):
    """Posts by id, any version of an edited one included; a deleted post, or one whose author is
    unavailable, is an `errors` entry."""
    check_known(params, LOOKUP_PARAMS if single else (parameter, *LOOKUP_PARAMS))
    for tweet_id in ids:
        if not ID_RE.fullmatch(tweet_id):
            message = f"The `{parameter}` query parameter value [{tweet_id}] does not match {ID_PATTERN}"
            raise invalid(parameter, tweet_id, message)
    tweet_fields = csv_param(params, "tweet.fields", TWEET_FIELDS)
    user_fields = csv_param(params, "user.fields", USER_FIELDS)
    expansions = csv_param(params, "expansions", TWEET_EXPANSIONS)
    found = [state.tweets.get(i) for i in ids]
    now = state.clock.now()
    found = [t if t is not None and t.author.active and t.created_at <= now else None for t in found]
    errors = [not_found(parameter, i, "tweet") for i, t in zip(ids, found) if t is None]
    tweets = [t for t in found if t is not None]
    includes, partial = expand(state, tweets, expansions, tweet_fields, user_fields)
    data = [t.render(tweet_fields) for t in tweets]
    body = {"data": data[0] if single else data} if data else {}
    if includes:
        body["includes"] = includes
    if errors or partial:
        body["errors"] = errors + partial
    return 200, body


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
    tweet = state.add_tweet(author.username, text, state.clock.now(), in_reply_to=parent_id)
    state.posts.append(tweet)
    return 201, {"data": tweet.render()}


def open_stream(state: XState, match, params, auth, body):
    return 200, state.stream.open(state, params)


def app_only_endpoint(handler):
    """An endpoint X serves only with the app's bearer token."""
    def endpoint(state: XState, match, params, auth, body):
        app_only(auth)
        return handler(state, match, params, auth, body)
    return endpoint


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
    ("GET", re.compile(r"/2/users/me"), "me", get_me),
    ("GET", re.compile(r"/2/users"), "users", get_users_by_ids),
    ("GET", re.compile(r"/2/users/([^/]+)/mentions"), "mentions", get_mentions),
    ("GET", re.compile(r"/2/users/([^/]+)"), "users", get_user_by_id),
    ("GET", re.compile(r"/2/tweets/search/recent"), "search", search_recent),
    ("GET", re.compile(r"/2/tweets/search/stream"), "stream_connect", app_only_endpoint(open_stream)),
    ("GET", re.compile(r"/2/tweets/search/stream/rules"), "stream_rules", app_only_endpoint(get_rules)),
    ("POST", re.compile(r"/2/tweets/search/stream/rules"), "stream_rules_change", app_only_endpoint(post_rules)),
    ("GET", re.compile(r"/2/tweets/([^/]+)"), "tweet", get_tweet),
    ("GET", re.compile(r"/2/tweets"), "tweets", get_tweets),
    ("POST", re.compile(r"/2/tweets"), "post", create_tweet),
]
