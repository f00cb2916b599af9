"""One column of the simulated day, in its own process (bench/day.py starts one per design):

    .venv/bin/python -m bench.day_sim --design baseline --from 285 --to 405 --out result.json

A discrete simulation over the real services and real local servers: a fresh local stack (moto and the
local X), the day's 250 handles and their accounts, the posts of the span added to the local X dated
ahead (it shows each only once its clock reaches it). Then minute by minute the clock (the desk's and
the local X's) is set to the minute, the design's schedules run (`Design.minute`), and the design's
streamed path runs until the next minute (`Design.between`). Within a minute time runs at real speed,
so the services' own work counts. X is down (503 to every /2/ request) for the outage's minutes.

Measured: when each post's alert was published (the SNS publish, on the simulated clock), the local X's
call log and bill, every AWS call the product made (botocore hooks, bench/capacity.py) and DynamoDB write
units for the span's first SIZING_MINUTES (sizing reads every written item twice: too slow for the day).
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from collections import Counter
from datetime import datetime, timedelta, timezone
from pathlib import Path

import boto3

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import day_workload as workload  # noqa: E402
from bench.capacity import Recorder  # noqa: E402
from bench.day_designs import DESIGNS  # noqa: E402
from bench.day_metrics import family  # noqa: E402
from bench.day_stack import DayStack, SimClock, XClock  # noqa: E402
from devtools.stack import REGION  # noqa: E402

SIZING_MINUTES = 45
TAIL_MINUTES = 15  # after the span, no new posts: what is still owed comes in, or is missed
WARMUP_MINUTES = 3  # before the span, unmetered: the stream is connected when the first post comes
HARVEST_EVERY = 60  # minutes between reads of the local X's call log


class AlertTimes:
    """Wraps the desk's alerts adapter: when each complaint's first alert went out, by tweet id."""

    def __init__(self, alerts, clock):
        self.sent: dict[str, datetime] = {}
        notify = alerts.notify

        def timed_notify(complaint):
            message_id = notify(complaint)
            self.sent.setdefault(complaint.tweet_id, clock())
            return message_id

        alerts.notify = timed_notify


def run(design_name: str, first: int, last: int, shape: workload.Shape, day: datetime) -> dict:
    started = time.monotonic()
    from chalicelib import runtime

    logging.disable(logging.WARNING)  # 250 handles refused a minute would be 250 log lines
    registry = workload.handles(shape)
    posts = [p for p in workload.posts(registry, shape, day)
             if first <= (p.created_at - day).total_seconds() / 60 < last]
    outage = workload.outage(shape, day)
    clock = SimClock(day + timedelta(minutes=first - WARMUP_MINUTES - 5))
    runtime.utcnow = clock  # the desk's bootstrap reads the time through this name
    # Live since an hour before the span: recent search reaches the start, no timeline backfill is due.
    with DayStack(registry, day + timedelta(minutes=first - 60)) as stack:
        reader = boto3.session.Session().client("dynamodb", endpoint_url=stack.aws_url, region_name=REGION)
        meter = Recorder(reader).install()
        meter.sizing = False
        stack.provision()
        xclock = XClock(stack.x.url, clock)
        stack.authorise_all()
        alerts = AlertTimes(runtime.alerts(), clock)
        stack.control("POST", "stream", {"drop_share": shape.drop_share, "seed": shape.seed, "keepalive_seconds": 0.2})
        ids = [t["id"] for t in stack.control("POST", "tweets", [p.spec() for p in posts])]
        design = DESIGNS[design_name](clock, stack, xclock, [(i, p.created_at) for i, p in zip(ids, posts)])
        stack.control("DELETE", "calls")
        stack.control("DELETE", "costs")
        meter.table(stack.env["TABLE_NAME"])
        setup_s = time.monotonic() - started
        calls, per_minute, down = [], [], False
        design.start()
        for m in range(first - WARMUP_MINUTES, last + TAIL_MINUTES):
            now = day + timedelta(minutes=m)
            clock.set(now)
            xclock.follow()
            meter.sizing = first <= m < first + SIZING_MINUTES
            if m == first:  # what the warm-up did is not the span's
                stack.control("DELETE", "calls")
                stack.control("DELETE", "costs")
                meter.reset()
                design.invocations.clear()
            if (outage[0] <= now < outage[1]) != down:
                down = not down
                stack.control("POST" if down else "DELETE", "faults",
                              {"path_prefix": "/2/", "status": 503, "times": 10 ** 9} if down else None)
                design.outage(down)
            before_calls, before_sent = sum(meter.calls.values()), len(alerts.sent)
            design.minute()
            design.between(now + timedelta(minutes=1))
            per_minute.append((m, sum(meter.calls.values()) - before_calls, len(alerts.sent) - before_sent))
            if m >= first and (m - first) % HARVEST_EVERY == HARVEST_EVERY - 1:
                calls += _harvest(stack)
        design.stop()
        calls += _harvest(stack)
        costs = stack.control("GET", "costs")
        unsent = [i for i in ids if i not in alerts.sent]
        storage = runtime.storage()
        missed = [i for i in unsent if storage.complaints.recorded(i) is None]
    return {
        "design": design.name, "label": design.label, "span_minutes": [first, last], "tail_minutes": TAIL_MINUTES,
        "posts": [{"id": i, "created_at": p.created_at.isoformat(), "tags": len(p.tagged),
                   "alerted_at": alerts.sent[i].isoformat() if i in alerts.sent else None,
                   "dropped": stack.x.state.stream.dropped(i)}  # one of the stream's dropped deliveries
                  for i, p in zip(ids, posts)],
        "missed": missed, "recorded_unalerted": len(unsent) - len(missed),
        "x_calls": calls, "x_costs": {k: v for k, v in costs.items() if k != "calls"},
        "aws_calls": {f"{s}:{op}": n for (s, op), n in meter.calls.items()},
        "wcu": sum(meter.wcu.values()), "wcu_complaints": _complaints_in(per_minute, first, first + SIZING_MINUTES),
        "per_minute": per_minute, "invocations": design.invocations,
        "outage": [t.isoformat() for t in outage],
        "seconds": {"setup": round(setup_s, 1), "total": round(time.monotonic() - started, 1)},
    }


def _complaints_in(per_minute, first: int, last: int) -> int:
    return sum(sent for m, _, sent in per_minute if first <= m < last)


def _harvest(stack) -> list:
    """The local X's call log since the last read, as (family, time, status); the log is emptied."""
    log = stack.control("GET", "calls")
    stack.control("DELETE", "calls")
    return [(family(c["method"], c["path"]), c["at"], c["status"]) for c in log]


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--design", choices=sorted(DESIGNS), required=True)
    parser.add_argument("--from", dest="first", type=int, default=0, help="first simulated minute of the day")
    parser.add_argument("--to", dest="last", type=int, default=24 * 60, help="minute the span ends (excluded)")
    parser.add_argument("--day", default="2026-11-30", help="the simulated UTC day")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    day = datetime.fromisoformat(args.day).replace(tzinfo=timezone.utc)
    result = run(args.design, args.first, args.last, workload.Shape(), day)
    args.out.write_text(json.dumps(result))
    print(f"{args.design}: {len(result['posts'])} posts, {len(result['missed'])} missed, "
          f"{result['seconds']['total']} s", file=sys.stderr)


if __name__ == "__main__":
    main()
