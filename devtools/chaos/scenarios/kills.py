"""Kills and overlaps only: the workload posted while two of each function run at once and at least 30
invocations are SIGKILLed at random points (mid-recording, mid-publish, holding the stream's lease)."""

from __future__ import annotations

CHAOS_SECONDS = 60.0
KILLS = 34


def run(ctx) -> dict:
    waves = ctx.workload()
    ctx.chaos(CHAOS_SECONDS, waves, kills=KILLS)
    return {"waves": len(waves), "kills": len(ctx.pool.kills())}
