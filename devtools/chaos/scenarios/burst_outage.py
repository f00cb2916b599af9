"""A burst and an outage: after a while of ordinary traffic (with kills), X answers 503 to everything; while it
is down more than 800 citizens tag one handle and others post too, over a week and two hours, longer than
recent search reaches back (7 days); the desk's and X's clocks move past it while the functions keep failing
(and being killed); then X comes back (faults off) and the settling rounds run.

So the burst falls between two reconciler runs, search cannot reach the outage's start, and the burst
handle's timeline holds only its newest 800 mentions: the desk must record every post it can still read
(from the timelines) and report the rest as a gap on that handle and on the ops topic. The invariants check
exactly that: each post recorded, or inside a gap the desk reported.
"""

from __future__ import annotations

from datetime import timedelta

BURST = 850  # mentions of one handle while X is down
OTHERS = 120  # mentions of the other handles while X is down
OUTAGE = timedelta(days=7, hours=2)  # longer than recent search's 7 days
BEFORE_SECONDS, DOWN_SECONDS, AFTER_JUMP_SECONDS = 40.0, 15.0, 10.0


def spread(rng, count: int, start, length: timedelta) -> list:
    """`count` times in [start + 1 minute, start + length - 1 hour], in order (posts are posted oldest first)."""
    usable = (length - timedelta(hours=1, minutes=1)).total_seconds()
    return sorted(start + timedelta(minutes=1, seconds=rng.uniform(0, usable)) for _ in range(count))


def run(ctx) -> dict:
    before = ctx.workload(count=max(100, ctx.mentions - BURST - OTHERS), n_waves=8)
    ctx.chaos(BEFORE_SECONDS, before, kills=14)
    first = ctx.run("reconcile") or {}  # the last run before the burst
    burst_handle = ctx.rng.choice([h for h in ctx.handles if h.endswith("pol")])
    # 850 acknowledgements from one handle take X's posting limit (100 per 15 minutes) nine windows: held replies
    # are x_faults' and the unit tests' subject; here the handle may post them all, so settling fits the budget.
    ctx.x("POST", "rate_limits", {"family": "post", "limit": 1000, "scope": "user", "username": burst_handle})
    ctx.x("POST", "faults", {"path_prefix": "/2/", "status": 503, "times": 10**7})
    ctx.faults_off.append(lambda: ctx.x("DELETE", "faults"))
    down_at = ctx.now()
    burst = ctx.workload(count=BURST, n_waves=1, burst_handle=burst_handle)[0]
    ctx.post(burst, spread(ctx.rng, len(burst), down_at, OUTAGE))
    others = [a for a in ctx.workload(count=OTHERS, n_waves=1)[0] if burst_handle not in a.tagged]
    ctx.post(others, spread(ctx.rng, len(others), down_at, OUTAGE))
    ctx.chaos(DOWN_SECONDS, kills=10)  # the functions fail against X meanwhile, and are killed
    ctx.advance(OUTAGE)
    ctx.chaos(AFTER_JUMP_SECONDS, kills=8)  # a week later, X still down
    return {"burst_handle": burst_handle, "burst": len(burst), "others_in_outage": len(others),
            "outage_hours": OUTAGE.total_seconds() / 3600, "created_before_outage": first.get("created")}
