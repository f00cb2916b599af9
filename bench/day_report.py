"""A column's figures from its raw result (day_sim.py), the table printed for all columns, and the chart."""

from __future__ import annotations

import json
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path

from bench.day_workload import Shape
from bench.day_metrics import (FLOOR_USD, aws_breakdown, gb_seconds, latency_summary, limits, over_limits,
                               peak_windows, per)

ROOT = Path(__file__).resolve().parent.parent
BEFORE_OUTAGE = timedelta(minutes=2)  # posts this close before the outage wait for a search that falls in it


def memory_mb() -> dict[str, int]:
    """Each function's memory in the prod stage (.chalice/config.json); Chalice's default 128 MB otherwise."""
    config = json.loads((ROOT / ".chalice" / "config.json").read_text())
    functions = config["stages"]["prod"].get("lambda_functions", {})
    return {name: f.get("lambda_memory_size", 128) for name, f in functions.items()}


def figures(raw: dict) -> dict:
    """What the table and the JSON line say about one column."""
    start, end = (datetime.fromisoformat(t) for t in raw["outage"])
    points, outside, outside_by_delivery = [], [], {False: [], True: []}
    for p in raw["posts"]:
        if p["alerted_at"] is None:
            continue
        created = datetime.fromisoformat(p["created_at"])
        latency = (datetime.fromisoformat(p["alerted_at"]) - created).total_seconds()
        points.append((created, latency))
        if not start - BEFORE_OUTAGE <= created < end:
            outside.append(latency)
            outside_by_delivery[bool(p.get("dropped"))].append(latency)
    complaints = len(raw["posts"]) - len(raw["missed"])
    calls = [(f, datetime.fromisoformat(at.replace("Z", "+00:00"))) for f, at, _ in raw["x_calls"]]
    peaks, limit = peak_windows(calls), limits()
    refused = Counter(f for f, _, status in raw["x_calls"] if status == 429)
    aws = aws_breakdown(Counter({tuple(k.split(":", 1)): n for k, n in raw["aws_calls"].items()}))
    idle = [n for m, n, sent in raw["per_minute"] if m >= raw["span_minutes"][1] and not sent]
    first, last = raw["span_minutes"]
    by_kind = raw["x_costs"]["by_kind"]
    return {
        "design": raw["design"], "label": raw["label"],
        "span": f"{first // 60:02d}:{first % 60:02d}-{last // 60:02d}:{last % 60:02d} UTC + {raw['tail_minutes']} min",
        "posts": len(raw["posts"]), "complaints": complaints,
        "latency_outside_outage": latency_summary(outside), "latency_overall": latency_summary([l for _, l in points]),
        # The posts the stream delivered, and those whose delivery the bench dropped (left to search or timelines)
        "latency_outside_outage_delivered": latency_summary(outside_by_delivery[False]),
        "latency_outside_outage_dropped": latency_summary(outside_by_delivery[True]),
        "missed": len(raw["missed"]), "recorded_not_alerted": raw["recorded_unalerted"],
        "x_peak_15min": peaks, "x_limits": {f: limit[f] for f in peaks if f in limit},
        "x_refused_429": dict(refused), "over_limit": sum(refused.values()), "x_over_peak": over_limits(peaks, limit),
        "x_cost_usd": raw["x_costs"]["total_usd"], "x_cost_per_complaint": per(raw["x_costs"]["total_usd"], complaints),
        "x_cost_floor": FLOOR_USD,
        # Author objects (user reads) are not in the floor: triage reads the author's verified_type from them
        "x_cost_per_complaint_authors": per(by_kind.get("user_read", {}).get("usd", 0.0), complaints),
        "x_bill": {k: v["count"] for k, v in by_kind.items() if v["count"]},
        "aws": aws, "aws_calls_per_complaint": per(sum(raw["aws_calls"].values()), complaints),
        "aws_per_complaint": {k: per(n, complaints) for k, n in aws.items()},
        "wcu_per_complaint": per(raw["wcu"], raw["wcu_complaints"]), "wcu_sample_complaints": raw["wcu_complaints"],
        "aws_calls_per_idle_minute": round(sum(idle) / len(idle), 1) if idle else None,
        "lambda": (lam := gb_seconds([tuple(i) for i in raw["invocations"]], memory_mb())),
        "lambda_per_day": per_day(lam, complaints),
        "bench_seconds": raw["seconds"], "points": [(c.isoformat(), l) for c, l in points],
    }


SCHEDULED_PER_DAY = 24 * 60  # poll, reconcile and stream_holder run every minute


def per_day(functions: dict[str, dict], complaints: int) -> dict[str, dict]:
    """A day's invocations and GB-seconds, estimated from the span's mean per invocation: the scheduled
    functions 1,440 times, the recorder as often per complaint as in the span, for the day's 5,000 posts."""
    out = {}
    for name, f in functions.items():
        n = SCHEDULED_PER_DAY if name != "record_mentions" else f["invocations"] / max(complaints, 1) * Shape().posts
        out[name] = {"invocations": round(n), "gb_seconds": round(f["gb_seconds"] / f["invocations"] * n)}
    return out


ROWS = (
    ("simulated span", lambda f: f["span"]),
    ("posts / complaints", lambda f: f"{f['posts']} / {f['complaints']}"),
    ("latency p50/p95/max, outside outage (s)", lambda f: _lat(f["latency_outside_outage"])),
    ("  of which the stream delivered", lambda f: _lat(f["latency_outside_outage_delivered"])),
    ("  of which the stream dropped", lambda f: _lat(f["latency_outside_outage_dropped"])),
    ("latency p50/p95/max, overall (s)", lambda f: _lat(f["latency_overall"])),
    ("posts missed", lambda f: str(f["missed"])),
    ("X busiest 15 min: requests (limit)", lambda f: ", ".join(
        f"{k} {n}" + (f" ({f['x_limits'][k]})" if k in f["x_limits"] else "") for k, n in sorted(f["x_peak_15min"].items()))),
    ("over_limit: X requests refused (429)", lambda f: f"{f['over_limit']} " + ", ".join(
        f"{k} {n}" for k, n in f["x_refused_429"].items())),
    ("X cost per complaint (floor $0.015)", lambda f: f"${f['x_cost_per_complaint']}"),
    ("  of which author objects (user reads)", lambda f: f"${f['x_cost_per_complaint_authors']}"),
    ("X bill items", lambda f: ", ".join(f"{k} {n}" for k, n in f["x_bill"].items())),
    ("AWS calls per complaint", lambda f: str(f["aws_calls_per_complaint"])),
    ("DynamoDB writes/reads per complaint", lambda f: "{} / {}".format(
        f["aws_per_complaint"].get("dynamodb_writes"), f["aws_per_complaint"].get("dynamodb_reads"))),
    ("SNS publishes per complaint (floor 1)", lambda f: str(f["aws_per_complaint"].get("sns_publishes"))),
    ("DynamoDB WCU per complaint (sample)", lambda f: f"{f['wcu_per_complaint']} ({f['wcu_sample_complaints']} complaints)"),
    ("AWS calls per idle minute", lambda f: str(f["aws_calls_per_idle_minute"])),
    ("Lambda invocations / GB-s in the span", lambda f: "; ".join(
        f"{name} {v['invocations']} / {v['gb_seconds']}" for name, v in f["lambda"].items())),
    ("Lambda per day, est. (invocations / GB-s)", lambda f: "; ".join(
        f"{name} {v['invocations']} / {v['gb_seconds']}" for name, v in f["lambda_per_day"].items())),
    ("bench wall time (s)", lambda f: str(f["bench_seconds"]["total"])),
)


def _lat(s: dict) -> str:
    return f"{s['p50_s']} / {s['p95_s']} / {s['max_s']} (n={s['count']})" if s["count"] else "none alerted"


def table(columns: list[tuple[str, dict | str]]) -> str:
    """One row per figure, one column per design; a design that did not run shows why."""
    header = ["", *(name for name, _ in columns)]
    rows = [header]
    for title, cell in ROWS:
        rows.append([title, *(cell(f) if isinstance(f, dict) else f for _, f in columns)])
    widths = [max(len(r[i]) for r in rows) for i in range(len(header))]
    return "\n".join("  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in rows)


def chart(columns: list[tuple[str, dict]], outage: tuple[datetime, datetime], path: Path) -> None:
    """Latency of each post over the day (log scale), one colour per design, the outage shaded."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(12, 5))
    day = outage[0].replace(hour=0, minute=0, second=0, microsecond=0)
    for name, f in columns:
        xs = [(datetime.fromisoformat(c) - day).total_seconds() / 3600 for c, _ in f["points"]]
        ys = [max(l, 0.1) for _, l in f["points"]]
        ax.scatter(xs, ys, s=3, alpha=0.5, label=f"{name} (p95 {f['latency_outside_outage']['p95_s']} s)")
    ax.axvspan(*((t - day).total_seconds() / 3600 for t in outage), color="red", alpha=0.15, label="X outage")
    ax.axhline(30, color="grey", linestyle="--", linewidth=0.8, label="30 s (p95 target)")
    ax.axhline(120, color="grey", linestyle=":", linewidth=0.8, label="2 min (max target)")
    ax.set_yscale("log")
    ax.set_xlabel("hour of the simulated day (UTC; post time)")
    ax.set_ylabel("tweet-to-alert latency (s)")
    ax.set_title("Tweet-to-alert latency over the simulated day")
    ax.legend(loc="upper right", fontsize=8, markerscale=3)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
