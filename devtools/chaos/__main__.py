"""`make chaos`: every scenario in devtools/chaos/scenarios/ on its own local stack, two at a time in separate
processes, and the abuse of the HTTP surface (devtools/chaos/abuse.py); dist/chaos/report.json, a short
summary, and one closing JSON line. Exit status 1 when an invariant fails.

    python -m devtools.chaos [--scenarios kills,burst_outage] [--seed N] [--mentions N]
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import multiprocessing
import sys
import time
import traceback
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from devtools.chaos import scenarios
from devtools.chaos.rss import PeakRss
from devtools.chaos.runner import ABUSE, run_abuse, run_scenario

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "dist" / "chaos"


def _count(reports: list[dict], name: str) -> int:
    return sum(r.get("invariants", {}).get(name, {}).get("count", 0) for r in reports)


def closing(reports: list[dict], rss: dict) -> dict:
    """The closing line's figures (keys kept stable: CI and the README read them)."""
    abuse = next((r for r in reports if r["scenario"] == ABUSE), {})
    distinct = sum(r.get("invariants", {}).get("duplicate_alerts", {}).get("distinct", 0) for r in reports)
    return {
        "mentions": sum(r.get("figures", {}).get("mentions", 0) for r in reports if r["scenario"] != ABUSE),
        "lost": _count(reports, "lost"),
        "doubled_complaints": _count(reports, "doubled_complaints"),
        "doubled_replies": _count(reports, "doubled_replies"),
        "duplicate_alert_rate": round(_count(reports, "duplicate_alerts") / distinct, 5) if distinct else 0.0,
        "stuck": _count(reports, "stuck"),
        "api_5xx": abuse.get("figures", {}).get("api_5xx", 0),
        "pii_leaks": _count(reports, "pii_leaks"),
        "kills": sum(r.get("figures", {}).get("kills", 0) for r in reports),
        "failed_invariants": sum(not c.get("ok", True) for r in reports for c in r.get("invariants", {}).values()),
        "peak_rss_mb": rss["peak_rss_mb"],
        "scenarios": len(reports),
    }


def summary(report: dict) -> str:
    lines = [f"chaos: seed {report['seed']}, {report['wall_seconds']} s in all, "
             f"peak RSS {report['rss']['peak_rss_mb']} MB"]
    for r in report["scenarios"]:
        f = r.get("figures", {})
        failed = {n: c.get("count") for n, c in r.get("invariants", {}).items() if not c.get("ok", True)}
        lines.append(f"  {r['scenario']:<14} {r.get('wall_seconds', 0):>6} s  mentions {f.get('mentions', '-'):>5}  "
                     f"kills {f.get('kills', '-'):>3}  settle rounds {r.get('settle', {}).get('rounds', '-')}  "
                     + ("all invariants hold" if not failed else f"FAILED {failed}"))
        if r.get("error"):
            lines.append("    " + r["error"].strip().splitlines()[-1])
    if cpu := report["rss"].get("cpu_seconds_by_kind"):
        lines.append("  CPU seconds: " + ", ".join(f"{k} {v}" for k, v in cpu.items()))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m devtools.chaos", description=__doc__.split("\n\n")[0])
    parser.add_argument("--scenarios", help="comma-separated (default: all, and abuse)")
    parser.add_argument("--seed", type=int, default=16)
    parser.add_argument("--mentions", type=int, default=1000, help="mentions per scenario")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    known = scenarios.names() + [ABUSE]
    chosen = args.scenarios.split(",") if args.scenarios else known
    if unknown := set(chosen) - set(known):
        parser.error(f"unknown scenarios {sorted(unknown)}; known: {known}")
    if ABUSE in chosen and importlib.util.find_spec("devtools.chaos.abuse") is None:
        print("chaos: devtools/chaos/abuse.py is not there yet: the HTTP abuse is skipped", file=sys.stderr)
        chosen.remove(ABUSE)
    args.out.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    # A process per scenario (moto's backends live in the process: a second stack in it would find the first's).
    spawn = multiprocessing.get_context("spawn")
    with PeakRss() as rss, ProcessPoolExecutor(2, mp_context=spawn, max_tasks_per_child=1) as pool:
        futures = [pool.submit(run_abuse, args.seed, str(args.out)) if name == ABUSE else
                   pool.submit(run_scenario, name, args.seed, args.mentions, str(args.out)) for name in chosen]
        reports = []
        for name, future in zip(chosen, futures):
            try:
                reports.append(future.result())
            except Exception:  # noqa: BLE001 - a scenario's process died: reported as a failure, the rest go on
                error = traceback.format_exc()
                reports.append({"scenario": name, "error": error, "invariants": {
                    "scenario_ran": {"ok": False, "count": 1, "violations": [error[-2000:]]}}})
            print(f"chaos: {name} done in {reports[-1].get('wall_seconds')} s", file=sys.stderr, flush=True)
    report = {"seed": args.seed, "mentions_per_scenario": args.mentions,
              "wall_seconds": round(time.monotonic() - started, 1), "rss": rss.as_dict(), "scenarios": reports}
    report["closing"] = closing(reports, report["rss"]) | {"wall_seconds": report["wall_seconds"]}
    (args.out / "report.json").write_text(json.dumps(report, indent=1, default=str, ensure_ascii=False))
    print(summary(report))
    print(f"report: {args.out / 'report.json'}")
    print(json.dumps(report["closing"]))
    return 1 if report["closing"]["failed_invariants"] else 0


if __name__ == "__main__":
    sys.exit(main())
