"""Urgency: danger to a person now.

The lexicon's urgent words are tagged U (danger by itself: fire, injured, kidnapping, drowning,
live wire), M (danger when it is happening now: a fight, harassment, an accident), N (now, in
progress, come quickly), CHILD and MISSING (a missing child). Before they count, a danger word is
dropped when it is negated next to it ("no one was injured", "koi ghayal nahi hua"), when the text
places it in the past ("last year", "2 saal pehle"; "was", "tha" unless something says now), or
when the text is about a game, a film or a joke ("Free Fire", "help me win", "lol").
"""

from __future__ import annotations

from .normalise import name_tokens

MAX_GRAM = 3


def _forms(terms) -> frozenset[str]:
    return frozenset("".join(name_tokens(t)) for t in terms if name_tokens(t))


_PAST = _NOT_DANGER = _PAST_WEAK = _NEG_BEFORE = _NEG_AFTER = _FIRST = frozenset()


def _load() -> None:
    global _PAST, _NOT_DANGER, _PAST_WEAK, _NEG_BEFORE, _NEG_AFTER, _FIRST
    from . import lexicon as lx
    _PAST, _NOT_DANGER, _PAST_WEAK = _forms(lx.PAST), _forms(lx.NOT_DANGER), _forms(lx.PAST_WEAK)
    _FIRST = frozenset(name_tokens(t)[0] for t in (*lx.PAST, *lx.NOT_DANGER, *lx.PAST_WEAK) if name_tokens(t))
    _NEG_BEFORE, _NEG_AFTER = _forms(lx.NEGATION_BEFORE), _forms(lx.NEGATION_AFTER)


def _starting_grams(toks: list[str]) -> set[str]:
    """Joined 1- to 3-grams that start at a token some time, game or joke phrase starts with."""
    out: set[str] = set()
    n = len(toks)
    for i, t in enumerate(toks):
        if t in _FIRST:
            acc = t
            out.add(acc)
            for j in range(i + 1, min(i + MAX_GRAM, n)):
                acc += toks[j]
                out.add(acc)
    return out


def _near(forms: frozenset[str], toks: list[str], start: int, stop: int) -> bool:
    """Whether a 1- or 2-word phrase of ``forms`` lies within toks[start:stop]."""
    seg = toks[max(start, 0):stop]
    for i, t in enumerate(seg):
        if t in forms or (i + 1 < len(seg) and t + seg[i + 1] in forms):
            return True
    return False


def settle(spans: list[tuple[str, int, int]], toks: list[str]) -> set[str]:
    """The urgency tags that stand, from (tag, first token, last token) matches."""
    if not spans:
        return set()
    if not _PAST:
        _load()
    tags = {t for t, _, _ in spans}
    if not tags & {"U", "M", "MISSING"}:
        return tags
    grams = _starting_grams(toks)
    if not _NOT_DANGER.isdisjoint(grams):
        return tags - {"U", "M", "MISSING"}
    if not _PAST.isdisjoint(grams):
        return tags - {"U", "M", "MISSING", "N"}
    weak_past = "N" not in tags and not _PAST_WEAK.isdisjoint(grams)
    kept: set[str] = set()
    for tag, a, b in spans:
        if tag in ("U", "M"):
            if weak_past or _near(_NEG_BEFORE, toks, a - 2, a) or _near(_NEG_AFTER, toks, b + 1, b + 3):
                continue
        kept.add(tag)
    return kept


def is_danger(tags: set[str]) -> bool:
    return "U" in tags or ("M" in tags and "N" in tags) or ("CHILD" in tags and "MISSING" in tags)
