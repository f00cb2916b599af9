"""The filtered stream's rules as X keeps them (one set per app) and their endpoints:
`GET /2/tweets/search/stream/rules` (optionally by ids) and `POST /2/tweets/search/stream/rules`
({"add": [{"value", "tag"}]} or {"delete": {"ids": [...]}} , `dry_run=true` to only check).

A rule is the search query language (query.py) up to 1,024 characters (X's pay-per-use limit;
search takes 512). A rule whose value the app already has is a DuplicateRule, a bad one an
UnprocessableEntity with X's `details`, both in an `errors` array beside `meta.summary` counts."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Callable

from .errors import INVALID_REQUEST, ApiError, invalid
from .model import iso, snowflake
from .params import ID_RE, check_known
from .query import QueryParser

MAX_RULE_LENGTH = 1024
MAX_RULES = 1000  # rules per app on pay-per-use
MAX_TAG_LENGTH = 256
PROBLEMS = "https://api.twitter.com/2/problems"


@dataclass
class Rule:
    id: str
    value: str
    tag: str | None
    matches: Callable  # tweet -> bool

    def render(self) -> dict:
        return {"id": self.id, "value": self.value, **({"tag": self.tag} if self.tag is not None else {})}

    def reference(self) -> dict:
        """How a delivery names the rules it matched: id and tag."""
        return {"id": self.id, "tag": self.tag or ""}  # X sends an empty tag for an untagged rule


class StreamRules:
    """The app's rules, oldest first. The caller holds the state's lock."""

    def __init__(self):
        self.rules: dict[str, Rule] = {}
        self._last_id = 0

    def new_id(self, now) -> str:
        self._last_id = max(self._last_id + 1, snowflake(now))
        return str(self._last_id)

    def matching(self, tweet) -> list[Rule]:
        return [r for r in self.rules.values() if r.matches(tweet)]


def _parse(value: str):
    """The rule's predicate, or the `details` X gives for an invalid rule."""
    if len(value) > MAX_RULE_LENGTH:
        return None, [f"Rule length ({len(value)}) exceeds the maximum of {MAX_RULE_LENGTH} characters"]
    try:
        return QueryParser(value).parse(), None
    except ApiError as e:
        message = e.body["errors"][0]["message"]
        return None, [message.removeprefix("There were errors processing your request: ")]


def get_rules(state, match, params, auth, body):
    check_known(params, ("ids", "max_results", "pagination_token"))
    rules = list(state.stream_rules.rules.values())
    if params.get("ids"):
        ids = params["ids"].split(",")
        for rule_id in ids:
            if not ID_RE.fullmatch(rule_id):
                raise invalid("ids", rule_id, f"The `ids` query parameter value [{rule_id}] is not valid")
        rules = [r for r in rules if r.id in ids]
    meta = {"sent": iso(state.clock.now()), "result_count": len(rules)}
    return 200, ({"data": [r.render() for r in rules]} if rules else {}) | {"meta": meta}


def post_rules(state, match, params, auth, raw_body):
    check_known(params, ("dry_run",))
    dry_run = params.get("dry_run", "false")
    if dry_run not in ("true", "false"):
        raise invalid("dry_run", dry_run, f"The `dry_run` query parameter value [{dry_run}] is not one of [true,false]")
    try:
        payload = json.loads(raw_body or b"null")
    except ValueError:
        payload = None
    if not isinstance(payload, dict) or len(payload.keys() & {"add", "delete"}) != 1 or len(payload) != 1:
        message = "$: exactly one of add or delete is required"
        raise ApiError(400, {"errors": [{"message": message}], **INVALID_REQUEST})
    if "add" in payload:
        return _add(state, payload["add"], dry_run == "true")
    return _delete(state, payload["delete"], dry_run == "true")


def _add(state, specs, dry_run: bool):
    if not isinstance(specs, list) or not specs or not all(isinstance(s, dict) for s in specs):
        raise ApiError(400, {"errors": [{"message": "$.add: a non-empty list of rules is required"}], **INVALID_REQUEST})
    store: StreamRules = state.stream_rules
    now = state.clock.now()
    existing = {r.value: r for r in store.rules.values()}
    created, errors, invalid_count = [], [], 0
    for spec in specs:
        value, tag = spec.get("value"), spec.get("tag")
        if not isinstance(value, str) or not value.strip() or not (tag is None or isinstance(tag, str)):
            raise ApiError(400, {"errors": [{"message": "$.add[*]: value must be a non-empty string, tag a string"}],
                                 **INVALID_REQUEST})
        if tag is not None and len(tag) > MAX_TAG_LENGTH:
            raise ApiError(400, {"errors": [{"message": f"$.add[*].tag: at most {MAX_TAG_LENGTH} characters"}],
                                 **INVALID_REQUEST})
        if value in existing:
            # X names the rule the app already has, not the tag it was sent with.
            errors.append({"value": value, "id": existing[value].id, "title": "DuplicateRule",
                           "type": f"{PROBLEMS}/duplicate-rules"})
            invalid_count += 1
            continue
        predicate, details = _parse(value)
        if details:
            errors.append({"value": value, "details": details, "title": "UnprocessableEntity",
                           "type": f"{PROBLEMS}/invalid-rules"})
            invalid_count += 1
            continue
        rule = Rule(store.new_id(now), value, tag, predicate)
        existing[value] = rule
        created.append(rule)
    if not dry_run and len(store.rules) + len(created) > MAX_RULES:
        raise ApiError(400, {"title": "RuleCapExceeded", "type": f"{PROBLEMS}/rule-cap",
                             "detail": f"Rule creation would exceed the cap of {MAX_RULES} rules for this app."})
    if not dry_run:
        store.rules.update((r.id, r) for r in created)
    summary = {"created": len(created), "not_created": len(specs) - len(created),
               "valid": len(specs) - invalid_count, "invalid": invalid_count}
    body = ({"data": [r.render() for r in created]} if created else {}) | {"meta": {"sent": iso(now), "summary": summary}}
    if errors:
        body["errors"] = errors
    return (201 if created and not dry_run else 200), body


def _delete(state, spec, dry_run: bool):
    ids = spec.get("ids") if isinstance(spec, dict) else None
    values = spec.get("values") if isinstance(spec, dict) else None
    if not (isinstance(ids, list) and ids) and not (isinstance(values, list) and values):
        message = "$.delete: ids or values, a non-empty list, is required"
        raise ApiError(400, {"errors": [{"message": message}], **INVALID_REQUEST})
    store: StreamRules = state.stream_rules
    by_value = {r.value: r.id for r in store.rules.values()}
    asked = [("ids", str(i), str(i)) for i in ids or []] + [("values", v, by_value.get(v)) for v in values or []]
    found = [rule_id for _, _, rule_id in asked if rule_id in store.rules]
    errors = [
        {"errors": [{"parameters": {name: [given]}, "message": "Rule does not exist"}], **INVALID_REQUEST}
        for name, given, rule_id in asked if rule_id not in store.rules
    ]
    if not dry_run:
        for rule_id in found:
            store.rules.pop(rule_id, None)
    summary = {"deleted": len(set(found)), "not_deleted": len(asked) - len(set(found))}
    body = {"meta": {"sent": iso(state.clock.now()), "summary": summary}}
    if errors:
        body["errors"] = errors
    return 200, body
