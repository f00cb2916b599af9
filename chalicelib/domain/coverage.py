"""Who an alert reaches: the alert topic's subscriptions and their filter policies, read as SNS reads
them, and every district x department x level that no confirmed subscription covers.

SNS filter policies are matched here for the operators the desk's alerts can meet (exact strings,
anything-but, prefix, suffix, equals-ignore-case, exists, and $or). A policy using anything else is
taken to match nothing, so it shows as a gap rather than hiding one.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from .departments import DEPARTMENTS
from .districts import DISTRICTS
from .sla import LEVELS

ALERT_EVENTS = ("new_complaint", "transferred", "reminder", "escalation")
URGENCIES = ("high", "normal")
# The state desk: an alert no subscription matches goes to it as well (district "state", level L3).
STATE_DESK = "state"
UNROUTED_EVENT = "unrouted"


@dataclass(frozen=True)
class Subscription:
    arn: str  # "PendingConfirmation" until the officer confirms (nothing is delivered before)
    protocol: str  # email | sms | sqs | ...
    endpoint: str
    filter_policy: dict | None = None  # None: every message
    on_body: bool = False  # FilterPolicyScope MessageBody: our alerts' bodies are text, never matched

    @property
    def confirmed(self) -> bool:
        return self.arn.startswith("arn:")


def _rule_matches(rule, value: str | None) -> bool:
    if isinstance(rule, str):
        return value == rule
    if not isinstance(rule, dict) or len(rule) != 1:
        return False  # numbers and null never equal our string attributes; unknown shapes match nothing
    (op, arg), = rule.items()
    if op == "exists":
        return (value is not None) == bool(arg)
    if value is None:
        return False
    if op == "anything-but":
        if isinstance(arg, dict) and "prefix" in arg:
            return not value.startswith(arg["prefix"])
        return value not in (arg if isinstance(arg, list) else [arg])
    if op == "prefix":
        return isinstance(arg, str) and value.startswith(arg)
    if op == "suffix":
        return isinstance(arg, str) and value.endswith(arg)
    if op == "equals-ignore-case":
        return isinstance(arg, str) and value.casefold() == arg.casefold()
    return False


def _alternatives(policy: dict) -> list[dict]:
    """A policy as plain conjunctions: each $or multiplies out (SNS's own reading of it)."""
    base = {k: v for k, v in policy.items() if k != "$or"}
    if "$or" not in policy:
        return [base]
    return [merged for branch in policy["$or"] for alt in _alternatives(branch) for merged in _alternatives(base | alt)]


def _accepts(conjunction: dict, key: str, value: str | None) -> bool:
    if key not in conjunction:
        return True
    rules = conjunction[key]
    return any(_rule_matches(r, value) for r in (rules if isinstance(rules, list) else [rules]))


def matches(subscription: Subscription, attributes: dict[str, str]) -> bool:
    """Whether SNS delivers a message with these attributes to this subscription."""
    if not subscription.confirmed or subscription.on_body:
        return False
    if subscription.filter_policy is None:
        return True
    return any(all(_accepts(c, k, attributes.get(k)) for k in c) for c in _alternatives(subscription.filter_policy))


def reaches(subscriptions: list[Subscription], attributes: dict[str, str]) -> bool:
    return any(matches(s, attributes) for s in subscriptions)


Cell = tuple[int, str, str]  # (district LGD code, department, level)


def _covered_by(conjunction: dict) -> set[Cell]:
    """The cells one conjunction delivers some alert for: keys are independent, so it is a product."""
    if not any(_accepts(conjunction, "event", e) for e in ALERT_EVENTS):
        return set()
    if not any(_accepts(conjunction, "urgency", u) for u in URGENCIES):
        return set()
    districts = [d for d in DISTRICTS if _accepts(conjunction, "district", str(d))]
    departments = [p for p in DEPARTMENTS if _accepts(conjunction, "department", p)]
    levels = [lv for lv in LEVELS if _accepts(conjunction, "level", lv)]
    return set(itertools.product(districts, departments, levels))


def gaps(subscriptions: list[Subscription]) -> list[Cell]:
    """Every district x department x level no confirmed subscription receives alerts for, in order."""
    covered: set[Cell] = set()
    for s in subscriptions:
        if not s.confirmed or s.on_body:
            continue
        for conjunction in _alternatives(s.filter_policy or {}):
            covered |= _covered_by(conjunction)
    return [cell for cell in itertools.product(DISTRICTS, DEPARTMENTS, LEVELS) if cell not in covered]


def summary(subscriptions: list[Subscription]) -> dict:
    """Coverage as /status and the dashboard show it: the gaps grouped by level and district."""
    missing = gaps(subscriptions)
    by_level: dict[str, dict[str, list[str]]] = {lv: {} for lv in LEVELS}
    for district, department, level in missing:
        by_level[level].setdefault(str(district), []).append(department)
    return {
        "subscriptions": len(subscriptions),
        "confirmed": sum(s.confirmed for s in subscriptions),
        "pending_confirmation": sum(not s.confirmed for s in subscriptions),
        "cells": len(DISTRICTS) * len(DEPARTMENTS) * len(LEVELS),
        "uncovered": len(missing),
        "uncovered_by_level": by_level,
    }
