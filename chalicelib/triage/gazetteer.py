"""The district gazetteer and the district decision.

Evidence, each with a weight for every district it may mean:

- a district name or alias in the text (``district_names``): 4;
- a place that only one district has (tehsil, town, curated locality): 3.5; a thana from the
  lower-confidence thana list: 3;
- a name several districts share (Lalganj, नवाबगंज, Akbarpur, a "weak" locality): 1.5 each;
- a district police handle: 2;
- a UP PIN code (India Post's directory, ``india``): 3.5; a UP post office the gazetteer does not
  otherwise know, written capitalised: 1.5; a name UP shares with another state (Nizamabad): 1.5;
- a name used as a road or a journey's end: 1, or 1.5 for the UP end of a journey whose other
  end is outside UP ("Noida to Dhaula Kuan").

English-looking words (barely, bargain, cater) and short Devanagari words (प्रधान) match a place
only as spelled, never by sound. Places outside UP (``india``) are reported beside the evidence;
with one, Noida's "Sector 37" is not taken as Noida.

The district with the highest total wins when it reaches 2 and leads the next by at least 1.5;
otherwise the district is unknown (state triage queue). So a district name or an unambiguous
place overrides the handle, an ambiguous place alone decides nothing but is confirmed by a
handle, a district name or a second place, and two districts named with equal weight cancel
out. Data is loaded on first use.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from ..domain.districts import DISTRICTS
from . import district_names as dn
from .india import India
from .normalise import Matcher, name_key, name_tokens

DATA = Path(__file__).resolve().parent / "data"

W_DISTRICT = 4.0
W_PLACE = 3.5
W_THANA = 3.0
W_AMBIGUOUS = 1.5
W_HANDLE = 2.0
W_SECTOR = 2.5        # "Sector 25".."Sector 168": Noida; decides alone, loses to any other evidence
W_ROUTE = 1.0         # a name used as a road or journey end: "Kanpur road", "Lucknow se Kanpur"
DECIDE_MIN = 2.0
DECIDE_MARGIN = 1.5


@dataclass(frozen=True)
class Place:
    name: str
    districts: tuple[int, ...]
    kind: str            # district | alias | ambiguous | tehsil | town | thana | locality | sector
    weight: float
    flag: str = ""       # other_state | common_word


class Gazetteer:
    def __init__(self):
        self.matcher = Matcher()
        self.names: dict[int, list[str]] = {}
        self._build()

    # -- building ----------------------------------------------------------------------
    def _build(self) -> None:
        from . import lexicon

        m = self.matcher
        # Words places must not be confused with.
        common_exact: set[str] = set()
        common_keys: set[str] = set()
        for w in (*lexicon.COMMON_WORDS, *lexicon.all_terms()):
            ex, k = name_key(w)
            common_exact.add(ex)
            common_keys.add(k)
        district_exact: set[str] = set()
        district_keys: set[str] = set()

        def add_district_name(name: str, lgd: int) -> None:
            flag = "other_state" if name in dn.OTHER_STATE else "common_word" if name in dn.COMMON_WORD else ""
            ex, k = name_key(name)
            district_exact.add(ex)
            district_keys.add(k)
            strict = bool(flag) or len(ex) <= 4 or k in common_keys
            m.add(name, Place(name, (lgd,), "district", W_DISTRICT, flag), strict=strict)

        for lgd, d in DISTRICTS.items():
            names = [d.name_en, d.name_hi, *dn.ALIASES.get(lgd, ())]
            self.names[lgd] = names
            for n in dict.fromkeys(names):
                add_district_name(n, lgd)
        for name, lgds in dn.AMBIGUOUS.items():
            ex, k = name_key(name)
            district_exact.add(ex)
            district_keys.add(k)
            m.add(name, Place(name, lgds, "ambiguous", W_AMBIGUOUS), strict=True)

        # Curated localities (trusted: only district names take precedence).
        places: dict[str, tuple[list[str], set[int], str, bool]] = {}
        with open(DATA / "localities.json", encoding="utf-8") as f:
            for p in json.load(f)["places"]:
                for form in (p["name"], p.get("hi")):
                    if form:
                        self._collect(places, form, p["district"], "locality", bool(p.get("weak")))
        with open(DATA / "places.json", encoding="utf-8") as f:
            raw = json.load(f)
        for kind in ("tehsil", "town", "thana"):
            for name, lgds in raw[kind].items():
                ex, k = name_key(name)
                if len(ex) < 3 or ex in common_exact:
                    continue
                for lgd in lgds:
                    self._collect(places, name, lgd, kind, False)

        self.india = india = India()
        shared = india.shared     # also a place in another state: Nizamabad, Rohini
        for ex, (forms, lgds, kind, weak) in places.items():
            if ex in district_exact:
                continue            # a district name wins over a place spelled the same way
            if len(lgds) > 1 or weak or ex in shared:
                place = Place(forms[0], tuple(sorted(lgds)), "ambiguous", W_AMBIGUOUS)
            else:
                place = Place(forms[0], tuple(lgds), kind, W_THANA if kind == "thana" else W_PLACE)
            k = name_key(forms[0])[1]
            deva_only = forms[0][:1] >= "\u0900"
            # a short Devanagari name matches as spelled: प्रधान is not the thana फरधान
            strict = len(ex) <= 4 or k in common_keys or k in district_keys or (deva_only and len(k) < 6)
            m.add(forms[0], place, strict=strict, deva_only=deva_only)

        for w in dn.OTHER_STATES:
            m.add(w, "other_state", strict=True)
        for ex, (name, lgd) in india.up_offices.items():
            m.add_exact(ex, Place(name, (lgd,), "post_office", W_AMBIGUOUS, "capitalised"))
        for w in dn.DISTRICT_CONTEXT:
            m.add(w, "district_context", strict=True)

    @staticmethod
    def _collect(places, form: str, lgd: int, kind: str, weak: bool) -> None:
        ex = "".join(name_tokens(form))
        if not ex:
            return
        entry = places.get(ex)
        if entry is None:
            places[ex] = ([form], {lgd}, kind, weak)
            return
        forms, lgds, k0, w0 = entry
        if kind == "locality" and k0 != "locality":
            return
        if k0 == "locality" and kind != "locality":
            # a curated locality is not overruled by a same-named place elsewhere, except that
            # the other district makes it ambiguous
            lgds.add(lgd)
            return
        lgds.add(lgd)
        places[ex] = (forms, lgds, k0 if k0 == kind else "place", w0 or weak)

    # -- deciding ----------------------------------------------------------------------
    def evidence(self, toks: list[str], keys: list[str], raw_toks: list[str]) -> tuple[list[Place], bool]:
        """The UP places a text names, and whether it names a place outside UP. ``keys`` are place
        keys (normalise.place_key): English-looking words match a place only as spelled."""
        found: dict[Place, None] = {}
        matches = []
        other_state = outside = False
        ctx_pos: set[int] = set()
        for a, b, payloads in self.matcher.find(toks, keys):
            if isinstance(payloads[0], str):
                other_state = other_state or "other_state" in payloads
                if "other_state" in payloads:
                    outside = True
                    matches.append((a, b, None))       # another state: a journey's end outside UP
                if "district_context" in payloads:
                    ctx_pos.update((a - 1, b + 1))
            elif payloads[0].flag != "capitalised" or raw_toks[a][:1].isupper() or raw_toks[a][:1] == "#":
                matches.append((a, b, payloads))
        spans = self.india.outside_spans(toks, raw_toks, matches)
        if spans:
            outside = True
            matches = sorted(matches + spans, key=lambda x: x[0])
        route = _route_flags(matches, toks)
        for (a, b, payloads), is_route in zip(matches, route):
            for p in payloads or ():
                if is_route is not None:
                    p = Place(p.name, p.districts, "route", min(p.weight, is_route), p.flag)
                if p.flag == "other_state" and other_state:
                    continue
                if p.flag == "common_word":
                    capitalised = raw_toks[a][:1].isupper() and raw_toks[a][1:2].islower()
                    hashtag = raw_toks[a].startswith("#")
                    if not (capitalised or hashtag or a in ctx_pos or b in ctx_pos):
                        p = Place(p.name, p.districts, "ambiguous", W_AMBIGUOUS, p.flag)
                found[p] = None
        for n in _sectors(toks) if not (outside or any(p.kind == "ambiguous" for p in found)) else ():
            found[Place(f"Sector {n}", (144,), "sector", W_SECTOR)] = None
        for pin, lgd in self.india.pin_districts(toks):
            found[Place(f"PIN {pin}", (lgd,), "pin", W_PLACE)] = None
        return list(found), outside


_ROAD_WORDS = frozenset({"road", "rd", "highway", "expressway", "marg", "bypass", "route", "रोड", "मार्ग", "हाईवे",
                         "एक्सप्रेसवे", "बाईपास", "wali", "वाली", "jaane", "jane", "जाने"})
_TO_WORDS = frozenset({"to", "se", "से", "tak", "तक", "and", "और", "aur"})
_FROM_WORDS = frozenset({"from", "via"})
_JOURNEY = frozenset({"bus", "train", "roadways", "रोडवेज", "बस", "ट्रेन", "journey", "yatra", "यात्रा", "safar", "सफर"})


def _route_flags(matches, toks) -> list[float | None]:
    """The weight of each matched name that only names a road or the ends of a journey, not the
    place of incident (None for the others): "Kanpur road", "Agra-Lucknow expressway", "Lucknow se
    Kanpur", "bus from Kanpur" weigh W_ROUTE; the UP end of a journey whose other end is outside UP
    ("Noida to Dhaula Kuan", "Delhi Noida traffic") weighs W_AMBIGUOUS: it confirms, never decides."""
    n = len(matches)
    flags: list[float | None] = [None] * n
    journey = not _JOURNEY.isdisjoint(toks)

    def outside(j: int) -> bool:
        return matches[j][2] is None or matches[j][2] == ()

    for i in range(n - 1, -1, -1):
        a, b, _ = matches[i]
        nxt = toks[b + 1] if b + 1 < len(toks) else ""
        if nxt in _ROAD_WORDS:
            flags[i] = W_ROUTE
        elif i + 1 < n and matches[i + 1][0] == b + 1 and flags[i + 1] == W_ROUTE:
            flags[i] = W_ROUTE       # Agra-Lucknow expressway
        elif nxt in _TO_WORDS and i + 1 < n and matches[i + 1][0] == b + 2:
            pair = W_AMBIGUOUS if outside(i) or outside(i + 1) else W_ROUTE
            flags[i] = flags[i + 1] = pair
        elif i + 1 < n and matches[i + 1][0] == b + 1 and (matches[i + 1][2] is None or matches[i][2] is None):
            flags[i] = flags[i + 1] = W_AMBIGUOUS   # "Delhi Noida traffic": a pair with one end outside UP
        elif journey and a > 0 and toks[a - 1] in _FROM_WORDS:
            flags[i] = W_ROUTE
    return flags


_SECTOR_WORDS = {"sector", "sec", "sect", "सेक्टर", "सैक्टर", "से"}


def _sectors(toks: list[str]):
    for i, t in enumerate(toks[:-1]):
        if t in _SECTOR_WORDS:
            nxt = toks[i + 1]
            if nxt == "0" and i + 2 < len(toks):      # "से०-62"
                nxt = toks[i + 2]
            if nxt.isdigit() and 25 <= int(nxt) <= 168:
                yield int(nxt)


@dataclass(frozen=True)
class DistrictDecision:
    district: int | None
    confidence: float
    scores: dict[int, float]
    evidence: tuple[str, ...]


def decide(places: list[Place], handle_districts: list[int]) -> DistrictDecision:
    scores: dict[int, float] = {}
    for p in places:
        for d in p.districts:
            scores[d] = scores.get(d, 0.0) + p.weight
    for d in dict.fromkeys(handle_districts):
        scores[d] = scores.get(d, 0.0) + W_HANDLE
    ev = tuple(f"{p.kind}:{p.name}" for p in places) + tuple(f"handle:{d}" for d in handle_districts)
    if not scores:
        return DistrictDecision(None, 0.0, scores, ev)
    ranked = sorted(scores.items(), key=lambda kv: -kv[1])
    top_d, top = ranked[0]
    second = ranked[1][1] if len(ranked) > 1 else 0.0
    margin = top - second
    if top < DECIDE_MIN or margin < DECIDE_MARGIN:
        return DistrictDecision(None, 0.0, scores, ev)
    conf = 0.55 + 0.08 * min(margin, 4.0) + 0.02 * min(top, 6.0)
    if any(p.flag == "other_state" and top_d in p.districts for p in places):
        conf -= 0.15
    return DistrictDecision(top_d, round(min(conf, 0.99), 3), scores, ev)


_GAZ: Gazetteer | None = None


def gazetteer() -> Gazetteer:
    global _GAZ
    if _GAZ is None:
        _GAZ = Gazetteer()
    return _GAZ
