"""The chaos scenarios: one module each; `make chaos` runs every module here (add a file to add one).

A scenario module exposes `run(ctx) -> dict` (its own figures, kept in the report under "own"). The harness
(devtools/chaos/harness.py, runner.py) has already started and provisioned the scenario's own stack when
run(ctx) is called; after it returns, the harness kills invocations until the scenario has had at least 30
kills (runner.MIN_KILLS; the scenario's faults still on), calls every `ctx.faults_off` callable, runs the desk's
functions in rounds until nothing waits (at most harness.SETTLE_ROUNDS, each moving the clocks 16 minutes),
and checks the invariants. run(ctx) should take about 2 minutes.

`ctx` (devtools.chaos.harness.Ctx), stable:
  ctx.name, ctx.seed, ctx.mentions (how many mentions to post, default 1,000), ctx.rng (random.Random, seeded),
  ctx.out_dir (this scenario's directory under dist/chaos/)
  ctx.stack          the started, provisioned bench.day_stack.DayStack (a devtools.stack.LocalStack): .env,
                     .x (the local X server, .x.url), .aws_url (moto), .client("dynamodb"), .received(officer)
  ctx.handles        the watched handles' names (50: 30 district police, magistrates, zones, departments)
  ctx.workload(count=None, n_waves=10, burst_handle=None) -> waves: lists of devtools.chaos.workload.Act
  ctx.post(wave, times=None)   post one wave on the local X (times: a created_at per act, e.g. in the future)
  ctx.chaos(seconds, waves=(), kills=30, weights=WEIGHTS, max_running=4)
                     post the waves evenly over `seconds` while invocations of reconcile, record_mentions,
                     stream_holder and sweep run (two of each at most at once), `kills` of them SIGKILLed
  ctx.spawn(function, hold_seconds=None, batches=None) -> Worker;  ctx.pool.kill(worker);  ctx.pool.running
  ctx.run(function, timeout=300, **options) -> the invocation's answer (dict) or None
  ctx.x(method, path, payload=None)   the local X's /_control/<path> (faults, clock, stream, rate_limits...)
  ctx.now(), ctx.advance(timedelta)   the desk's and the local X's clock, moved together
  ctx.worker_env     dict of environment overrides for the workers spawned from now on (e.g.
                     {"AWS_ENDPOINT_URL": proxy.url} to put a fault proxy in front of moto); cleared before settling
  ctx.faults_off     list of callables the harness calls before settling (switch your faults off there)
  ctx.captured       list of (where, text) pairs to add to the PII scan (e.g. error bodies you saw)
"""

from __future__ import annotations

import pkgutil
from pathlib import Path


def names() -> list[str]:
    """Every scenario module here, in name order."""
    return sorted(m.name for m in pkgutil.iter_modules([str(Path(__file__).parent)]) if not m.name.startswith("_"))
