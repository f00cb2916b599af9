"""Triage: decide a mention's district, department, urgency and whether it is a complaint.

Bilingual (Devanagari Hindi, Hinglish, English), rule based, pure Python. Routing rules:

- district: district names/aliases, tehsils, towns, thanas and city localities in the text,
  plus district police handles, weighed in ``gazetteer.decide``; unknown or contested -> None
  (the state triage queue). A wrong district is worse than none.
- department: lexicon hits in the text plus the handle's department (a department handle wins
  unless the text clearly names another department); ``other`` when nothing is known.
- urgent: threat to life or safety now (fire, injured, medical emergency, harassment in
  progress, missing child).
- is_complaint: False for praise, thanks, greetings, news, political chatter and official
  replies unless the text also carries a complaint; recall comes first.

Data (gazetteer, lexicon) is built on the first call, not at import.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from ..domain.districts import DISTRICTS
from ..domain.handles import WatchedHandle
from .normalise import prepare
from ..domain.pii import mask


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
        from . import lexicon as lx
        from .normalise import Matcher, name_key

        # a word whose key is also a district's (मुर्दाबाद / मुरादाबाद) matches only as spelled
        place_keys = frozenset(name_key(n)[1] for names in dn.ALIASES.values() for n in names)
        m = Matcher(min_key=5, strict_keys=place_keys)
        for dept, levels in lx.DEPARTMENT_TERMS.items():
            for w, terms in levels.items():
                for t in terms:
                    m.add(t, ("dept", dept, w))
        for w, terms in lx.COMPLAINT_TERMS.items():
            for t in terms:
                m.add(t, ("c", "", w))
        for cat, levels in lx.NOT_ACTIONABLE_TERMS.items():
            for w, terms in levels.items():
                for t in terms:
                    m.add(t, ("na", cat, w))
        for tag, terms in lx.URGENT_TERMS.items():
            for t in terms:
                m.add(t, ("u", tag, 0))
        self.matcher = m


_LEX: _Lexicon | None = None


def _lex() -> _Lexicon:
    global _LEX
    if _LEX is None:
        _LEX = _Lexicon()
    return _LEX


def triage(text: str, tagged: Sequence[WatchedHandle], speaker: Speaker | None = None) -> Triage:
    from .gazetteer import decide, gazetteer

    raw, toks, keys = prepare(text)

    # -- lexicon -------------------------------------------------------------------------
    dept_text: dict[str, float] = {}
    c_score = 0.0
    na: dict[str, float] = {}
    utags: set[str] = set()
    seen: set[str] = set()
    for a, b, payloads in _lex().matcher.find(toks, keys):
        phrase = "".join(toks[a:b + 1])
        first = phrase not in seen
        seen.add(phrase)
        for kind, label, w in payloads:
            if kind == "dept":
                if first:
                    dept_text[label] = dept_text.get(label, 0.0) + w
            elif kind == "c":
                if first:
                    c_score += w
            elif kind == "na":
                if first:
                    na[label] = na.get(label, 0.0) + w
            else:
                utags.add(label)

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

    # -- complaint / urgency -------------------------------------------------------------
    words = [t for t in toks if t.isalnum() or t[:1] >= "\u0900"]
    a_score = sum(na.values())
    c_total = c_score + min(max(dept_text.values(), default=0.0), 3.0)
    if "U" in utags:
        c_total += 3.0
    if not words:
        is_complaint = False
    elif a_score == 0:
        is_complaint = c_total > 0 or len(words) >= 3
    else:
        is_complaint = c_total > a_score
    urgent = is_complaint and (
        "U" in utags or ("M" in utags and "N" in utags) or ("CHILD" in utags and "MISSING" in utags))

    # -- district ------------------------------------------------------------------------
    g = gazetteer()
    places = g.evidence(toks, keys, raw)
    handle_districts = [h.district for h in tagged if h.kind == "district_police" and h.district is not None]
    dd = decide(places, handle_districts)
    district = dd.district
    confidence = round(0.6 * dd.confidence + 0.4 * dept_conf, 3) if district else round(0.4 * dept_conf, 3)

    reason = "; ".join(filter(None, (
        ",".join(dd.evidence) or "no place",
        ",".join(f"{k}={v:g}" for k, v in sorted(dept_text.items())),
        ",".join(f"{k}={v:g}" for k, v in sorted(na.items())),
        ",".join(sorted(utags)),
    )))
    return Triage(
        is_complaint=is_complaint,
        district=district,
        district_name=DISTRICTS[district].name_en if district else None,
        department=department,
        urgent=urgent,
        confidence=confidence,
        masked_text=mask(text),
        district_confidence=dd.confidence,
        department_confidence=dept_conf,
        reason=reason,
    )


__all__ = ["Speaker", "Triage", "triage"]
