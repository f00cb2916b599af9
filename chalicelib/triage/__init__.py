"""Triage: decide a mention's district, department, urgency and whether it is a complaint.

Bilingual (Devanagari Hindi, Hinglish, English), rule based, pure Python. Routing rules:

- district: district names/aliases, tehsils, towns, thanas and city localities in the text,
  plus district police handles, weighed in ``gazetteer.decide``; unknown or contested -> None
  (the state triage queue). A wrong district is worse than none.
- department: lexicon hits in the text plus the handle's department (a department handle wins
  unless the text clearly names another department); ``other`` when nothing is known.
- urgent: danger to a person now (fire, injured, assault or kidnapping in progress, medical
  emergency, live wire, drowning, missing child); not when negated or in the past.
- outcome: ``complaint`` (alerts officers) needs evidence of a problem: a problem word or a
  department's problem word, not common words (please, why, still, not), which only support it;
  ``not_actionable`` for no evidence, praise, greetings, news, politics, official voices (the
  speaker, or an official reply's boilerplate); ``needs_review`` (the state review queue) when
  asks and hints are there but no evidence, or evidence and counter-evidence are close;
  ``outside_jurisdiction`` (with ``channel``) for central bodies and other states' places, except
  what UP owns (crime on trains is GRP, cyber fraud is police) and danger now.
  ``is_complaint`` is true exactly for ``complaint``.

Data (gazetteer, lexicon) is built on the first call, not at import.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from ..domain.districts import DISTRICTS
from ..domain.handles import WatchedHandle
from ..domain.pii import mask
from .normalise import BARRIERS, prepare


@dataclass(frozen=True)
class Triage:
    is_complaint: bool
    district: int | None
    district_name: str | None
    department: str | None
    urgent: bool
    confidence: float
    masked_text: str
    district_confidence: float = 0.0
    department_confidence: float = 0.0
    reason: str = ""
    # complaint (alerts officers), needs_review (state review queue), not_actionable, outside_jurisdiction
    outcome: str = ""
    channel: str | None = None  # for outside_jurisdiction: the body that owns it (a key of CHANNELS)

    def __post_init__(self):
        if not self.outcome:
            object.__setattr__(self, "outcome", "complaint" if self.is_complaint else "not_actionable")


@dataclass(frozen=True)
class Speaker:
    """Who posted: X's username and verified_type, and whether the account is one of the desk's own handles."""
    username: str = ""
    verified_type: str | None = None
    is_watched: bool = False

W_DEPT_HANDLE = 2.5
W_POLICE_HANDLE = 1.2
DEPT_ORDER = ("police", "electricity", "water", "sanitation", "roads", "health", "revenue", "food",
              "education", "transport", "other")


class _Lexicon:
    def __init__(self):
        from . import district_names as dn
        from . import jurisdiction as jz
        from . import lexicon as lx
        from . import speaker, urgency
        from .normalise import Matcher, name_key

        # a word whose key is also a district's (मुर्दाबाद / मुरादाबाद) matches only as spelled
        place_keys = frozenset(name_key(n)[1] for names in dn.ALIASES.values() for n in names)
        m = Matcher(min_key=5, strict_keys=place_keys)

        def weighed(kind: str, table: dict) -> None:  # {label: {weight: terms}}
            for label, levels in table.items():
                for w, terms in levels.items():
                    for t in terms:
                        m.add(t, (kind, label, w))

        def flat(kind: str, table: dict, weight: int) -> None:  # {label: terms}, one weight for all
            for label, terms in table.items():
                for t in terms:
                    m.add(t, (kind, label, weight))

        weighed("dept", lx.DEPARTMENT_TERMS)
        for w, terms in lx.COMPLAINT_TERMS.items():
            for t in terms:
                m.add(t, ("c", "", w))
        weighed("na", lx.NOT_ACTIONABLE_TERMS)
        flat("u", urgency.URGENT_TERMS, 0)
        for t in speaker.OFFICIAL_REPLY:
            m.add(t, ("na", "official_reply", 9))
        weighed("body", jz.BODY_TERMS)
        flat("own", jz.UP_OWNS, 3)
        self.matcher = m


_LEX: _Lexicon | None = None


def _lex() -> _Lexicon:
    global _LEX
    if _LEX is None:
        _LEX = _Lexicon()
    return _LEX


EVIDENCE_MIN = 2.0     # a problem word (3) or a department's problem word (2-3)
HINTS_CAP = 2.0        # asks and hedges add at most this much to the evidence
REVIEW_MIN_WORDS = 4


def decide_outcome(words: int, evidence: float, hints: float, against: float, official: str) -> str:
    """complaint / needs_review / not_actionable from the weighed words (jurisdiction comes after)."""
    if official or not words:
        return "not_actionable"
    support = evidence + min(hints, HINTS_CAP)
    if evidence >= EVIDENCE_MIN and support > against:
        return "complaint"
    if support > against and (evidence > 0 or hints >= 2) and words >= REVIEW_MIN_WORDS:
        return "needs_review"          # asks without evidence, or evidence too thin to alert on
    if evidence >= EVIDENCE_MIN and support >= against - 1:
        return "needs_review"          # a problem and thanks, news or politics in about equal measure
    return "not_actionable"


def jurisdiction_of(body: str | None, owned: bool, police_crime: bool, up_place: bool,
                    outside_up: bool) -> str | None:
    """The channel of a complaint the state does not own, or None when it is the desk's."""
    if owned or police_crime:
        return None                    # GRP on trains and stations, cyber fraud, level crossings: UP's
    if body:
        return body
    if outside_up and not up_place:
        return "other_state"
    return None


_PARTS: tuple | None = None


def _parts() -> tuple:
    """The modules triage() uses, imported on the first call rather than at import (cold start)."""
    global _PARTS
    if _PARTS is None:
        from . import urgency
        from .gazetteer import decide, gazetteer
        from .jurisdiction import top_body
        from .model import model
        from .speaker import why_official
        _PARTS = (urgency, decide, gazetteer, top_body, why_official, model)
    return _PARTS


def triage(text: str, tagged: Sequence[WatchedHandle], speaker: Speaker | None = None) -> Triage:
    urgency, decide, gazetteer, top_body, why_official, model = _parts()
    raw, toks, keys, place_keys = prepare(text)

    # -- lexicon -------------------------------------------------------------------------
    dept_text: dict[str, float] = {}
    evidence = hints = 0.0
    na: dict[str, float] = {}
    bodies: dict[str, float] = {}
    owned = False
    uspans: list[tuple[str, int, int]] = []
    seen: set[str] = set()
    for a, b, payloads in _lex().matcher.find(toks, keys):
        phrase = "".join(toks[a:b + 1])
        first = phrase not in seen
        seen.add(phrase)
        for kind, label, w in payloads:
            if kind == "u":
                uspans.append((label, a, b))
            elif not first:
                continue
            elif kind == "dept":
                dept_text[label] = dept_text.get(label, 0.0) + w
                if w >= 2:
                    evidence = max(evidence, min(dept_text[label], 3.0))
                else:
                    hints += w
            elif kind == "c":
                if w >= 2:
                    evidence += w
                else:
                    hints += w
            elif kind == "na":
                na[label] = na.get(label, 0.0) + w
            elif kind == "own":
                owned = True
                evidence += w
                dept_text[label] = dept_text.get(label, 0.0) + w
            else:
                bodies[label] = bodies.get(label, 0.0) + w
    utags = urgency.settle(uspans, toks)

    # "road" + "broken" anywhere in the tweet is a road complaint
    if "roads" in dept_text and "broken" in utags:
        dept_text["roads"] += 2.5

    # a missing child is a police matter whatever else the tweet mentions (school, hospital)
    if "CHILD" in utags and "MISSING" in utags:
        dept_text["police"] = dept_text.get("police", 0.0) + 3.0

    # -- department ----------------------------------------------------------------------
    dept_scores = dict(dept_text)
    for h in tagged:
        if h.kind == "department" or (h.department != "police"):
            dept_scores[h.department] = dept_scores.get(h.department, 0.0) + W_DEPT_HANDLE
        else:
            dept_scores["police"] = dept_scores.get("police", 0.0) + W_POLICE_HANDLE
    if dept_scores:
        ranked = sorted(dept_scores.items(), key=lambda kv: (-kv[1], DEPT_ORDER.index(kv[0])))
        department, top = ranked[0]
        second = ranked[1][1] if len(ranked) > 1 else 0.0
        dept_conf = round(min(0.97, top / (top + second + 1.0)), 3)
        if not dept_text:
            dept_conf = min(dept_conf, 0.6)
    else:
        department, top, dept_conf = "other", 0.0, 0.2

    # -- outcome and urgency -------------------------------------------------------------
    danger = urgency.is_danger(utags)
    if danger:
        evidence += 3.0
    words = len(toks) - sum(map(BARRIERS.__contains__, toks))
    official = why_official(speaker) or ("official_reply" if "official_reply" in na else "")
    outcome = decide_outcome(words, evidence, hints, sum(na.values()), official)
    learned = ""
    if outcome == "needs_review":
        m = model()
        settled = m.settle(toks) if m else None
        if settled:
            outcome, learned = settled, f"model:{settled}"
    urgent = outcome == "complaint" and danger

    # -- district ------------------------------------------------------------------------
    g = gazetteer()
    places, outside_up = g.evidence(toks, place_keys, raw)
    handle_districts = [h.district for h in tagged if h.kind == "district_police" and h.district is not None]
    dd = decide(places, handle_districts)
    district = dd.district
    confidence = round(0.6 * dd.confidence + 0.4 * dept_conf, 3) if district else round(0.4 * dept_conf, 3)

    channel = None
    body = top_body(bodies)
    up_place = district is not None or any(p.kind != "ambiguous" for p in places)
    elsewhere = body or (outside_up and not up_place)
    if elsewhere and outcome != "complaint" and not official and words >= REVIEW_MIN_WORDS and (evidence or hints):
        outcome = "complaint"          # an ask to a central body or another state: answered with its channel
    if outcome == "complaint" and not urgent:
        channel = jurisdiction_of(body, owned, dept_text.get("police", 0.0) >= 3.0, up_place, outside_up)
        if channel:
            outcome = "outside_jurisdiction"

    reason = "; ".join(filter(None, (
        official,
        learned,
        ",".join(dd.evidence) or "no place",
        ",".join(f"{k}={v:g}" for k, v in sorted(dept_text.items())),
        f"evidence={evidence:g},hints={hints:g}",
        ",".join(f"{k}={v:g}" for k, v in sorted(na.items())),
        ",".join(f"{k}={v:g}" for k, v in sorted(bodies.items())),
        ",".join(sorted(utags)),
    )))
    return Triage(
        is_complaint=outcome == "complaint",
        district=district,
        district_name=DISTRICTS[district].name_en if district else None,
        department=department,
        urgent=urgent,
        confidence=confidence,
        masked_text=mask(text),
        district_confidence=dd.confidence,
        department_confidence=dept_conf,
        reason=reason,
        outcome=outcome,
        channel=channel,
    )


__all__ = ["Speaker", "Triage", "triage"]
