"""Check the gazetteer against the shared reference list of UP districts (../shared/reference).

The reference folder is not part of the project (nor of the Lambda bundle); without it these
tests are skipped with a message saying so.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from chalicelib.domain.districts import DISTRICTS
from chalicelib.triage import district_names as dn
from chalicelib.triage import triage
from chalicelib.triage.normalise import name_key
from devtools import build_places

REFERENCE = Path(__file__).resolve().parents[2].parent / "shared" / "reference"
DISTRICTS_CSV = REFERENCE / "up_districts.csv"

pytestmark = pytest.mark.skipif(
    not DISTRICTS_CSV.exists(),
    reason=f"reference data not found at {DISTRICTS_CSV} (shared/reference is outside the repo); gazetteer not checked")


def _rows():
    with open(DISTRICTS_CSV, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def test_all_75_districts_with_lgd_codes_names_and_divisions():
    rows = _rows()
    assert len(rows) == 75 == len(DISTRICTS)
    for r in rows:
        d = DISTRICTS[int(r["lgd_code"])]
        assert d.name_en == r["name_en"], r
        assert name_key(d.name_hi)[0] == name_key(r["name_hi"])[0], r
        assert d.division == r["division_en"], r
    assert set(dn.ALIASES) == set(DISTRICTS)


def test_every_reference_name_and_alias_resolves_to_its_district():
    failures = []
    for r in _rows():
        lgd = int(r["lgd_code"])
        names = [r["name_en"], r["name_hi"], *filter(None, r["aliases"].split("|"))]
        for name in names:
            if "Akbarpur" in name:
                continue                      # seat of two districts: ambiguous by design
            # a district name that is also a common word (बस्ती) needs a district context
            text = f"{name} जिले में चोरी हो गई" if name in dn.COMMON_WORD else f"{name} में चोरी हो गई"
            got = triage(text, []).district
            if got != lgd:
                failures.append((name, lgd, got))
    assert not failures, failures


def test_gazetteer_knows_every_reference_alias():
    known = {lgd: {name_key(n)[0] for n in names} | {name_key(DISTRICTS[lgd].name_en)[0], name_key(DISTRICTS[lgd].name_hi)[0]}
             for lgd, names in dn.ALIASES.items()}
    missing = []
    for r in _rows():
        lgd = int(r["lgd_code"])
        for alias in filter(None, r["aliases"].split("|")):
            if "(" in alias:
                continue                      # "Akbarpur (Kanpur Dehat)": an annotation, not a name
            if name_key(alias)[0] not in known[lgd]:
                missing.append((lgd, alias))
    assert not missing, missing


def test_places_json_is_what_the_builder_makes_from_the_reference():
    """The builder lives in devtools/ (it is not deployed); the data it wrote must still be current."""
    shipped = json.loads(build_places.OUT.read_text(encoding="utf-8"))
    assert build_places.build(REFERENCE / "up_subdistricts.csv") == shipped
