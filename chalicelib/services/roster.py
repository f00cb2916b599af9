"""Officers' alert subscriptions from a roster CSV: one row per officer and what they cover (district x
department x level), by email or SMS. The import subscribes the new, changes the filters that differ and
(with prune) unsubscribes whom the roster no longer names; a dry run only says what it would do.

An officer on several rows (two departments, say) is one subscription whose filter takes any of them.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field

from ..domain.coverage import STATE_DESK, Subscription
from ..domain.departments import DEPARTMENTS
from ..domain.districts import DISTRICTS
from ..domain.sla import LEVELS
from .ports import AlertSubscriptions

COLUMNS = ("name", "district", "department", "level", "protocol", "endpoint")
PROTOCOLS = ("email", "sms")
EMAIL = re.compile(r"[^@\s,;]+@[^@\s,;]+\.[^@\s,;]+")
INDIAN_MOBILE = re.compile(r"\+91[6-9][0-9]{9}")  # E.164, as SNS takes it; TRAI's mobile series start 6-9


@dataclass
class Roster:
    dry_run: bool
    sms_registered: bool  # the stage sends SMS with its DLT entity and template (else SMS is not delivered)
    subscribe: dict[tuple[str, str], dict] = field(default_factory=dict)  # (protocol, endpoint) -> filter
    change: dict[tuple[str, str], tuple[str, dict]] = field(default_factory=dict)  # -> (arn, new filter)
    unchanged: list[tuple[str, str]] = field(default_factory=list)
    not_in_roster: list[Subscription] = field(default_factory=list)
    pruned: bool = False
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def _filter(row: dict, number: int, errors: list[str]) -> dict | None:
    """A row's filter policy: its level, and its district and department when named (blank: all)."""
    district, department, level = (row.get(k, "").strip() for k in ("district", "department", "level"))
    policy: dict = {}
    if district:
        if district not in ("unknown", STATE_DESK) and not (district.isdigit() and int(district) in DISTRICTS):
            errors.append(f"row {number}: district {district!r} is not an LGD code of UP (e.g. 162), "
                          "'unknown' (the state triage queue) or 'state' (the state desk)")
            return None
        policy["district"] = [district]
    if department:
        if department not in DEPARTMENTS:
            errors.append(f"row {number}: department {department!r} is not one of {', '.join(DEPARTMENTS)}")
            return None
        policy["department"] = [department]
    if level not in LEVELS:
        errors.append(f"row {number}: level {level!r} must be one of {', '.join(LEVELS)}")
        return None
    policy["level"] = [level]
    return policy


def _endpoint(row: dict, number: int, errors: list[str]) -> tuple[str, str] | None:
    protocol, endpoint = row.get("protocol", "").strip().lower(), row.get("endpoint", "").strip()
    if protocol not in PROTOCOLS:
        errors.append(f"row {number}: protocol {protocol!r} must be email or sms")
        return None
    if protocol == "email" and not EMAIL.fullmatch(endpoint):
        errors.append(f"row {number}: {endpoint!r} is not an email address")
        return None
    if protocol == "sms":
        endpoint = endpoint.replace(" ", "").replace("-", "")
        if not INDIAN_MOBILE.fullmatch(endpoint):
            errors.append(f"row {number}: {endpoint!r} is not an Indian mobile number as +91 and ten digits")
            return None
    return protocol, endpoint


def read(text: str, plan: Roster) -> dict[tuple[str, str], dict]:
    """Each officer's (protocol, endpoint) and the filter of all their rows."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        plan.errors.append(f"the header must name the columns {', '.join(COLUMNS)}; missing: {', '.join(missing)}")
        return {}
    wanted: dict[tuple[str, str], list[dict]] = {}
    for number, row in enumerate(reader, 2):
        policy, where = _filter(row, number, plan.errors), _endpoint(row, number, plan.errors)
        if policy is None or where is None:
            continue
        if where[0] == "sms" and not plan.sms_registered:
            plan.warnings.append(f"row {number}: SMS is not sent in this stage until SMS_DLT_ENTITY_ID and "
                                 "SMS_DLT_TEMPLATE_ID are set (TRAI's DLT rules)")
        if policy not in wanted.setdefault(where, []):
            wanted[where].append(policy)
    return {where: ps[0] if len(ps) == 1 else {"$or": ps} for where, ps in wanted.items()}


def import_roster(subscriptions: AlertSubscriptions, text: str, *, dry_run: bool, prune: bool = False,
                  sms_registered: bool = True) -> Roster:
    plan = Roster(dry_run, sms_registered)
    wanted = read(text, plan)
    current = {(s.protocol, s.endpoint): s for s in subscriptions.read()}
    for where, policy in wanted.items():
        held = current.get(where)
        if held is None or not held.confirmed:
            plan.subscribe[where] = policy  # again for one awaiting confirmation: SNS sends the request anew
        elif held.filter_policy != policy:
            plan.change[where] = (held.arn, policy)
        else:
            plan.unchanged.append(where)
    plan.not_in_roster = [s for where, s in current.items() if where not in wanted and s.protocol in PROTOCOLS]
    if dry_run or plan.errors:
        return plan
    for (protocol, endpoint), policy in plan.subscribe.items():
        subscriptions.subscribe(protocol, endpoint, policy)
    for arn, policy in plan.change.values():
        subscriptions.change_policy(arn, policy)
    if prune:
        for s in plan.not_in_roster:
            if s.confirmed:
                subscriptions.unsubscribe(s.arn)
        plan.pruned = True
    return plan


def report(plan: Roster) -> str:
    done = not plan.dry_run and not plan.errors
    verb = ("Subscribed {}, changed the filter of {}, left {} unchanged." if done
            else "Would subscribe {}, change the filter of {}, leave {} unchanged.")
    lines = [verb.format(len(plan.subscribe), len(plan.change), len(plan.unchanged))]
    lines += [f"  subscribe {p} {e}: {policy}" for (p, e), policy in plan.subscribe.items()]
    lines += [f"  change {p} {e}: {policy}" for (p, e), (_, policy) in plan.change.items()]
    if plan.not_in_roster:
        action = "unsubscribed" if plan.pruned else "not in the roster (kept; --prune unsubscribes them)"
        lines.append(f"{len(plan.not_in_roster)} {action}:")
        lines += [f"  {s.protocol} {s.endpoint}" for s in plan.not_in_roster]
    lines += [f"Warning: {w}" for w in plan.warnings]
    if plan.errors:
        lines.append(f"Problems ({len(plan.errors)}); nothing was written:")
        lines += [f"  {e}" for e in plan.errors]
    elif plan.dry_run:
        lines.append("Dry run: nothing written. Run again without --dry-run to import.")
    else:
        lines.append("New officers get a confirmation email or SMS; alerts reach them once they confirm.")
    return "\n".join(lines)
