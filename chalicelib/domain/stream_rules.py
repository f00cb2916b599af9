"""The filtered stream's rules, worked out from the registry: pure, no X calls.

A rule is `(@h1 OR @h2 ... OR (is:reply (from:h1 OR from:h2 ...))) -is:retweet` of at most 1,024 characters
(X's limit per rule): posts tagging a watched handle, and the handles' own replies (an officer answering a
citizen on X names the citizen, and a watched handle only if the citizen tagged another one). Retweets are left
out in the rule: the recorder skips them anyway, and X bills every post it delivers. The handles are packed in
username order, so an unchanged registry gives the same rules and a sync changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

MAX_RULE_LENGTH = 1024
RULE_TAG = "complaint-desk"  # the desk's rules on the app; others are removed (every delivery is billed)


@dataclass(frozen=True)
class StreamRule:
    """A rule as X holds it."""

    id: str
    value: str
    tag: str | None = None


@dataclass(frozen=True)
class RulePlan:
    """What a sync does: add these values first (no gap while the rules change), then delete these ids."""

    add: tuple[str, ...]
    delete: tuple[str, ...]

    @property
    def empty(self) -> bool:
        return not self.add and not self.delete


def watching(usernames: Iterable[str], replying: Iterable[str] | None = None) -> str:
    """The query for these handles, the same for a stream rule and a recent search (services/reconcile.py).
    `replying`: the handles whose own replies are asked for (None: all). Only a handle whose X user id the desk
    knows may be among them: a post read without its author's name (search) is told as the desk's by that id."""
    names = list(usernames)
    wanted = None if replying is None else {r.lstrip("@").lower() for r in replying}
    own = [u for u in names if wanted is None or u.lower() in wanted]
    tagged = " OR ".join(f"@{u}" for u in names)
    if not own:
        return f"({tagged}) -is:retweet"
    return f"({tagged} OR (is:reply ({' OR '.join(f'from:{u}' for u in own)}))) -is:retweet"


rule_value = watching


def pack_rules(usernames: Iterable[str], limit: int = MAX_RULE_LENGTH, replying: Iterable[str] | None = None) -> list[str]:
    """Rule values covering every username (case-insensitively once each), each at most `limit` characters.
    Packed as if every handle's replies were asked for, so the rules keep their handles as user ids are learned."""
    unique = sorted({u.lstrip("@").lower() for u in usernames})
    rules: list[list[str]] = []
    for name in unique:
        if len(rule_value([name])) > limit:
            raise ValueError(f"@{name} does not fit in a rule of {limit} characters")
        if rules and len(rule_value([*rules[-1], name])) <= limit:
            rules[-1].append(name)
        else:
            rules.append([name])
    return [rule_value(r, replying) for r in rules]


def plan(wanted: Iterable[str], current: Iterable[StreamRule]) -> RulePlan:
    """Compared by value: wanted values X lacks are added; X's rules not wanted (a disabled handle's old rule,
    a rule someone else left on the app, a duplicate) are deleted."""
    wanted = list(dict.fromkeys(wanted))
    kept: set[str] = set()
    delete = []
    for rule in current:
        if rule.value in wanted and rule.value not in kept:
            kept.add(rule.value)
        else:
            delete.append(rule.id)
    return RulePlan(tuple(v for v in wanted if v not in kept), tuple(delete))
