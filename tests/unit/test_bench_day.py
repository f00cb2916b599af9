"""The simulated day's pure parts: the workload it generates and the figures it computes (bench/day_*.py)."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta, timezone

import pytest

from bench import day_workload as workload
from bench.day_metrics import (aws_breakdown, family, gb_seconds, latency_summary, limits, over_limits,
                               peak_windows, percentile)
from bench.day_report import figures, table
from bench.day_stream import Gate

DAY = datetime(2026, 11, 30, tzinfo=timezone.utc)


@pytest.fixture(scope="module")
def registry():
    return workload.handles()


@pytest.fixture(scope="module")
def posts(registry):
    return workload.posts(registry, start=DAY)


def test_the_state_has_250_valid_handles_of_every_kind(registry):
    handles = registry.all()
    assert len(handles) == len({h.key for h in handles}) == 250
    kinds = Counter(h.kind for h in handles)
    assert kinds["district_police"] == 75
    assert kinds["state"] == 10  # zones and ranges
    magistrates = [h for h in handles if h.handle.startswith("dm") and h.department == "revenue"]
    assert len(magistrates) == 75 and len({h.district for h in magistrates}) == 75
    assert kinds["department"] - len(magistrates) == 90


def test_the_day_has_5000_posts_a_burst_hour_and_a_multi_tag_share(posts, registry):
    shape = workload.Shape()
    assert len(posts) == 5000
    assert posts == sorted(posts, key=lambda p: p.created_at)
    in_burst = [p for p in posts if p.created_at.hour == shape.burst_hour]
    assert len(in_burst) >= shape.burst_posts
    assert max(Counter(p.created_at.hour for p in posts).values()) == len(in_burst)
    multi = sum(len(p.tagged) >= 2 for p in posts) / len(posts)
    assert 0.27 < multi < 0.33
    watched = {h.key for h in registry}
    assert all(set(p.tagged) <= watched and f"@{p.tagged[0]}" in p.text.lower() for p in posts)
    assert len({p.author for p in posts}) == 5000


def test_the_same_seed_makes_the_same_day(posts, registry):
    assert workload.posts(registry, start=DAY) == posts
    other = workload.posts(registry, workload.Shape(seed=99), start=DAY)
    assert [p.text for p in other] != [p.text for p in posts]


def test_posts_fall_into_the_minute_they_were_made(posts):
    batches = workload.minute_batches(posts, DAY, 24 * 60)
    assert sum(map(len, batches)) == len(posts)
    for minute, batch in enumerate(batches):
        assert all(DAY + timedelta(minutes=minute) <= p.created_at < DAY + timedelta(minutes=minute + 1) for p in batch)
    with pytest.raises(ValueError):
        workload.minute_batches(posts, DAY + timedelta(hours=1), 60)


def test_the_outage_lasts_twenty_minutes_outside_the_burst():
    start, end = workload.outage(workload.Shape(), DAY)
    assert end - start == timedelta(minutes=20)
    assert start.hour != workload.Shape().burst_hour


def test_percentiles_are_nearest_rank():
    values = list(range(1, 101))
    assert percentile(values, 50) == 50 and percentile(values, 95) == 95 and percentile(values, 100) == 100
    assert percentile([], 50) is None
    assert latency_summary([3.0, 1.0, 2.0]) == {"count": 3, "p50_s": 2.0, "p95_s": 3.0, "max_s": 3.0}


def test_the_busiest_window_slides_over_fifteen_minutes():
    at = [DAY + timedelta(minutes=m) for m in (0, 1, 14, 14.9, 15, 29, 60)]
    calls = [("search", t) for t in at] + [("mentions", DAY)]
    peaks = peak_windows(calls)
    assert peaks == {"search": 4, "mentions": 1}  # 1, 14, 14.9 and 15 fall within 15 minutes
    assert over_limits({"search": 460, "mentions": 10}, {"search": 450, "mentions": 450}) == {"search": 10}


def test_requests_are_counted_in_the_local_x_families():
    assert family("GET", "/2/users/1001/mentions") == "mentions"
    assert family("GET", "/2/tweets/search/recent") == "search"
    assert family("POST", "/2/tweets") == "post"
    assert family("GET", "/2/users/by/username/agrapol") == "users"
    assert family("POST", "/2/oauth2/token") == "oauth"
    assert limits()["mentions"] == 450 and "post" not in limits()  # a post's window is per user


def test_aws_calls_are_sorted_into_writes_reads_and_publishes():
    calls = Counter({("dynamodb", "TransactWriteItems"): 2, ("dynamodb", "Query"): 3, ("sns", "Publish"): 1,
                     ("sqs", "SendMessageBatch"): 4})
    assert aws_breakdown(calls) == {"dynamodb_writes": 2, "dynamodb_reads": 3, "sns_publishes": 1, "sqs": 4}


def test_gb_seconds_come_from_durations_and_memory():
    out = gb_seconds([("poll", 2.0), ("poll", 4.0), ("other", 10.0)], {"poll": 512})
    assert out["poll"] == {"invocations": 2, "seconds": 6.0, "memory_mb": 512, "gb_seconds": 3.0}
    assert out["other"]["memory_mb"] == 128  # Chalice's default


def test_a_design_that_did_not_run_says_why_in_its_column():
    text = table([("new", "not available on this branch (no stream holder)")])
    assert all("not available on this branch" in line for line in text.splitlines()[1:])


def test_the_gate_lets_a_waiting_thread_out_one_tick_at_a_time():
    gate, ticks = Gate(), []

    def holder():
        for i in range(3):
            ticks.append(i)
            gate.wait(1.0)

    gate.start(holder)
    assert ticks == [0]  # ran up to its first wait, then held there
    gate.step()
    assert ticks == [0, 1]
    gate.step()
    gate.step()
    assert ticks == [0, 1, 2] and gate.holding == 0


def _raw(posts, missed=(), calls=()):
    return {"design": "new", "label": "new", "span_minutes": [360, 420], "tail_minutes": 15,
            "outage": ["2026-11-30T06:10:00+00:00", "2026-11-30T06:30:00+00:00"], "posts": posts,
            "missed": list(missed), "recorded_unalerted": 0, "x_calls": list(calls),
            "x_costs": {"total_usd": 0.06, "by_kind": {"post_read": {"count": 4, "usd": 0.02}}},
            "aws_calls": {"sns:Publish": 3, "dynamodb:TransactWriteItems": 3}, "wcu": 30, "wcu_complaints": 3,
            "per_minute": [[420, 6, 0], [421, 8, 0], [419, 50, 2]],
            "invocations": [["reconcile", 2.0], ["record_mentions", 1.0]], "seconds": {"total": 1.0}}


def test_a_columns_figures_leave_the_outage_out_and_count_what_was_missed():
    post = lambda at, alerted: {"id": at, "created_at": f"2026-11-30T{at}+00:00", "tags": 1,  # noqa: E731
                                "alerted_at": alerted and f"2026-11-30T{alerted}+00:00"}
    raw = _raw([post("06:00:00", "06:00:02"), post("06:09:00", "06:31:00"), post("06:20:00", "06:32:00"),
                post("06:40:00", None)], missed=["06:40:00"],
               calls=[("search", "2026-11-30T06:00:00.000Z", 200), ("search", "2026-11-30T06:01:00.000Z", 429)])
    f = figures(raw)
    assert f["latency_outside_outage"] == {"count": 1, "p50_s": 2.0, "p95_s": 2.0, "max_s": 2.0}
    assert f["latency_overall"]["count"] == 3 and f["latency_overall"]["max_s"] == 22 * 60
    assert f["missed"] == 1 and f["complaints"] == 3
    assert f["over_limit"] == 1 and f["x_peak_15min"] == {"search": 2}
    assert f["x_cost_per_complaint"] == 0.02 and f["aws_calls_per_complaint"] == 2.0
    assert f["aws_calls_per_idle_minute"] == 7.0  # the tail's minutes (420 on) that sent nothing
    assert f["lambda_per_day"]["reconcile"]["invocations"] == 1440
    assert f["lambda_per_day"]["record_mentions"]["invocations"] == round(5000 / 3)
