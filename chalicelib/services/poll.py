"""Poll: fetch new mentions of every watched handle, record each as one complaint, alert officers.

Go-live: a handle without a cursor yet fetches only its mentions from its start time on, never the
older ones X still holds. The poll writes what it learns of an account into the registry: its user
id the first time, and its new username when it was renamed (mentions are fetched by user id).

Safety rules: a handle's cursor moves only after every mention up to it is recorded; a
complaint is written once per tweet (the tweet guard is in the same write); alerts and replies
live on the complaint until SNS and X accept them, so a crash or an outage anywhere is repaired
by the next poll. A failure is contained to the handle or the complaint it hit, and the poll
stops taking new work while there is still time to finish before its timeout.
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Callable

from ..domain.complaint import Policies
from ..domain.handles import Registry, WatchedHandle
from ..domain.values import Mention
from ..triage import triage
from .budget import run_number, take_turns
from .ports import (TIMELINES, Alerts, HandleState, HandleUnavailable, MentionSource, RateLimited, Replies,
                    SourceUnavailable, Storage, XBudget)
from .ingest import ingest
from .recording import Classifier
from .sending import Sent, quietly

log = logging.getLogger(__name__)
RESERVE_SECONDS = 20.0  # stop taking new work with this much of the function's time left
RECHECK_UNAVAILABLE = timedelta(days=1)  # a suspended or deleted watched account is looked up again after this


@dataclass
class HandleOutcome:
    handle: str
    outcome: str  # ok | rate_limited | error | unknown_handle | unavailable (suspended, deleted) | deferred | next_turn
    fetched: int = 0
    created: int = 0
    requests: int = 0  # calls made to X for this handle
    detail: str = ""
    lag_seconds: float | None = None  # age of the newest mention fetched, when the poll succeeded


@dataclass
class PollReport:
    handles: list[HandleOutcome] = field(default_factory=list)
    created: list[str] = field(default_factory=list)
    skipped: Counter = field(default_factory=Counter)
    sent: Sent = field(default_factory=Sent)
    x_partial_errors: int = 0  # X's errors about accounts other than the watched ones (an unshown author)

    def as_dict(self) -> dict:
        return {"created": self.created, "skipped": dict(self.skipped), **vars(self.sent),
                "x_partial_errors": self.x_partial_errors, "handles": [vars(h) for h in self.handles]}

    def metrics(self) -> dict[str, tuple[str, float]]:
        """What the poll did, as CloudWatch metrics: name -> (unit, value)."""
        lags = [h.lag_seconds for h in self.handles if h.lag_seconds is not None]
        figures = {
            "XApiCalls": ("Count", sum(h.requests for h in self.handles)),
            "XApi429s": ("Count", sum(h.outcome == "rate_limited" for h in self.handles)),
            "MentionsFetched": ("Count", sum(h.fetched for h in self.handles)),
            "ComplaintsCreated": ("Count", len(self.created)),
            "AlertsSent": ("Count", self.sent.alerts_sent),
            "AlertsFailed": ("Count", self.sent.alerts_failed),
            "RepliesSent": ("Count", self.sent.replies_sent),
            "RepliesFailed": ("Count", self.sent.replies_failed + self.sent.replies_undeliverable),
            "RepliesBlocked": ("Count", self.sent.replies_blocked),
            "HandlesRateLimited": ("Count", sum(h.outcome == "rate_limited" for h in self.handles)),
            "HandlesFailed": ("Count", sum(h.outcome in ("error", "unknown_handle") for h in self.handles)),
            "HandlesUnavailable": ("Count", sum(h.outcome == "unavailable" for h in self.handles)),
            "HandlesWaitingTurn": ("Count", sum(h.outcome == "next_turn" for h in self.handles)),
            "XApiPartialErrors": ("Count", self.x_partial_errors),
        }
        if lags:
            figures["PollLagSeconds"] = ("Seconds", max(lags))
        return figures


@dataclass
class _Fetched:
    handle: WatchedHandle
    state: HandleState
    outcome: HandleOutcome
    mentions: list[Mention] = field(default_factory=list)
    newest_id: str | None = None
    username: str | None = None  # the account's username as X names it now
    checked: bool = False  # X was asked whether an unavailable account is back (or first said it is gone)


def poll(registry: Registry, source: MentionSource, store: Storage, alerts: Alerts, replies: Replies | None,
         clock: Callable[[], datetime], policies: Policies, classify: Classifier = triage,
         time_left: Callable[[], float] | None = None, budget: XBudget | None = None) -> PollReport:
    """`time_left`: seconds the function has left (Lambda's clock); None: no limit.
    `replies` None: posting to X is switched off in this stage (replies wait).
    `budget`: X's mentions budget; when it cannot cover every handle this minute, the handles take turns."""
    report = PollReport()

    def keep_going() -> bool:
        return time_left is None or time_left() > RESERVE_SECONDS

    now = clock()
    live = [h for h in registry if h.start_at is None or h.start_at <= now]  # the others go live later
    states = store.handles.states([h.key for h in live])
    share = budget.allowance("mentions", now) if budget else None
    share = share or None  # 0: the budget is spent; each handle's call is refused unasked and marked rate_limited
    order = take_turns(live, run_number(now), share)
    turn = {h.key for h in order[:share]} if share is not None else None
    fetched = [_fetch(h, states[h.key], source, report, now) if keep_going() and (turn is None or h.key in turn)
               else _deferred(h, states[h.key], share if keep_going() else None) for h in order]
    registry = _learn(registry, fetched, store)
    by_tweet: dict[str, list[_Fetched]] = {}
    for f in fetched:
        for m in f.mentions:
            by_tweet.setdefault(m.tweet_id, []).append(f)
    done = ingest([m for f in fetched for m in f.mentions], registry, store, alerts, replies, clock, policies,
                  classify, keep_going)
    report.created, report.sent = [c.ref for c in done.created], done.sent
    report.skipped.update(done.skipped)
    for complaint in done.created:
        for f in by_tweet[complaint.tweet_id]:
            f.outcome.created += 1
    for tweet_id in done.left:
        for f in by_tweet[tweet_id]:
            f.outcome.outcome, f.outcome.detail = "error", "not every mention could be recorded; fetched again next poll"
    for f in fetched:
        _advance(f, store, clock)
        report.handles.append(f.outcome)
    # A suspended or deleted account is the handle's trouble, not the ingestion path's.
    if all(f.outcome.outcome in ("ok", "unavailable", "next_turn") for f in fetched):
        quietly(lambda: store.handles.path_succeeded(TIMELINES, clock()))
    return report


def _deferred(handle: WatchedHandle, state: HandleState, share: int | None = None) -> "_Fetched":
    """Not polled this time: the function was running out of time, or X's budget covers only `share` handles
    a minute and this one's turn comes in a later run."""
    if share is not None:
        return _Fetched(handle, state, HandleOutcome(
            handle.handle, "next_turn", detail=f"X's mentions budget covers {share} handles a minute; its turn comes"))
    return _Fetched(handle, state, HandleOutcome(handle.handle, "deferred", detail="out of time; polled next run"))


def _fetch(handle: WatchedHandle, state: HandleState, source: MentionSource, report: PollReport,
           now: datetime) -> _Fetched:
    f = _Fetched(handle, state, HandleOutcome(handle.handle, "ok"))
    try:
        user_id = handle.user_id or state.user_id
        if state.outcome == "unavailable":
            last = state.checked_at or state.changed_at
            if last and now - datetime.fromisoformat(last) < RECHECK_UNAVAILABLE:
                f.outcome.outcome, f.outcome.detail = "unavailable", state.detail or ""
                return f  # X is not asked about it again until a day has passed
            if user_id is not None:
                source.check_user(user_id)
                f.outcome.requests += 1
        if user_id is None:
            user_id = source.resolve_user_id(handle.handle)
            f.outcome.requests += 1
        if user_id is None:
            f.outcome.outcome, f.outcome.detail = "unknown_handle", "X knows no such user"
            return f
        f.state = replace(state, user_id=user_id)
        start_time = handle.start_at if state.since_id is None else None
        for page in source.pages(user_id, state.since_id, start_time):
            f.outcome.requests += 1
            f.newest_id = f.newest_id or page.newest_id
            f.username = f.username or page.username
            if page.rejected:
                report.skipped["malformed"] += page.rejected
            report.x_partial_errors += page.partial_errors
            f.mentions += page.mentions
    except HandleUnavailable as e:
        f.outcome.outcome, f.outcome.detail, f.checked = "unavailable", e.reason, True
        f.outcome.requests += 1
    except RateLimited as e:
        f.outcome.outcome, f.outcome.detail = "rate_limited", str(e)
        f.outcome.requests += 1  # the refused call
    except SourceUnavailable as e:
        f.outcome.outcome, f.outcome.detail = "error", str(e)
        f.outcome.requests += 1
    f.outcome.fetched = len(f.mentions)
    if f.outcome.outcome != "ok":
        # What was fetched is still recorded now; the cursor stays, so the next poll fetches the rest.
        log.warning("handle not polled", extra={"handle": handle.handle, "outcome": f.outcome.outcome,
                                                "detail": f.outcome.detail})
    return f


def _learn(registry: Registry, fetched: list[_Fetched], store: Storage) -> Registry:
    """Write a newly resolved user id and a rename into the registry; the registry to record with:
    citizens tag a renamed account by its new name, and the desk's own posts are told by user id."""
    learned = {}
    for f in fetched:
        user_id, handle = f.state.user_id, f.handle
        if user_id is None:
            continue
        if handle.user_id is None:
            quietly(lambda: store.registry.record_user_id(handle.key, user_id))
            learned[handle.key] = handle = replace(handle, user_id=user_id)
        if f.username and f.username != handle.handle:
            log.info("watched handle renamed on X", extra={"handle": handle.handle, "renamed_to": f.username})
            if quietly(lambda: store.registry.rename(handle, f.username)):
                learned[handle.key] = f.handle = replace(handle, handle=f.username)
                f.outcome.handle = f.username
                quietly(lambda: store.grants.renamed(handle.key, f.username))  # it replies under its new name
    return Registry([learned.get(h.key, h) for h in registry.all()]) if learned else registry


def _advance(f: _Fetched, store: Storage, clock) -> None:
    """Write the handle's state only when something in it changed: an idle poll writes nothing."""
    now = clock()
    ok = f.outcome.outcome == "ok"
    newest_at = max((m.created_at for m in f.mentions), default=None)
    f.outcome.lag_seconds = ((now - newest_at).total_seconds() if newest_at else 0.0) if ok else None
    state = replace(
        f.state,
        since_id=(f.newest_id or f.state.since_id) if ok else f.state.since_id,
        outcome=f.outcome.outcome,
        detail=f.outcome.detail[:500] or None,
        newest_mention_at=newest_at.isoformat() if newest_at else f.state.newest_mention_at,
        checked_at=(now.isoformat() if f.checked else f.state.checked_at) if f.outcome.outcome == "unavailable" else None,
    )
    if f.outcome.outcome in ("deferred", "next_turn"):
        return
    if state != f.state or f.state.outcome is None:
        quietly(lambda: store.handles.save(f.handle.key, replace(state, changed_at=now.isoformat())))
