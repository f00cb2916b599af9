"""The chaos suite's workload: seeded, the shape the scenarios rely on (many handles, three languages,
threads, edits, multi-handle tags, retweets, planted personal data), and every reference pointing back."""

import random
import re
from collections import Counter

import pytest

from devtools.chaos import workload

HANDLES = [f"h{i:02d}pol" for i in range(40)]
DISTRICTS = [("Lucknow", "लखनऊ"), ("Agra", "आगरा"), ("Kanpur Nagar", "कानपुर नगर")]


def planted(rng):
    number = f"9{rng.randint(100000000, 999999999)}"
    return f"call {number}", [number]


def make(seed=7, count=1000, **kw):
    return workload.waves(random.Random(seed), HANDLES, count, DISTRICTS, plant=planted, **kw)


def test_the_same_seed_gives_the_same_workload_and_another_seed_another():
    assert make(3) == make(3)
    assert make(3) != make(4)


def test_a_thousand_mentions_of_every_kind_across_many_handles():
    acts = workload.acts(make())
    ops = Counter(a.op for a in acts)
    assert len(acts) > 950  # an edit with no post left to edit is dropped
    assert ops["post"] > 600 and ops["follow_up"] > 50 and ops["edit"] > 30 and ops["retweet"] > 30
    assert sum(a.kind == "chatter" and a.op == "post" for a in acts) > 60
    assert len({h for a in acts for h in a.tagged}) >= 30
    assert sum(len(a.tagged) > 1 for a in acts if a.op == "post") > 80
    assert sum(bool(a.planted) for a in acts) > 40
    texts = " ".join(a.text for a in acts if a.text)
    assert re.search("[\u0900-\u097F]", texts)  # Hindi
    assert "nahi" in texts and "the" in texts  # Hinglish and English


def test_follow_ups_edits_and_retweets_point_at_posts_of_earlier_waves():
    waves = make()
    seen: dict[str, workload.Act] = {}
    for wave in waves:
        for act in wave:
            if act.op != "post":
                parent = seen[act.parent]  # KeyError: it points at a later wave or nothing
                assert parent.op == "post"
                if act.op in ("follow_up", "edit"):
                    assert act.author == parent.author  # the citizen's own thread, their own post
                if act.op == "follow_up":
                    assert act.text.startswith(f"@{parent.tagged[0]} ")
        seen.update({a.key: a for a in wave})
    assert Counter(a.parent for a in workload.acts(waves) if a.op == "edit").most_common(1)[0][1] == 1


def test_planted_values_are_in_the_texts_they_are_said_to_be_in():
    for act in workload.acts(make()):
        for value in act.planted:
            assert value in act.text


def test_a_burst_is_new_complaints_to_one_handle():
    acts = workload.acts(make(count=850, burst_handle="h07pol", n_waves=3))
    assert len(acts) == 850
    assert {a.op for a in acts} == {"post"} and {a.tagged for a in acts} == {("h07pol",)}
    assert all(a.text.startswith("@h07pol ") for a in acts)


def test_a_workload_needs_mentions_and_handles():
    with pytest.raises(ValueError):
        workload.waves(random.Random(1), [], 10, DISTRICTS)
    with pytest.raises(ValueError):
        workload.waves(random.Random(1), HANDLES, 0, DISTRICTS)
