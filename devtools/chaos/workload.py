"""The chaos suite's workload, made from a seed (the same seed, the same posts): citizens' complaints and
chatter in Hindi, Hinglish and English tagging one to three watched handles, their follow-ups in their own
threads, edits, retweets, and personal data planted in some posts.

Pure: no servers. The harness posts each wave to the local X in turn (a wave's follow-ups, edits and retweets
point at posts of earlier waves) and keeps what each post is meant to be, for the invariants.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Callable

from bench.mentions import TEMPLATES

# What citizens post that is no complaint: thanks, greetings, news (triage should find nothing to act on).
CHATTER = {
    "en": ("Thank you for the quick help yesterday, great work by the team.",
           "Good morning, wishing everyone a happy festival season.",
           "Proud of our city, the new park looks beautiful."),
    "hinglish": ("Bahut badhiya kaam kiya team ne, dhanyavaad",
                 "Sabhi ko shubh prabhat, aaj mausam bahut accha hai"),
    "hi": ("कल की त्वरित सहायता के लिए धन्यवाद, बहुत अच्छा काम।",
           "सभी को दीपावली की हार्दिक शुभकामनाएं।"),
}
FOLLOW_UPS = ("still nothing has been done, please act", "abhi tak koi karyawahi nahi hui",
              "अभी तक कोई कार्रवाई नहीं हुई है", "day {n}: no one came, the problem is worse now")
EDIT_SUFFIX = (" (edit: it has been {n} days now)", " (sudhar: {n} din ho gaye)", " (संशोधन: {n} दिन हो गए)")
# Shares of the mentions: the rest are new complaint posts.
SHARES = {"chatter": 0.12, "follow_up": 0.10, "edit": 0.06, "retweet": 0.06}
MULTI_TAG = 0.2  # of new posts: two or three watched handles
PII_SHARE = 0.08  # of new posts and follow-ups


@dataclass(frozen=True)
class Act:
    """One thing a citizen does on X. `key` names it; `parent` is the key of the post it follows up, edits or
    retweets. `planted`: the personal data values in its text (for the PII scan)."""

    key: str
    op: str  # post | follow_up | edit | retweet
    author: str
    text: str | None
    tagged: tuple[str, ...]  # watched handles (as posted), the first the one it is about
    parent: str | None = None
    kind: str = "complaint"  # complaint | chatter (what the text is meant to be)
    planted: tuple[str, ...] = field(default=())


def _no_pii(rng: random.Random) -> tuple[str, list[str]]:
    return "", []


def _text(rng: random.Random, kind: str, district: tuple[str, str]) -> str:
    language = rng.choice(tuple(TEMPLATES))
    if kind == "chatter":
        return rng.choice(CHATTER[language])
    en, hi = district
    named = rng.random() < 0.5
    where = {"where": f" in {en}" if named else "", "where_hl": f"{en} me" if named else "Hamare mohalle me",
             "where_hi": f"{hi} में" if named else "हमारे मोहल्ले में"}
    return rng.choice(TEMPLATES[language]).format(n=rng.randint(2, 9), **where)


def waves(rng: random.Random, handles: list[str], count: int, districts: list[tuple[str, str]], n_waves: int = 10,
          plant: Callable[[random.Random], tuple[str, list[str]]] = _no_pii, burst_handle: str | None = None,
          author_prefix: str = "cz") -> list[list[Act]]:
    """`count` mentions in `n_waves` waves across `handles` (names as on X); `districts`: (English, Hindi)
    names to place complaints in. With `burst_handle`, every post is a new complaint tagging that handle only."""
    if count < 1 or not handles:
        raise ValueError("a workload needs mentions and handles")
    out: list[list[Act]] = [[] for _ in range(n_waves)]
    posted: list[tuple[int, Act]] = []  # (wave, post) that later acts may point at
    edited: set[str] = set()
    for i in range(count):
        wave = i * n_waves // count
        earlier = [a for w, a in posted if w < wave]
        op = "post" if burst_handle else _op(rng, bool(earlier))
        key = f"{author_prefix}{i:05d}"
        if op == "post" or op == "chatter":
            kind = "chatter" if op == "chatter" else "complaint"
            tagged = (burst_handle,) if burst_handle else _tags(rng, handles)
            text = _text(rng, kind, rng.choice(districts))
            planted: list[str] = []
            if kind == "complaint" and rng.random() < PII_SHARE:
                fragment, planted = plant(rng)
                text = f"{text} {fragment}".strip()
            act = Act(key, "post", f"{author_prefix}cit{i:05d}", " ".join(f"@{h}" for h in tagged) + " " + text,
                      tagged, kind=kind, planted=tuple(planted))
            posted.append((wave, act))
        elif op == "follow_up":
            parent = rng.choice(earlier)
            text = f"@{parent.tagged[0]} " + rng.choice(FOLLOW_UPS).format(n=rng.randint(2, 9))
            planted = []
            if rng.random() < PII_SHARE:
                fragment, planted = plant(rng)
                text = f"{text} {fragment}".strip()
            act = Act(key, "follow_up", parent.author, text, parent.tagged[:1], parent.key, parent.kind,
                      tuple(planted))
        elif op == "edit":
            choices = [a for a in earlier if a.key not in edited and not a.planted]
            if not choices:
                continue
            parent = rng.choice(choices)
            edited.add(parent.key)
            act = Act(key, "edit", parent.author, parent.text + rng.choice(EDIT_SUFFIX).format(n=rng.randint(2, 9)),
                      parent.tagged, parent.key, parent.kind)
        else:
            parent = rng.choice(earlier)
            act = Act(key, "retweet", f"{author_prefix}rt{i:05d}", None, (), parent.key, parent.kind)
        out[wave].append(act)
    return [w for w in out if w]


def _op(rng: random.Random, can_refer: bool) -> str:
    draw = rng.random()
    for op, share in SHARES.items():
        if draw < share:
            return op if can_refer or op == "chatter" else "post"
        draw -= share
    return "post"


def _tags(rng: random.Random, handles: list[str]) -> tuple[str, ...]:
    first = rng.choice(handles)
    if rng.random() >= MULTI_TAG or len(handles) < 3:
        return (first,)
    others = rng.sample([h for h in handles if h != first], rng.choice((1, 2)))
    return (first, *others)


def acts(all_waves: list[list[Act]]) -> list[Act]:
    return [a for w in all_waves for a in w]
