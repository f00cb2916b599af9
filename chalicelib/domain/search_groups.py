"""Query groups of recent search: the enabled handles packed into queries under X's 512 characters, each named
by the handles it holds. A query is the stream rule's (domain/stream_rules.py): posts tagging the handles, and
their own replies (officers answering citizens), retweets left out.

A group's id comes from its handle set alone, so the same handles give the same group (and its
cursor) whatever else changed; a registry change that moves handles between groups makes new ids,
and the reconciler starts each new group from the cursors of the groups it takes handles from.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Iterable

from .handles import WatchedHandle
from .stream_rules import watching

QUERY_LIMIT = 512  # X refuses a recent-search query this long or longer (the issue: "under 512")


@dataclass(frozen=True)
class QueryGroup:
    id: str
    handles: tuple[str, ...]  # handle keys (lower case), sorted
    query: str


def query_of(usernames: Iterable[str], replying: Iterable[str] | None = None) -> str:
    # Parentheses: in X's syntax AND binds tighter than OR, so the negation must apply to the whole OR.
    return watching(usernames, replying)


def group_id(keys: Iterable[str]) -> str:
    return hashlib.sha256(",".join(sorted(keys)).encode()).hexdigest()[:16]


def _group(handles: list[WatchedHandle]) -> QueryGroup:
    # Search reads no author names (services/reconcile.py): only a handle known by its user id has its replies asked for.
    query = query_of([h.handle for h in handles], [h.handle for h in handles if h.user_id])
    return QueryGroup(group_id(h.key for h in handles), tuple(h.key for h in handles), query)


def pack(handles: Iterable[WatchedHandle]) -> list[QueryGroup]:
    """Every handle in exactly one group, in key order, each query shorter than QUERY_LIMIT (packed as if every
    handle's replies were asked for, so a group keeps its handles, and its cursor, as user ids are learned)."""
    groups, current = [], []
    for h in sorted({h.key: h for h in handles}.values(), key=lambda h: h.key):
        if current and len(query_of([*(c.handle for c in current), h.handle])) >= QUERY_LIMIT:
            groups.append(_group(current))
            current = []
        current.append(h)
    if current:
        groups.append(_group(current))
    return groups
