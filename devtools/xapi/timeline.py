"""A page of a tweet timeline as X renders it: bounds, page tokens, fields and expansions."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .errors import not_found, unavailable_user
from .model import Tweet, User
from .params import TWEET_EXPANSIONS, TWEET_FIELDS, USER_FIELDS, csv_param, id_param, page_token, read_token, time_param

if TYPE_CHECKING:  # state.py holds the stream, which renders with expand()
    from .state import XState


def render_timeline(
    state: XState, candidates: list[Tweet], params: dict, limit: int, token_name: str, with_previous: bool
) -> tuple[int, dict]:
    """One page of `candidates` (newest first) after since/until/time bounds and the page token."""
    tweet_fields = csv_param(params, "tweet.fields", TWEET_FIELDS)
    user_fields = csv_param(params, "user.fields", USER_FIELDS)
    expansions = csv_param(params, "expansions", TWEET_EXPANSIONS)
    since, until = id_param(params, "since_id"), id_param(params, "until_id")
    start, end = time_param(params, "start_time"), time_param(params, "end_time")
    token = read_token(params, token_name)
    candidates = [
        t for t in candidates
        if (since is None or int(t.id) > since) and (until is None or int(t.id) < until)
        and (start is None or t.created_at >= start) and (end is None or t.created_at <= end)
    ]
    if token and token[0] == "n":
        page = [t for t in candidates if int(t.id) < token[1]][:limit]
    elif token:
        page = [t for t in candidates if int(t.id) > token[1]][-limit:]
    else:
        page = candidates[:limit]
    if not page:
        return 200, {"meta": {"result_count": 0}}
    newest, oldest = int(page[0].id), int(page[-1].id)
    meta = {"newest_id": page[0].id, "oldest_id": page[-1].id, "result_count": len(page)}
    if int(candidates[-1].id) < oldest:
        meta["next_token"] = page_token("n", oldest)
    if with_previous and int(candidates[0].id) > newest:
        meta["previous_token"] = page_token("p", newest)
    body = {"data": [t.render(tweet_fields) for t in page]}
    includes, errors = expand(state, page, expansions, tweet_fields, user_fields)
    if includes:
        body["includes"] = includes
    if errors:
        body["errors"] = errors
    body["meta"] = meta
    return 200, body


def expand(state: XState, tweets: list[Tweet], expansions: frozenset, tweet_fields: frozenset, user_fields: frozenset):
    """The `includes` of a page (the users and tweets its expansions ask for) and the partial
    `errors` X gives, in their place, for a suspended or deleted user and a deleted tweet."""
    users: dict[str, User] = {}
    referenced: dict[str, Tweet] = {}
    errors: dict[tuple, dict] = {}

    def add_user(user: User, parameter: str, value: str) -> None:
        if user.active:
            users.setdefault(user.id, user)
        else:
            errors.setdefault((parameter, value), {**unavailable_user(user.status, parameter, value), "section": "includes"})

    for t in tweets:
        if "author_id" in expansions:
            add_user(t.author, "author_id", t.author.id)
        if "in_reply_to_user_id" in expansions and t.in_reply_to:
            add_user(t.in_reply_to, "in_reply_to_user_id", t.in_reply_to.id)
        for expansion, mentions in (("entities.mentions.username", t.shown_mentions()),
                                    ("entities.note.mentions.username", t.mentions)):
            for m in mentions if expansion in expansions else ():
                add_user(state.users_by_id[m["id"]], expansion, m["username"])
        for ref in t.referenced:
            target = state.tweets.get(ref["id"])
            if target is None or not target.author.active:
                if "referenced_tweets.id" in expansions:
                    key = ("referenced_tweets.id", ref["id"])
                    errors.setdefault(key, {**not_found(*key, resource_type="tweet"), "section": "includes"})
                continue
            if "referenced_tweets.id" in expansions:
                referenced.setdefault(target.id, target)
            if "referenced_tweets.id.author_id" in expansions:
                add_user(target.author, "referenced_tweets.id.author_id", target.author.id)
    out = {}
    if users:
        out["users"] = [u.render(user_fields) for u in users.values()]
    if referenced:
        out["tweets"] = [t.render(tweet_fields) for t in referenced.values()]
    return out, list(errors.values())
