"""What X's pay-per-use pricing (2026) would bill for the calls the local X answered.

Reads are billed per resource returned (in `data` and in `includes`); a post read again within the
same UTC day is billed once (X's daily deduplication, which its docs state for posts only, so every
user object returned is billed). Writes are billed per request. Failed calls (4xx, 5xx) are free.

The totals are exact however long the server runs; what it keeps is bounded: the posts read are kept
for the current UTC day only (the local X's clock set back to an earlier day starts that day afresh),
and the itemised calls are the most recent ITEMISED_CALLS, `calls_dropped` counting the older ones.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from decimal import Decimal


# USD per unit, from X's pricing page (docs.x.com, "X API pay-per-usage pricing").
PRICES = {
    "post_read": Decimal("0.005"),
    "user_read": Decimal("0.010"),
    "post_created": Decimal("0.015"),
    "post_created_with_url": Decimal("0.200"),
    "summoned_reply": Decimal("0.010"),  # a reply to a post that mentioned the replying account
}
POST_FAMILIES = frozenset({"mentions", "search", "tweet", "tweets", "stream_connect"})  # stream: per delivery
USER_FAMILIES = frozenset({"users", "me"})
ITEMISED_CALLS = 10_000


@dataclass
class Ledger:
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(PRICES, 0))
    calls: deque[dict] = field(default_factory=lambda: deque(maxlen=ITEMISED_CALLS))
    calls_dropped: int = 0
    read_day: str = ""  # the UTC day posts_read is about
    posts_read: set[str] = field(default_factory=set)  # ids of the posts already billed that day

    def bill(self, state, family: str, method: str, path: str, status: int, body: dict) -> None:
        """Add what one answered API call costs; the caller holds the state's lock."""
        if status >= 400 or not isinstance(body, dict):
            return
        items = dict.fromkeys(PRICES, 0)
        data = body.get("data")
        data = data if isinstance(data, list) else [data] if data else []
        includes = body.get("includes", {})
        if family == "post":
            items[_post_kind(state, data[0]["id"])] += 1
        else:
            posts = (data if family in POST_FAMILIES else []) + includes.get("tweets", [])
            day = state.clock.now().date().isoformat()  # X's day, on the local X's clock
            if day != self.read_day:
                self.read_day, self.posts_read = day, set()
            fresh = {p["id"] for p in posts} - self.posts_read
            self.posts_read |= fresh
            items["post_read"] = len(fresh)
            items["user_read"] = len(data if family in USER_FAMILIES else []) + len(includes.get("users", []))
        items = {k: n for k, n in items.items() if n}
        if items:
            for kind, n in items.items():
                self.counts[kind] += n
            usd = sum(PRICES[k] * n for k, n in items.items())
            self.calls_dropped += len(self.calls) == self.calls.maxlen
            self.calls.append({"method": method, "path": path, "items": items, "usd": float(usd)})

    def report(self) -> dict:
        by_kind = {k: {"count": n, "usd": float(PRICES[k] * n)} for k, n in self.counts.items()}
        return {
            "total_usd": float(sum(PRICES[k] * n for k, n in self.counts.items())),
            "by_kind": by_kind,
            "calls": list(self.calls),
            "calls_dropped": self.calls_dropped,
        }


def _post_kind(state, tweet_id: str) -> str:
    tweet = state.tweets[tweet_id]
    if tweet.entities["urls"]:
        return "post_created_with_url"
    parent_id = next((r["id"] for r in tweet.referenced if r["type"] == "replied_to"), None)
    parent = state.tweets.get(parent_id) if parent_id else None
    if parent is not None and any(m["id"] == tweet.author.id for m in parent.mentions):
        return "summoned_reply"
    return "post_created"
