"""Each Lambda function's peak memory and duration per batch on the local stack, against the memory and
timeout the deploy config gives it (.chalice/config.json, prod stage).

    .venv/bin/python bench/function_bounds.py [--mentions 200] [--complaints 3000] [--hold 20]

One local stack (moto and the local X in this process), every watched handle authorised. Each function runs
in its own fresh Python process, as a cold Lambda container would, through chalice.test.Client (the
handler in app.py, the event Lambda would send); the child reports its wall time per batch and its peak
RSS (getrusage's ru_maxrss: what Lambda reports as "Max Memory Used", less the runtime's own few MB):
  reconcile        `--mentions` new mentions across the 22 watched handles, one run (cold), then an idle one
  stream_holder    holds the stream `--hold` seconds while mentions are posted (its 900 s timeout is kept:
                   it holds for 14 minutes by design, so its duration is not measured against it)
  record_mentions  the queued mentions, full batches of 10
  sweep            `--complaints` open complaints received over the last hour, alerted: the urgent ones'
                   deadlines fall due (a burst of a day's complaints in an hour, then a sweep)
  daily_digest, weekly_summary  over the same complaints
  api_handler      GET /app/dashboard and GET /complaints.csv (a whole month, 2,000 rows) as an admin
Durations on moto over HTTP on a shared machine are longer than on DynamoDB: an upper bound.

Headroom rule (the config must keep it; this bench exits 1 when it does not): memory at least twice the
measured peak, rounded up to 128 MB steps, and at least MIN_MEMORY_MB (Lambda's CPU share grows with
memory: below it, the cold start's imports take seconds); timeout at least three times the longest
measured batch (the cold one), the stream holder's 900 s kept, the API's at most API Gateway's 29 s
(a batch needing more is flagged: it must get smaller, as the CSV export's 2,000 rows per answer).
Prints a table, ends with one JSON line.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

MIN_MEMORY_MB = 256
MEMORY_FACTOR, TIMEOUT_FACTOR, MEMORY_STEP_MB = 2, 3, 128
FIXED_TIMEOUTS = {"stream_holder": 900}
API_GATEWAY_LIMIT_S = 29  # API Gateway answers 504 after this, whatever the function's timeout
SWEEP_WINDOW_DAYS = 1 / 24  # the open complaints came in over the last hour: the urgent ones' deadlines fall due
FUNCTIONS = ("reconcile", "stream_holder", "record_mentions", "sweep", "daily_digest", "weekly_summary", "api_handler")


def configured(stage: str = "prod") -> dict[str, dict]:
    """{function: {"memory_mb", "timeout_s"}} as the stage's config sets them (Chalice's defaults otherwise)."""
    config = json.loads((ROOT / ".chalice" / "config.json").read_text())
    functions = config["stages"][stage].get("lambda_functions", {})
    return {name: {"memory_mb": functions.get(name, {}).get("lambda_memory_size", 128),
                   "timeout_s": functions.get(name, {}).get("lambda_timeout", 60)} for name in FUNCTIONS}


def needed(name: str, peak_mb: float, longest_s: float) -> dict:
    """What the headroom rule asks of a function measured at `peak_mb` and `longest_s`."""
    memory = max(MIN_MEMORY_MB, math.ceil(MEMORY_FACTOR * peak_mb / MEMORY_STEP_MB) * MEMORY_STEP_MB)
    timeout = FIXED_TIMEOUTS.get(name, math.ceil(TIMEOUT_FACTOR * longest_s))
    if name == "api_handler" and timeout > API_GATEWAY_LIMIT_S:
        return {"memory_mb": memory, "timeout_s": API_GATEWAY_LIMIT_S, "over_gateway_limit": True}
    return {"memory_mb": memory, "timeout_s": timeout}


# ---- in the child: one function, measured -------------------------------------------------------------


def child(name: str, hold: float) -> dict:
    from chalice.test import Client

    from app import app

    durations, cpu, work = [], [], []

    def timed(call):
        started, used = time.monotonic(), time.process_time()
        answer = call()
        durations.append(round(time.monotonic() - started, 2))
        cpu.append(round(time.process_time() - used, 2))
        return answer

    with Client(app, stage_name="local") as client:
        event = client.events.generate_cw_event(source="aws.events", detail_type="Scheduled Event", detail={},
                                                resources=[])
        if name in ("reconcile", "sweep", "daily_digest", "weekly_summary"):
            for _ in range(2 if name == "reconcile" else 1):  # the reconciler: the batch, then an idle minute
                work.append(_brief(timed(lambda: client.lambda_.invoke(name, event).payload)))
        elif name == "stream_holder":
            from chalicelib import runtime

            stop = threading.Event()
            threading.Timer(hold, stop.set).start()
            work.append(_brief(timed(lambda: runtime.run_stream_holder(stop=stop))))
        elif name == "record_mentions":
            work += _record_batches(client, timed)
        else:
            work += _api_reads(client, timed)
    return {"function": name, "peak_mb": peak_rss_mb(), "durations_s": durations, "cpu_s": cpu, "work": work}


def peak_rss_mb() -> float:
    """This process's peak RSS (VmHWM). Not getrusage's ru_maxrss: Linux carries that over exec from the
    forking parent, here the process holding the whole local stack."""
    with open("/proc/self/status") as status:
        kb = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
    return round(kb / 1024, 1)


def _record_batches(client, timed) -> list:
    import boto3

    from devtools.mentions_consumer import consume_once

    sqs = boto3.client("sqs")
    url = os.environ["MENTIONS_QUEUE_URL"]
    url = sqs.get_queue_url(QueueName=url.rsplit("/", 1)[1])["QueueUrl"]
    work = []
    while True:
        answer = consume_once(sqs, url, lambda e: timed(lambda: client.lambda_.invoke("record_mentions", e).payload),
                              wait_seconds=0)
        if answer is None:
            return work
        work.append({"failures": len(answer["batchItemFailures"])})


def _api_reads(client, timed) -> list:
    from chalicelib import auth, runtime

    token = auth.issue(runtime.signing_key(), "bench", "admin", [], [], now=runtime.utcnow(), hours=1)
    today = runtime.utcnow().astimezone(runtime.policies().sla.tz).date()  # the export's days are IST days
    routes = (("/app/dashboard", {"Cookie": f"desk_session={token}"}),
              (f"/complaints.csv?from={today - timedelta(days=30)}&to={today}", {"Authorization": f"Bearer {token}"}))
    work = []
    for path, headers in routes:
        answer = timed(lambda: client.http.get(path, headers=headers))
        work.append({"route": path.split("?")[0], "status": answer.status_code, "bytes": len(answer.body),
                     "rows": answer.body.count(b"\n") - 1 if path.startswith("/complaints.csv") else None})
    return work


def _brief(report: dict) -> dict:
    """A report's numbers, lists as their lengths."""
    return {k: (len(v) if isinstance(v, list) else v) for k, v in report.items() if isinstance(v, (int, float, list))}


# ---- in the parent: the stack, the work, the children -------------------------------------------------


def run_child(stack, name: str, hold: float) -> dict:
    answer = subprocess.run([sys.executable, __file__, "--child", name, "--hold", str(hold)], cwd=ROOT,
                            env=os.environ | stack.env, capture_output=True, text=True, timeout=1800)
    if answer.returncode:
        raise SystemExit(f"{name} failed:\n{answer.stderr[-3000:]}")
    return json.loads(answer.stdout.strip().splitlines()[-1])


def post_mentions(stack, count: int, seed: int, first_author: int, every: float = 0.0) -> None:
    from bench.mentions import generate

    for tweet in generate(count, seed=seed, first_author=first_author):
        stack.x.add_tweets(tweet)
        time.sleep(every)


def measure(mentions: int, complaints: int, hold: float) -> list[dict]:
    from bench.dashboard_bench import seed
    from bench.mentions import watched_handles
    from devtools.stack import LocalStack

    results = []
    with LocalStack() as stack:
        stack.x.reset(mentions=False)
        stack.provision()
        for handle in watched_handles():
            stack.authorise(handle["handle"])
        stack.x.set_index_delay(0)
        post_mentions(stack, mentions, seed=1, first_author=100_000)
        results.append(run_child(stack, "reconcile", hold))
        poster = threading.Thread(target=post_mentions, args=(stack, 60, 2, 200_000, hold / 80))
        poster.start()
        results.append(run_child(stack, "stream_holder", hold))
        poster.join()
        results.append(run_child(stack, "record_mentions", hold))
        seed(stack, 0, complaints, {}, days=SWEEP_WINDOW_DAYS, resolved_share=0.0, alerted=True)
        for name in ("sweep", "daily_digest", "weekly_summary", "api_handler"):
            results.append(run_child(stack, name, hold))
    return results


def table(rows: list[dict]) -> str:
    lines = [f"{'function':<16} {'peak MB':>8} {'batch s (max)':>14} {'CPU s':>6} {'memory MB':>10} {'needs':>6} "
             f"{'timeout s':>10} {'needs':>6}  ok"]
    for r in rows:
        lines.append(f"{r['function']:<16} {r['peak_mb']:>8.1f} {r['longest_s']:>14.2f} {max(r['cpu_s']):>6.2f} "
                     f"{r['configured']['memory_mb']:>10} "
                     f"{r['needed']['memory_mb']:>6} {r['configured']['timeout_s']:>10} {r['needed']['timeout_s']:>6}  "
                     f"{'yes' if r['ok'] else 'NO'}")
    lines += [f"{r['function']}: three times its longest batch is over API Gateway's {API_GATEWAY_LIMIT_S} s"
              for r in rows if r["needed"].get("over_gateway_limit")]
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mentions", type=int, default=200)
    parser.add_argument("--complaints", type=int, default=3000)
    parser.add_argument("--hold", type=float, default=20.0, help="seconds the stream holder holds")
    parser.add_argument("--child", choices=FUNCTIONS, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(child(args.child, args.hold)), flush=True)
        return 0
    config = configured()
    rows = []
    for r in measure(args.mentions, args.complaints, args.hold):
        longest = max(r["durations_s"], default=0.0)
        need = needed(r["function"], r["peak_mb"], longest)
        have = config[r["function"]]
        ok = have["memory_mb"] >= need["memory_mb"] and have["timeout_s"] >= need["timeout_s"]
        rows.append(r | {"longest_s": longest, "configured": have, "needed": need, "ok": ok})
    print(table(rows))
    out = ROOT / "dist" / "bench"
    out.mkdir(parents=True, exist_ok=True)
    (out / "function_bounds.json").write_text(json.dumps(rows, indent=1))
    print(json.dumps({"functions": {r["function"]: {"peak_mb": r["peak_mb"], "longest_s": r["longest_s"],
                                                    "memory_mb": r["configured"]["memory_mb"],
                                                    "timeout_s": r["configured"]["timeout_s"]} for r in rows},
                      "all_within_config": all(r["ok"] for r in rows)}))
    return 0 if all(r["ok"] for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
