"""Query groups of recent search: the enabled handles packed into `(@h1 OR @h2 ...) -is:retweet`
queries under X's 512 characters, each named by the handles it holds.

A group's id comes from its handle set alone, so the same handles give the same group (and its
cursor) whatever else changed; a registry change that moves handles between groups makes new ids,
and the reconciler starts each new group from the cursors of the groups it takes handles from.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Iterable

from .handles import WatchedHandle

QUERY_LIMIT = 512  # X refuses a recent-search query this long or longer (the issue: "under 512")
# Retweets are never complaints (the recorder skips them); leaving them out saves what X bills per post read.
SUFFIX = " -is:retweet"


@dataclass(frozen=True)
class QueryGroup:
    id: str
    handles: tuple[str, ...]  # handle keys (lower case), sorted
    query: str


def query_of(usernames: Iterable[str]) -> str:
    # Parentheses: in X's syntax AND binds tighter than OR, so the negation must apply to the whole OR.
    return "(" + " OR ".join(f"@{u}" for u in usernames) + ")" + SUFFIX


def group_id(keys: Iterable[str]) -> str:
    return hashlib.sha256(",".join(sorted(keys)).encode()).hexdigest()[:16]


def _group(handles: list[WatchedHandle]) -> QueryGroup:
    return QueryGroup(group_id(h.key for h in handles), tuple(h.key for h in handles), query_of(h.handle for h in handles))


def pack(handles: Iterable[WatchedHandle]) -> list[QueryGroup]:
    """Every handle in exactly one group, in key order, each query shorter than QUERY_LIMIT."""
    groups, current = [], []
    for h in sorted({h.key: h for h in handles}.values(), key=lambda h: h.key):
        if current and len(query_of([*(c.handle for c in current), h.handle])) >= QUERY_LIMIT:
            groups.append(_group(current))
            current = []
        current.append(h)
    if current:
        groups.append(_group(current))
    return groups
