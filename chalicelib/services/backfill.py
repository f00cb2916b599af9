"""Backfill: the mentions timelines fill in what recent search no longer reaches (past its 7 days),
for the handles that need it only; a gap that cannot be closed is recorded and told, never silent.

A handle's timeline reaches back 800 mentions. When the backfill reads that many without reaching
where the desk had read to, the older ones are out of every path's reach: the handle's state keeps
the gap (shown in /status) and the ops topic is told, once per gap.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Callable

from ..domain.complaint import Policies
from ..domain.handles import Registry
from .poll import PollReport, poll
from .ports import Alerts, MentionSource, OpsNotices, Replies, Storage
from .recording import Classifier

log = logging.getLogger(__name__)
TIMELINE_CAP = 800  # X's mentions timeline returns a user's newest 800 mentions, no more
DONE = ("ok", "unavailable", "unknown_handle")  # nothing more a timeline can give (a gone account has no mentions)


@dataclass(frozen=True)
class Need:
    """Read a handle's timeline from `since_id` (the group's cursor), or without one from `since`."""

    since_id: str | None
    since: datetime


@dataclass
class Backfilled:
    done: set[str] = field(default_factory=set)  # handle keys read to their start, or with their gap recorded
    gaps: list[str] = field(default_factory=list)  # handles whose gap was found (and told) by this run
    report: PollReport | None = None


def _newer(a: str | None, b: str | None) -> str | None:
    return max((i for i in (a, b) if i), key=int, default=None)


def backfill(needs: dict[str, Need], registry: Registry, source: MentionSource, store: Storage, alerts: Alerts,
             replies: Replies | None, ops: OpsNotices, clock: Callable[[], datetime], policies: Policies,
             classify: Classifier, time_left: Callable[[], float] | None = None,
             cap: int = TIMELINE_CAP) -> Backfilled:
    """Poll the timelines of `needs`' handles (services/poll.py), each from where the desk had read to.
    `cap`: how far back a timeline reaches (X: 800); a timeline read that far may not have reached the start."""
    out = Backfilled()
    handles = [replace(h, start_at=needs[h.key].since) for h in registry if h.key in needs]
    if not handles:
        return out
    states = store.handles.states([h.key for h in handles])
    for h in handles:
        # The handle's own timeline cursor, where it has one, is read to as well: an earlier backfill went
        # part of the way, or the handle was polled before (re-enabled, or polled before search came).
        since_id = _newer(needs[h.key].since_id, states[h.key].since_id)
        if since_id != states[h.key].since_id:
            store.handles.save(h.key, replace(states[h.key], since_id=since_id))
    out.report = poll(Registry(handles), source, store, alerts, replies, clock, policies, classify, time_left)
    for outcome, h in zip(out.report.handles, handles):
        if outcome.outcome in DONE:
            out.done.add(h.key)
        if outcome.outcome == "ok" and outcome.fetched >= cap:
            reason = (f"{cap} or more mentions since {needs[h.key].since.isoformat()}: the older ones are past the "
                      f"mentions timeline's {cap} and recent search's 7 days; they cannot be read")
            if _record_gap(store, ops, h.handle, h.key, reason, clock()):
                out.gaps.append(h.handle)
    return out


def _record_gap(store: Storage, ops: OpsNotices, handle: str, key: str, reason: str, now: datetime) -> bool:
    """Keep the gap on the handle's state and tell ops; a gap already recorded is not told again."""
    state = store.handles.states([key])[key]
    if state.gap == reason:
        return False
    store.handles.save(key, replace(state, gap=reason, changed_at=now.isoformat()))
    log.error("mentions missed for good", extra={"handle": handle, "gap": reason})
    try:
        ops.tell(f"Mentions of @{handle} could not all be read",
                 f"@{handle}: {reason}. The desk recorded every mention it could read; the rest never reached it. "
                 "It is shown in /status under the handle's gap.")
    except Exception:  # noqa: BLE001 - the gap is kept and shown in /status whatever SNS says
        log.exception("ops not told of a gap", extra={"handle": handle})
    return True
