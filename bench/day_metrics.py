"""The day's figures from what the bench recorded: latency percentiles, the busiest 15-minute window per
X endpoint family, cost and AWS calls per complaint, Lambda GB-seconds. Pure: plain values in and out.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from datetime import datetime, timedelta

WINDOW = timedelta(minutes=15)


def limits() -> dict[str, int]:
    """X's per-app limits for a 15-minute window, as the local X applies them (devtools/xapi/ratelimits.py,
    after docs.x.com "X API rate limits"); a post's are per user (100) and per app per day (10,000)."""
    from devtools.xapi.ratelimits import RATE_TABLE, WINDOW_SECONDS

    return {family: scopes["app"][0] for family, scopes in RATE_TABLE.items()
            if "app" in scopes and scopes["app"][1] == WINDOW_SECONDS}
FLOOR_USD = 0.015  # one post read ($0.005) and one summoned acknowledgement ($0.010)
EXTRA_FAMILIES = (("POST", re.compile(r"/2/oauth2/(token|revoke)"), "oauth"),)


def family(method: str, path: str) -> str:
    """The endpoint family the local X counts a request against (its ROUTES, in their order)."""
    from devtools.xapi.routes import ROUTES

    routes = [(verb, pattern, name) for verb, pattern, name, _ in ROUTES] + list(EXTRA_FAMILIES)
    return next((name for verb, pattern, name in routes if verb == method and pattern.fullmatch(path)), "other")


def percentile(values: list[float], p: float) -> float | None:
    """Nearest-rank percentile (p in 0..100); None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def latency_summary(latencies: list[float]) -> dict:
    return {"count": len(latencies), "p50_s": _round(percentile(latencies, 50)),
            "p95_s": _round(percentile(latencies, 95)), "max_s": _round(max(latencies, default=None))}


def _round(x: float | None) -> float | None:
    return None if x is None else round(x, 1)


def peak_windows(calls: list[tuple[str, datetime]]) -> dict[str, int]:
    """The most requests of each family in any 15-minute window (sliding, to the second)."""
    by_family: dict[str, list[datetime]] = {}
    for name, at in calls:
        by_family.setdefault(name, []).append(at)
    peaks = {}
    for name, times in by_family.items():
        times.sort()
        best, first = 0, 0
        for last, at in enumerate(times):
            while at - times[first] >= WINDOW:
                first += 1
            best = max(best, last - first + 1)
        peaks[name] = best
    return peaks


def over_limits(peaks: dict[str, int], limit: dict[str, int]) -> dict[str, int]:
    """How far each family's busiest window went past X's per-app 15-minute limit."""
    return {name: n - limit[name] for name, n in peaks.items() if name in limit and n > limit[name]}


def per(total: float, complaints: int) -> float | None:
    return round(total / complaints, 4) if complaints else None


def aws_breakdown(calls: Counter) -> dict[str, int]:
    """AWS calls by what they are: DynamoDB writes and reads, SNS publishes, SQS, the rest."""
    writes = {"PutItem", "UpdateItem", "DeleteItem", "TransactWriteItems", "BatchWriteItem"}
    reads = {"GetItem", "Query", "Scan", "BatchGetItem", "TransactGetItems"}
    out = Counter()
    for (service, op), n in calls.items():
        if service == "dynamodb":
            out["dynamodb_writes" if op in writes else "dynamodb_reads" if op in reads else "dynamodb_other"] += n
        elif (service, op) == ("sns", "Publish"):
            out["sns_publishes"] += n
        else:
            out[service] += n
    return dict(out)


def gb_seconds(invocations: list[tuple[str, float]], memory_mb: dict[str, int]) -> dict[str, dict]:
    """Per function: invocations and GB-seconds from (function, seconds) durations and its memory."""
    out: dict[str, dict] = {}
    for name, seconds in invocations:
        f = out.setdefault(name, {"invocations": 0, "seconds": 0.0, "memory_mb": memory_mb.get(name, 128)})
        f["invocations"] += 1
        f["seconds"] += seconds
    for f in out.values():
        f["gb_seconds"] = round(f["seconds"] * f["memory_mb"] / 1024, 1)
        f["seconds"] = round(f["seconds"], 1)
    return out


def hourly(points: list[tuple[datetime, float]], start: datetime) -> list[tuple[int, float | None, float | None]]:
    """(hour, p50, p95) of latencies by the hour the post was made in."""
    hours: dict[int, list[float]] = {}
    for at, latency in points:
        hours.setdefault(int((at - start).total_seconds() // 3600), []).append(latency)
    return [(h, percentile(v, 50), percentile(v, 95)) for h, v in sorted(hours.items())]
