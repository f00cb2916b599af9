"""make soak's verdict: growth is the slope after warm-up, and the bound fails on either a total over it or
one process growing too fast."""

from __future__ import annotations

from devtools import soak_report
from devtools.soak_report import growth_per_10min, report

LOAD = {"mentions_posted": 10, "complaints": 10, "x_replies": 10, "reads": {"/status": {"ok": 3, "4xx": 0, "5xx": 1, "failed": 0}}}


def samples(series: dict[str, list[float]], every: float = 60.0) -> list[dict]:
    n = len(next(iter(series.values())))
    return [{"t": i * every, "rss_mb": {name: values[i] for name, values in series.items()}} for i in range(n)]


def test_growth_is_the_least_squares_slope_per_ten_minutes():
    assert growth_per_10min([(0, 100.0), (300, 101.0), (600, 102.0)]) == 2.0
    assert growth_per_10min([(0, 100.0)]) is None


def test_warm_up_growth_is_left_out_and_a_flat_run_holds_the_bound(monkeypatch):
    monkeypatch.setattr(soak_report, "BOUND_MB", 500.0)
    monkeypatch.setattr(soak_report, "GROWTH_MB_PER_10MIN", 5.0)
    # 30 minutes: the first third climbs by 200 MB (imports, pools), then flat.
    moto = [100 + min(i, 10) * 20.0 for i in range(31)]
    result = report(30, samples({"moto": moto, "local_x": [30.0] * 31}), LOAD)
    assert result["processes"]["moto"]["growth_mb_per_10min"] == 0.0
    assert result["summary"]["bound_held"] and result["summary"]["total_rss_mb_peak"] == 330.0
    assert result["summary"]["api_5xx"] == 1 and result["summary"]["api_reads"] == 4


def test_the_bound_fails_on_a_slow_leak_under_the_total_and_on_a_total_over_it(monkeypatch):
    monkeypatch.setattr(soak_report, "BOUND_MB", 500.0)
    monkeypatch.setattr(soak_report, "GROWTH_MB_PER_10MIN", 5.0)
    leaking = report(30, samples({"local_x": [30 + i * 1.0 for i in range(31)]}), LOAD)  # 10 MB per 10 minutes
    assert leaking["processes"]["local_x"]["growth_mb_per_10min"] == 10.0 and not leaking["summary"]["bound_held"]
    big = report(30, samples({"moto": [600.0] * 31}), LOAD)
    assert not big["summary"]["bound_held"]
