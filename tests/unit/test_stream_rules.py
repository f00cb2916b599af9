"""The filtered stream's rules from the registry, and the sync's plan by value."""

import re
from dataclasses import replace
from datetime import datetime, timedelta, timezone

import pytest

from chalicelib.domain.handles import Registry, WatchedHandle, load_registry
from chalicelib.domain.stream_rules import MAX_RULE_LENGTH, StreamRule, pack_rules, plan, rule_value
from chalicelib.services.stream import wanted_rules

NOW = datetime(2026, 11, 29, 6, 0, tzinfo=timezone.utc)


def covered(rules):
    """The handles each rule watches (tagged; and the replies of those known by user id)."""
    names = []
    for r in rules:
        assert r.startswith("(") and r.endswith(") -is:retweet")
        tagged, own = re.findall(r"(?<![\w:])@(\w+)", r), re.findall(r"from:(\w+)", r)
        assert set(own) <= set(tagged)
        names += tagged
    return names


def state_scale(n=250):
    """Fifteen-character usernames: the longest X allows, so the fewest per rule."""
    return [WatchedHandle(f"handle{i:09d}", "department", "police", None) for i in range(n)]


def test_every_rule_fits_and_every_handle_is_in_exactly_one_rule():
    handles = state_scale()
    rules = pack_rules(h.handle for h in handles)
    assert all(len(r) <= MAX_RULE_LENGTH for r in rules)
    names = covered(rules)
    assert sorted(names) == sorted(h.key for h in handles) and len(names) == len(set(names))
    # Packed full: no rule but the last could take the next handle.
    for rule, following in zip(rules, rules[1:]):
        assert len(rule_value([*covered([rule]), covered([following])[0]])) > MAX_RULE_LENGTH


def test_a_rule_is_filled_to_its_limit_and_no_further():
    rules = pack_rules(["aaaa", "bbbb", "cccc"], limit=len("(@aaaa OR @bbbb OR (is:reply (from:aaaa OR from:bbbb))) -is:retweet"))
    assert rules == ["(@aaaa OR @bbbb OR (is:reply (from:aaaa OR from:bbbb))) -is:retweet",
                     "(@cccc OR (is:reply (from:cccc))) -is:retweet"]


def test_names_differing_only_in_case_are_one_term():
    assert pack_rules(["LucknowPolice", "@lucknowpolice"]) == ["(@lucknowpolice OR (is:reply (from:lucknowpolice))) -is:retweet"]


def test_disabled_and_not_yet_live_handles_are_left_out():
    seed = load_registry().all()
    off, later = seed[0], seed[1]
    registry = Registry([replace(off, enabled=False), replace(later, start_at=NOW + timedelta(hours=1)), *seed[2:]])
    names = covered(wanted_rules(registry, NOW))
    assert off.key not in names and later.key not in names
    assert sorted(names) == sorted(h.key for h in seed[2:])
    assert later.key in covered(wanted_rules(registry, NOW + timedelta(hours=2)))  # it joins once live


def test_the_same_registry_gives_the_same_rules():
    handles = [h.handle for h in load_registry()]
    assert pack_rules(handles) == pack_rules(list(reversed(handles)))


def test_plan_adds_what_x_lacks_and_deletes_what_is_not_wanted():
    current = [StreamRule("1", "(@a) -is:retweet"), StreamRule("2", "(@b) -is:retweet"),
               StreamRule("3", "(@b) -is:retweet"), StreamRule("4", "someone else's rule")]
    change = plan(["(@a) -is:retweet", "(@b) -is:retweet", "(@c) -is:retweet"], current)
    assert change.add == ("(@c) -is:retweet",)
    assert change.delete == ("3", "4")  # a duplicate and a stranger


def test_plan_is_empty_when_x_holds_the_wanted_rules():
    wanted = pack_rules(["a", "b"])
    assert plan(wanted, [StreamRule("9", wanted[0])]).empty


def test_a_username_longer_than_a_rule_is_refused():
    with pytest.raises(ValueError):
        pack_rules(["abc"], limit=10)


def test_the_rules_ask_for_the_replies_of_handles_known_by_user_id_without_moving_a_handle():
    seed = load_registry().all()
    unknown = wanted_rules(Registry(seed), NOW)
    known = wanted_rules(Registry([replace(h, user_id=str(1000 + i)) for i, h in enumerate(seed)]), NOW)
    assert all("from:" not in r for r in unknown)
    assert [covered([r]) for r in known] == [covered([r]) for r in unknown]  # the same handles in each rule
    assert all(re.findall(r"from:(\w+)", r) == covered([r]) and len(r) <= MAX_RULE_LENGTH for r in known)
    one = wanted_rules(Registry([replace(seed[9], user_id="1009"), *seed[:9], *seed[10:]]), NOW)
    assert [re.findall(r"from:(\w+)", r) for r in one if "from:" in r] == [[seed[9].key]]
