"""The JSON-lines CLI, the data files and the import/first-call budget."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

from chalicelib.triage import gazetteer as gz
from chalicelib.triage.__main__ import run
from chalicelib.triage.normalise import name_key

ROOT = Path(__file__).resolve().parents[2]


def _cli(lines: list[str]) -> list[dict]:
    out = io.StringIO()
    run(lines, out)
    return [json.loads(x) for x in out.getvalue().splitlines()]


def test_cli_one_output_line_per_input_in_order_with_errors_inline():
    res = _cli([
        json.dumps({"text": "@noidapolice Indirapuram me chori, call 9876543210", "mentions": ["noidapolice", "Uppolice"]}),
        "not json",
        json.dumps({"text": "धन्यवाद यूपी पुलिस"}),
        json.dumps({"mentions": ["Uppolice"]}),
        json.dumps({"text": "x", "mentions": "Uppolice"}),
        json.dumps(["text"]),
        json.dumps({"text": "Gomti Nagar me bijli nahi", "mentions": ["UPPCLLKO", "unknownhandle"]}),
    ])
    assert len(res) == 7
    assert res[0] == {"is_complaint": True, "district": 145, "district_name": "Ghaziabad", "department": "police",
                      "urgent": False, "confidence": res[0]["confidence"],
                      "masked_text": "@noidapolice Indirapuram me chori, call [phone]",
                      "outcome": "complaint", "channel": None}
    assert 0 < res[0]["confidence"] <= 1
    assert "error" in res[1] and "line 2" in res[1]["error"]
    assert res[2]["is_complaint"] is False and res[2]["district"] is None
    assert all("error" in r for r in res[3:6])
    assert res[6]["district"] == 162 and res[6]["department"] == "electricity"


def test_cli_runs_as_module():
    p = subprocess.run([sys.executable, "-m", "chalicelib.triage"], cwd=ROOT, capture_output=True, text=True,
                       input='{"text": "Lko me naali jam", "mentions": []}\n{bad\n', timeout=30)
    assert p.returncode == 0, p.stderr
    lines = [json.loads(x) for x in p.stdout.splitlines()]
    assert lines[0]["district"] == 162 and lines[0]["department"] == "sanitation" and "error" in lines[1]


def test_import_builds_nothing():
    """The gazetteer is built on first use, not at import (bench/triage_bench.py measures the import time)."""
    code = ("import sys, chalicelib.triage;"
            "print(chalicelib.triage.gazetteer._GAZ if 'chalicelib.triage.gazetteer' in sys.modules else None)")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    assert out.strip() == "None"


def test_places_data_is_loaded_with_ambiguity():
    g = gz.gazetteer()
    by_name = {}
    for payloads in g.matcher.exact.values():
        for p in payloads:
            if isinstance(p, gz.Place):
                by_name.setdefault(p.name, set()).update(p.districts)
    assert len(by_name) > 2000
    assert len(by_name["नवाबगंज"]) >= 5                 # shared thana name stays ambiguous
    assert by_name["Lalganj"] >= {174, 175}              # tehsil in several districts
    assert by_name["Indirapuram"] == {145}


def test_localities_have_devanagari_forms_and_valid_districts():
    from chalicelib.domain.districts import DISTRICTS
    data = json.loads((gz.DATA / "localities.json").read_text(encoding="utf-8"))
    for p in data["places"]:
        assert p["district"] in DISTRICTS, p
        assert p["hi"] and "\u0900" <= p["hi"][0] <= "\u097f", p
        assert name_key(p["name"])[0], p
