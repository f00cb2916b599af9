"""Benchmark the triage on the labelled evaluation set.

    .venv/bin/python bench/triage_bench.py [--errors] [--repeat N]

Prints, per language and overall: district accuracy and wrong-district rate (a non-null
district that is not the labelled one, including a guess where the label is null), department
accuracy (on labelled complaints), complaint precision and recall, urgent recall; then
throughput on one core, import time and first-call time. ``--errors`` lists the misses.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
EVAL = ROOT / "tests" / "triage" / "eval_set.jsonl"


def load(path: Path = EVAL) -> list[dict]:
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def score(rows: list[dict], preds: list) -> dict:
    n = len(rows)
    d_ok = sum(p.district == r["district"] for r, p in zip(rows, preds))
    d_wrong = sum(p.district is not None and p.district != r["district"] for r, p in zip(rows, preds))
    comp = [(r, p) for r, p in zip(rows, preds) if r["is_complaint"]]
    dep_ok = sum(p.department == r["department"] for r, p in comp)
    tp = sum(p.is_complaint for r, p in comp)
    pred_pos = sum(p.is_complaint for p in preds)
    urg = [(r, p) for r, p in zip(rows, preds) if r["urgent"]]
    urg_ok = sum(p.urgent for r, p in urg)
    pct = lambda a, b: 100.0 * a / b if b else float("nan")  # noqa: E731
    return {
        "n": n, "district_acc": pct(d_ok, n), "wrong_district": pct(d_wrong, n),
        "department_acc": pct(dep_ok, len(comp)), "complaint_precision": pct(tp, pred_pos),
        "complaint_recall": pct(tp, len(comp)), "urgent_recall": pct(urg_ok, len(urg)), "n_urgent": len(urg),
    }


TARGETS = {"district_acc": (">=", 97), "wrong_district": ("<=", 1), "department_acc": (">=", 90),
           "complaint_recall": (">=", 98), "complaint_precision": (">=", 85), "urgent_recall": (">=", 95)}


def table(groups: dict[str, dict]) -> str:
    cols = ["n", "district_acc", "wrong_district", "department_acc", "complaint_precision", "complaint_recall",
            "urgent_recall"]
    heads = ["set", "n", "district acc", "wrong district", "department acc", "complaint P", "complaint R",
             "urgent R"]
    lines = ["| " + " | ".join(heads) + " |", "|" + "---|" * len(heads)]
    for name, s in groups.items():
        cells = [name] + [str(s["n"])] + [f"{s[c]:.1f}%" for c in cols[1:-1]] + [f"{s['urgent_recall']:.1f}% ({s['n_urgent']})"]
        lines.append("| " + " | ".join(cells) + " |")
    tgt = ["target", ""] + [f"{op} {v}%" for c in cols[1:] for op, v in [TARGETS[c]]]
    lines.append("| " + " | ".join(tgt) + " |")
    return "\n".join(lines)


def import_time_ms(stmt: str, base: str, runs: int = 7) -> float:
    code = (f"import time;{base};t=time.perf_counter();{stmt};"
            "print((time.perf_counter()-t)*1000)")
    vals = []
    for _ in range(runs):
        out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
        vals.append(float(out.stdout.strip().splitlines()[-1]))
    return sorted(vals)[len(vals) // 2]


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--errors", action="store_true")
    ap.add_argument("--repeat", type=int, default=80, help="passes over the set for throughput")
    ap.add_argument("--set", default=str(EVAL), help="JSON-lines set (default: the evaluation set; "
                    "tests/triage/holdout_set.jsonl is the held-out set)")
    args = ap.parse_args()
    path = Path(args.set).resolve()

    from chalicelib.domain.handles import load_registry
    from chalicelib.triage import triage

    rows = load(path)
    reg = load_registry()
    tagged = [reg.watched(r["mentions"]) for r in rows]
    preds = [triage(r["text"], t) for r, t in zip(rows, tagged)]

    groups = {lang: score([r for r in rows if r["lang"] == lang], [p for r, p in zip(rows, preds) if r["lang"] == lang])
              for lang in ("hi", "hinglish", "en")}
    groups["overall"] = score(rows, preds)
    print(f"Set: {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path} ({len(rows)} tweets, "
          f"{len({r['district'] for r in rows if r['district']})} districts)\n")
    print(table(groups))

    work = list(zip([r["text"] for r in rows], tagged)) * args.repeat
    t0 = time.perf_counter()
    for text, t in work:
        triage(text, t)
    dt = time.perf_counter() - t0
    print(f"\nthroughput: {len(work) / dt:,.0f} tweets/s on one core ({len(work)} triages in {dt:.2f} s)")

    base = "import chalicelib.domain.handles, chalicelib.domain.districts, chalicelib.domain.departments"
    imp = import_time_ms("import chalicelib.triage", base)
    first = import_time_ms("chalicelib.triage.triage('Gomti Nagar me bijli nahi', [])", base + ";import chalicelib.triage")
    print(f"import chalicelib.triage: {imp:.1f} ms (over the domain modules it needs); first call (builds indexes): {first:.1f} ms")

    if args.errors:
        print("\nmisses:")
        for r, p in zip(rows, preds):
            bad = []
            if p.district != r["district"]:
                bad.append(f"district {p.district} != {r['district']}")
            if r["is_complaint"] and p.department != r["department"]:
                bad.append(f"dept {p.department} != {r['department']}")
            if p.is_complaint != r["is_complaint"]:
                bad.append(f"complaint {p.is_complaint} != {r['is_complaint']}")
            if r["urgent"] and not p.urgent:
                bad.append("urgent missed")
            if bad:
                print(f"- [{r['lang']}/{r['phenomenon']}] {'; '.join(bad)}\n    {r['text']}\n    {p.reason}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
