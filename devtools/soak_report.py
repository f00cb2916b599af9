"""What `make soak` reports: per process RSS at the start, the end and the peak, its growth per 10 minutes
after warm-up, and whether the bound held.

The bound: the four processes together (moto server, local X, serve's scheduler, stream holder and consumer,
`chalice local`) stay under BOUND_MB at every sample, and none grows faster than GROWTH_MB_PER_10MIN after
warm-up (the first third of the run, when imports, caches and connection pools fill). Both can be set
through SOAK_BOUND_MB and SOAK_GROWTH_MB_PER_10MIN.
"""

from __future__ import annotations

import os

BOUND_MB = float(os.environ.get("SOAK_BOUND_MB", "768"))
GROWTH_MB_PER_10MIN = float(os.environ.get("SOAK_GROWTH_MB_PER_10MIN", "10"))


def growth_per_10min(points: list[tuple[float, float]]) -> float | None:
    """The least-squares slope of (seconds, MB), in MB per 10 minutes; None with fewer than two points."""
    if len(points) < 2:
        return None
    n = len(points)
    mean_t = sum(t for t, _ in points) / n
    mean_m = sum(m for _, m in points) / n
    spread = sum((t - mean_t) ** 2 for t, _ in points)
    if not spread:
        return None
    slope = sum((t - mean_t) * (m - mean_m) for t, m in points) / spread
    return round(slope * 600, 1)


def report(minutes: float, samples: list[dict], load: dict) -> dict:
    """The report: each process's figures, the samples, the load and a summary for the closing line."""
    names = list(samples[0]["rss_mb"])
    warm = minutes * 60 / 3
    processes = {}
    for name in names:
        series = [(s["t"], s["rss_mb"][name]) for s in samples if s["rss_mb"][name] is not None]
        after = [p for p in series if p[0] >= warm]
        processes[name] = {"start_mb": series[0][1], "end_mb": series[-1][1], "peak_mb": max(m for _, m in series),
                           "growth_mb_per_10min": growth_per_10min(after)}
    totals = [(s["t"], sum(m for m in s["rss_mb"].values() if m is not None)) for s in samples]
    peak_total = max(m for _, m in totals)
    fastest = max((p["growth_mb_per_10min"] or 0.0 for p in processes.values()), default=0.0)
    held = peak_total <= BOUND_MB and fastest <= GROWTH_MB_PER_10MIN
    reads = load["reads"]
    summary = {
        "minutes": minutes, "mentions_posted": load["mentions_posted"], "complaints": load["complaints"],
        "x_replies": load["x_replies"], "api_reads": sum(sum(c.values()) for c in reads.values()),
        "api_5xx": sum(c["5xx"] for c in reads.values()), "api_failed": sum(c["failed"] for c in reads.values()),
        "total_rss_mb_start": round(totals[0][1], 1), "total_rss_mb_end": round(totals[-1][1], 1),
        "total_rss_mb_peak": round(peak_total, 1), "total_growth_mb_per_10min":
            growth_per_10min([p for p in totals if p[0] >= warm]),
        "fastest_growth_mb_per_10min": fastest, "bound_mb": BOUND_MB,
        "growth_bound_mb_per_10min": GROWTH_MB_PER_10MIN, "bound_held": held,
    }
    return {"summary": summary, "processes": processes, "reads": reads, "samples": samples}


def table(result: dict) -> str:
    s = result["summary"]
    lines = [f"{'process':<14} {'start MB':>9} {'end MB':>9} {'peak MB':>9} {'MB/10 min':>10}"]
    for name, p in result["processes"].items():
        growth = "n/a" if p["growth_mb_per_10min"] is None else f"{p['growth_mb_per_10min']:+.1f}"
        lines.append(f"{name:<14} {p['start_mb']:>9.1f} {p['end_mb']:>9.1f} {p['peak_mb']:>9.1f} {growth:>10}")
    total = "n/a" if s["total_growth_mb_per_10min"] is None else f"{s['total_growth_mb_per_10min']:+.1f}"
    lines.append(f"{'total':<14} {s['total_rss_mb_start']:>9.1f} {s['total_rss_mb_end']:>9.1f} "
                 f"{s['total_rss_mb_peak']:>9.1f} {total:>10}")
    lines.append(f"{s['mentions_posted']} mentions posted, {s['complaints']} complaints, {s['x_replies']} replies on X, "
                 f"{s['api_reads']} API reads ({s['api_5xx']} 5xx, {s['api_failed']} failed)")
    verdict = "held" if s["bound_held"] else "NOT held"
    lines.append(f"bound: total under {s['bound_mb']:g} MB at every sample and no process growing faster than "
                 f"{s['growth_bound_mb_per_10min']:g} MB per 10 minutes after warm-up: {verdict}")
    return "\n".join(lines)
