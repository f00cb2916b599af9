"""The filtered stream's rules, worked out from the registry: pure, no X calls.

A rule is `(@h1 OR @h2 ...) -is:retweet` of at most 1,024 characters (X's limit per rule). Retweets are left
out in the rule: the recorder skips them anyway, and X bills every post it delivers. The handles are packed in
username order, so an unchanged registry gives the same rules and a sync changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

MAX_RULE_LENGTH = 1024
RULE_TAG = "complaint-desk"  # the desk's rules on the app; others are removed (every delivery is billed)
_PREFIX, _JOIN, _SUFFIX = "(", " OR ", ") -is:retweet"


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


def rule_value(usernames: Iterable[str]) -> str:
    return _PREFIX + _JOIN.join(f"@{u}" for u in usernames) + _SUFFIX


def pack_rules(usernames: Iterable[str], limit: int = MAX_RULE_LENGTH) -> list[str]:
    """Rule values covering every username (case-insensitively once each), each at most `limit` characters."""
    unique = sorted({u.lstrip("@").lower() for u in usernames})
    rules: list[list[str]] = []
    for name in unique:
        if len(rule_value([name])) > limit:
            raise ValueError(f"@{name} does not fit in a rule of {limit} characters")
        if rules and len(rule_value([*rules[-1], name])) <= limit:
            rules[-1].append(name)
        else:
            rules.append([name])
    return [rule_value(r) for r in rules]


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
