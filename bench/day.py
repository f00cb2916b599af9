"""A whole simulated day of the desk at state scale, on the local stack (`make bench`):

    .venv/bin/python bench/day.py [--span 350-400] [--new-span 0-1440] [--designs new,search_only,baseline]

250 watched handles (75 district police, 75 district magistrates, 10 police zones and ranges, 90
departments), 5,000 posts with a burst of 2,000 in one hour (05:00-06:00 UTC), 30% tagging two or more
watched handles, 5% of the stream's deliveries dropped, and X down for 20 minutes (06:10-06:30 UTC).

How time is scaled: a discrete simulation over the real services and the real local servers (moto for
AWS, the project's local X with real boto3 and tweepy), not a model. The desk's clock and the local X's
clock jump from one simulated minute to the next and run at real speed inside it, so what the services
spend counts; the minutes with nothing to wait for take only the services' own time. Each design runs in
its own process on its own stack, two at a time (two cores).

Every complaint goes through the real services (about 15 AWS calls and 2 X calls each), and moto serves a
few hundred calls a second on a quiet machine, so a whole day (5,000 complaints, 1,440 reconciler minutes)
takes longer than ten minutes for one design alone. `make bench` therefore runs every design on the same
window of the day (--span, default 05:55-06:35 UTC: the burst's last five minutes, the outage and what
follows); `--new-span 0-1440` runs the new design over the whole day. Each column names the span it ran;
each span is preceded by 3 unmetered minutes (the stream connects) and followed by 15 without new posts.

Prints one table, writes dist/bench/day.json and dist/bench/day_latency.png, and ends with one JSON line.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.day_designs import DESIGNS  # noqa: E402
from bench.day_metrics import FLOOR_USD  # noqa: E402
from bench.day_report import chart, figures, table  # noqa: E402
from bench.day_workload import Shape, outage  # noqa: E402

OUT = ROOT / "dist" / "bench"
DAY = "2026-11-30"


def span(text: str) -> tuple[int, int]:
    first, last = (int(x) for x in text.split("-"))
    if not 0 <= first < last <= 24 * 60:
        raise argparse.ArgumentTypeError("a span is FIRST-LAST, minutes of the day, 0 <= FIRST < LAST <= 1440")
    return first, last


def launch(design: str, minutes: tuple[int, int]) -> tuple[subprocess.Popen, Path]:
    """The design's process; its output (the services' logs and metrics) goes to dist/bench/day-<design>.log."""
    out = OUT / f"day-{design}.raw.json"
    command = [sys.executable, "-m", "bench.day_sim", "--design", design, "--from", str(minutes[0]),
               "--to", str(minutes[1]), "--day", DAY, "--out", str(out)]
    with open(OUT / f"day-{design}.log", "w") as log:
        return subprocess.Popen(command, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT), out


def run_columns(plan: list[tuple[str, tuple[int, int]]]) -> dict[str, dict | str]:
    """Run the designs, the first alone on one core and the others one after another on the second."""
    results: dict[str, dict | str] = {}
    runnable, began = [], time.monotonic()
    for design, minutes in plan:
        why = DESIGNS[design].available()
        if why:
            results[design] = f"not available on this branch ({why})"
        else:
            runnable.append((design, minutes))
    lanes = [runnable[:1], runnable[1:]]
    running = [(iter(lane), None) for lane in lanes]
    while any(lane is not None for lane, _ in running):
        for i, (lane, current) in enumerate(running):
            if lane is None or (current and current[0].poll() is None):
                continue
            if current:
                process, out, design = current
                results[design] = (json.loads(out.read_text()) if process.returncode == 0
                                   else f"failed (exit {process.returncode}); see dist/bench/day-{design}.log")
                print(f"{design}: done in {time.monotonic() - began:.0f} s", flush=True)
            following = next(lane, None)
            running[i] = (lane, (*launch(*following), following[0])) if following else (None, None)
        time.sleep(0.5)
    return results


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--span", type=span, default=(355, 395), help="minutes of the day every design runs")
    parser.add_argument("--new-span", type=span, help="minutes the new design runs (default: --span)")
    parser.add_argument("--designs", default="new,search_only,baseline")
    args = parser.parse_args(argv)
    OUT.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    wanted = [d for d in args.designs.split(",") if d]
    unknown = set(wanted) - set(DESIGNS)
    if unknown:
        parser.error(f"unknown designs {sorted(unknown)}; choose from {', '.join(DESIGNS)}")
    print(f"Simulating {', '.join(wanted)} (load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)", flush=True)
    results = run_columns([(d, (args.new_span or args.span) if d == "new" else args.span) for d in wanted])
    columns = [(d, figures(results[d]) if isinstance(results[d], dict) else results[d]) for d in wanted]
    print()
    print(table(columns))
    measured = [(name, f) for name, f in columns if isinstance(f, dict)]
    day = datetime.fromisoformat(DAY).replace(tzinfo=timezone.utc)
    if measured:
        chart(measured, outage(Shape(), day), OUT / "day_latency.png")
    (OUT / "day.json").write_text(json.dumps({name: f for name, f in columns}, indent=1))
    print(f"\nWritten: {OUT / 'day.json'}, {OUT / 'day_latency.png'}; {time.monotonic() - started:.0f} s in all, "
          f"load average {os.getloadavg()[0]:.1f}. A discrete simulation over the real services and local "
          "servers, minute by minute on one clock (see bench/day.py); latency and durations are on that clock.")
    print(json.dumps(summary(dict(columns))))


def summary(columns: dict) -> dict:
    """The closing JSON line: the new design's figures (None where it did not run), the others' beside."""
    new, off, base = (columns.get(k) if isinstance(columns.get(k), dict) else None
                      for k in ("new", "search_only", "baseline"))

    def pick(f, *path):
        for key in path:
            f = f.get(key) if isinstance(f, dict) else None
        return f

    return {
        "p50_s": pick(new, "latency_outside_outage", "p50_s"), "p95_s": pick(new, "latency_outside_outage", "p95_s"),
        "max_s": pick(new, "latency_outside_outage", "max_s"), "p95_s_no_stream": pick(off, "latency_outside_outage", "p95_s"),
        "missed": pick(new, "missed"), "over_limit": pick(new, "over_limit"),
        "x_cost_per_complaint": pick(new, "x_cost_per_complaint"), "x_cost_floor": FLOOR_USD,
        "x_cost_per_complaint_authors": pick(new, "x_cost_per_complaint_authors"),
        "p95_s_stream_delivered": pick(new, "latency_outside_outage_delivered", "p95_s"),
        "p95_s_stream_dropped": pick(new, "latency_outside_outage_dropped", "p95_s"),
        "aws_calls_per_complaint": pick(new, "aws_calls_per_complaint"),
        "wcu_per_complaint": pick(new, "wcu_per_complaint"),
        "missed_no_stream": pick(off, "missed"), "baseline_p95_s": pick(base, "latency_outside_outage", "p95_s"),
        "baseline_max_s": pick(base, "latency_outside_outage", "max_s"), "baseline_missed": pick(base, "missed"),
        "baseline_over_limit": pick(base, "over_limit"),
        "baseline_x_cost_per_complaint": pick(base, "x_cost_per_complaint"),
        "baseline_aws_calls_per_complaint": pick(base, "aws_calls_per_complaint"),
        "spans": {k: pick(v, "span") if isinstance(v, dict) else v for k, v in columns.items()},
    }


if __name__ == "__main__":
    main()
