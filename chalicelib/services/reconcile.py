"""Reconcile: every minute, recent search for every watched handle, packed into query groups, records
whatever no other path did; the posts it records are counted as caught (so a broken stream shows).

Safety rules: a group's cursor moves only after every page of its search is read and every post
in them recorded, and only to the newest post read; the search ends `INDEX_DELAY` before now, so a
post X has not indexed yet is read next minute, not skipped. A new group starts from the oldest
cursor of the groups it takes handles from; a new handle from its start_at (go-live: never older
mentions). Whatever lies further back than search reaches is read from the mentions timelines
(services/backfill.py), and the group's cursor waits for that too; a group whose every handle is
read so is not searched that run (the timelines reach up to now).
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Callable

from ..domain.complaint import Policies
from ..domain.handles import Registry
from ..domain.search_groups import QueryGroup, pack
from ..domain.values import Mention
from ..triage import triage
from .backfill import TIMELINE_CAP, Need, backfill
from .ingest import ingest
from .poll import RESERVE_SECONDS
from .ports import (SEARCH, Alerts, MentionSearch, MentionSource, OpsNotices, RateLimited, Replies, SearchCursor,
                    SourceUnavailable, Storage, XBudget)
from .budget import run_number, take_turns
from .recording import Classifier
from .sending import Sent, quietly

log = logging.getLogger(__name__)
INDEX_DELAY = timedelta(seconds=30)  # X makes a post searchable about this long after it is posted
SEARCH_REACH = timedelta(days=7)
REACH_MARGIN = timedelta(hours=1)  # a start this near search's 7 days could be refused by the time X reads it
REFRESH_READ_TO = timedelta(hours=1)  # an idle group's cursor is rewritten this often, not every minute


@dataclass
class GroupOutcome:
    group: str
    handles: int
    outcome: str = "ok"  # ok | rate_limited | error | deferred | backfilling
    fetched: int = 0
    caught: int = 0
    requests: int = 0
    detail: str = ""


@dataclass
class ReconcileReport:
    groups: list[GroupOutcome] = field(default_factory=list)
    created: list[str] = field(default_factory=list)  # every complaint this run made, backfill included
    caught: int = 0  # posts search recorded that no other path had
    skipped: Counter = field(default_factory=Counter)
    sent: Sent = field(default_factory=Sent)
    backfilled: list[str] = field(default_factory=list)  # handles whose timelines were read
    gaps: list[str] = field(default_factory=list)  # handles found (and told) to have a gap this run
    x_partial_errors: int = 0
    timelines: list = field(default_factory=list)  # the backfill's HandleOutcome per handle

    def as_dict(self) -> dict:
        return {"created": self.created, "caught": self.caught, "skipped": dict(self.skipped), **vars(self.sent),
                "backfilled": self.backfilled, "gaps": self.gaps, "x_partial_errors": self.x_partial_errors,
                "groups": [vars(g) for g in self.groups], "timelines": [vars(h) for h in self.timelines]}

    def metrics(self) -> dict[str, tuple[str, float]]:
        return {
            "SearchCaught": ("Count", self.caught),
            "SearchGroupsFailed": ("Count", sum(g.outcome in ("rate_limited", "error") for g in self.groups)),
            "XApiCalls": ("Count", sum(g.requests for g in self.groups) + sum(h.requests for h in self.timelines)),
            "XApi429s": ("Count", sum(g.outcome == "rate_limited" for g in self.groups)
                         + sum(h.outcome == "rate_limited" for h in self.timelines)),
            "MentionsFetched": ("Count", sum(g.fetched for g in self.groups)),
            "ComplaintsCreated": ("Count", len(self.created)),
            "AlertsSent": ("Count", self.sent.alerts_sent),
            "AlertsFailed": ("Count", self.sent.alerts_failed),
            "RepliesSent": ("Count", self.sent.replies_sent),
            "RepliesFailed": ("Count", self.sent.replies_failed + self.sent.replies_undeliverable),
            "MentionGaps": ("Count", len(self.gaps)),
            # The backfill's timelines, as the poll names them (the same alarms watch both).
            "HandlesFailed": ("Count", sum(h.outcome in ("error", "unknown_handle") for h in self.timelines)),
            "HandlesRateLimited": ("Count", sum(h.outcome == "rate_limited" for h in self.timelines)),
        }


@dataclass
class _Group:
    group: QueryGroup
    start: SearchCursor  # where its search starts: its own cursor, or one made from the groups it takes over
    own: bool
    needs: dict[str, Need]  # handles with mentions older than search reaches: read from their timelines
    outcome: GroupOutcome
    mentions: list[Mention] = field(default_factory=list)
    newest_id: str | None = None


def reconcile(registry: Registry, source: MentionSource, search: MentionSearch, store: Storage, alerts: Alerts,
              replies: Replies | None, ops: OpsNotices, clock: Callable[[], datetime], policies: Policies,
              classify: Classifier = triage, time_left: Callable[[], float] | None = None,
              timeline_cap: int = TIMELINE_CAP, budget: XBudget | None = None) -> ReconcileReport:
    """`source`: the timelines (for backfill); `search`: recent search (often the same adapter);
    `timeline_cap`: how many mentions a timeline reaches back (X: 800); `budget`: X's budget, whose search
    allowance for this minute decides how many groups are searched (the others take the next turns)."""
    report = ReconcileReport()

    def keep_going() -> bool:
        return time_left is None or time_left() > RESERVE_SECONDS

    now = clock()
    # Whole seconds, rounded down, as X reads them: the cursor says exactly what was searched.
    end_time = (now - INDEX_DELAY).replace(microsecond=0)
    live = [h for h in registry if h.start_at is None or h.start_at <= end_time]  # the others go live later
    cursors = store.searches.load()
    groups = _plan(pack(live), cursors, registry, now)
    # The groups take turns at going first, so neither the budget nor the clock leaves the same ones out each run.
    share = budget.allowance("search", now) if budget else None
    order = take_turns(groups, run_number(now), share or 1)
    in_turn = {id(g) for g in (order if share is None else order[:share])}
    for g in order:
        if set(g.needs) == set(g.group.handles):
            continue  # every handle's timeline is read from its start this run, up to now: no search needed
        if not keep_going():
            g.outcome.outcome, g.outcome.detail = "deferred", "out of time; searched next run"
        elif id(g) not in in_turn:
            g.outcome.outcome, g.outcome.detail = "deferred", "X's search budget is shared out; its turn comes next"
        else:
            _search(g, search, end_time, report)
    found = [m for g in groups for m in g.mentions]
    mentions = [m for m in found if _live(m, registry)]
    if before := len(found) - len(mentions):
        report.skipped["before_start"] += before
    done = ingest(mentions, registry, store, alerts, replies, clock, policies, classify, keep_going, send_waiting=True)
    report.created, report.sent, report.caught = [c.ref for c in done.created], done.sent, len(done.created)
    report.skipped.update(done.skipped)
    by_tweet: dict[str, list[_Group]] = {}  # a post tagging handles of two groups is read by both
    for g in groups:
        for tweet_id in {m.tweet_id for m in g.mentions}:
            by_tweet.setdefault(tweet_id, []).append(g)
    for complaint in done.created:
        by_tweet[complaint.tweet_id][0].outcome.caught += 1
    for g in (g for tweet_id in done.left for g in by_tweet[tweet_id]):
        g.outcome.outcome, g.outcome.detail = "error", "not every post could be recorded; searched again next run"
    if report.caught:
        quietly(lambda: store.searches.count_caught(report.caught, now))
        log.warning("search caught posts no other path had", extra={"caught": report.caught})
    _backfill(groups, registry, source, store, alerts, replies, ops, clock, policies, classify, time_left,
              timeline_cap, report)
    _advance(groups, cursors, store, end_time)
    report.groups = [g.outcome for g in groups]
    if all(g.outcome.outcome in ("ok", "backfilling") for g in groups):
        quietly(lambda: store.handles.path_succeeded(SEARCH, clock()))
    return report


def _time(text: str) -> datetime:
    return datetime.fromisoformat(text)


def _plan(groups: list[QueryGroup], cursors: dict[str, SearchCursor], registry: Registry,
          now: datetime) -> list[_Group]:
    reach = now - SEARCH_REACH + REACH_MARGIN
    held: dict[str, SearchCursor] = {}  # each handle's oldest cursor among the groups that held it
    for c in sorted((c for c in cursors.values() if c.read_to), key=lambda c: c.read_to, reverse=True):
        held.update(dict.fromkeys(c.handles, c))
    planned = []
    for group in groups:
        own = cursors.get(group.id)
        starts = {}
        for k in group.handles:
            c = own if own and own.read_to else held.get(k)
            if c is not None:
                starts[k] = (c.since_id if c is own else None, _time(c.read_to))
            else:  # a new handle: from its go-live (a seed handle without one: as far as search reaches)
                starts[k] = (None, registry.get(k).start_at or reach)
        needs = {k: Need(since_id, at) for k, (since_id, at) in starts.items() if at < reach}
        if own and own.read_to and _time(own.read_to) >= reach:
            in_reach = own.since_id and own.newest_at and _time(own.newest_at) >= reach
            start = SearchCursor(group.handles, own.since_id if in_reach else None, own.newest_at, own.read_to)
        else:
            oldest = max(reach, min(at for _, at in starts.values()))
            start = SearchCursor(group.handles, read_to=oldest.isoformat())
        outcome = GroupOutcome(group.id, len(group.handles))
        planned.append(_Group(group, start, own is not None and start.since_id == own.since_id, needs, outcome))
    return planned


def _search(g: _Group, search: MentionSearch, end_time: datetime, report: ReconcileReport) -> None:
    """Every page to the end; on a failure what was read is still recorded, and the cursor stays."""
    out = g.outcome
    try:
        start_time = None if g.start.since_id else _time(g.start.read_to)
        for page in search.search(g.group.query, g.start.since_id, start_time, end_time):
            out.requests += 1
            g.newest_id = g.newest_id or page.newest_id  # the first page holds the newest post
            if page.rejected:
                report.skipped["malformed"] += page.rejected
            report.x_partial_errors += page.partial_errors
            g.mentions += page.mentions
    except RateLimited as e:
        out.outcome, out.detail = "rate_limited", str(e)
        out.requests += 1
    except SourceUnavailable as e:
        out.outcome, out.detail = "error", str(e)
        out.requests += 1
    out.fetched = len(g.mentions)
    if out.outcome != "ok":
        g.newest_id = None
        log.warning("group not searched", extra={"group": g.group.id, "outcome": out.outcome, "detail": out.detail})


def _live(m: Mention, registry: Registry) -> bool:
    """Go-live: a post that tags only watched handles not yet live when it was posted is not theirs to record."""
    tagged = registry.watched(m.mentioned)
    return not tagged or any(h.start_at is None or h.start_at <= m.created_at for h in tagged)


def _backfill(groups, registry, source, store, alerts, replies, ops, clock, policies, classify, time_left, cap,
              report: ReconcileReport) -> None:
    needs = {k: n for g in groups if g.outcome.outcome == "ok" for k, n in g.needs.items()}
    if not needs or (time_left is not None and time_left() <= RESERVE_SECONDS):
        for g in groups:
            if g.needs and g.outcome.outcome == "ok":
                g.outcome.outcome, g.outcome.detail = "backfilling", "the timelines are read next run"
        return
    filled = backfill(needs, registry, source, store, alerts, replies, ops, clock, policies, classify, time_left, cap)
    if filled.report:
        report.created += filled.report.created
        report.skipped.update(filled.report.skipped)
        report.sent.add(filled.report.sent)
        report.timelines = filled.report.handles
    report.backfilled, report.gaps = sorted(needs), filled.gaps
    for g in groups:
        if g.outcome.outcome == "ok" and set(g.needs) - filled.done:
            g.outcome.outcome, g.outcome.detail = "backfilling", "a timeline was not read to its start; next run"


def _advance(groups: list[_Group], cursors: dict[str, SearchCursor], store: Storage, end_time: datetime) -> None:
    """Save what each fully read group has read to; drop the cursors no group starts from any more."""
    saved = set()
    for g in groups:
        own = cursors.get(g.group.id)
        if g.outcome.outcome != "ok":
            continue
        newest_at = max((m.created_at for m in g.mentions), default=None)
        since_id = g.newest_id or g.start.since_id
        cursor = SearchCursor(g.group.handles, since_id,
                              (newest_at.isoformat() if g.newest_id and newest_at else g.start.newest_at) if since_id else None,
                              end_time.isoformat())
        idle = (g.own and own and cursor.since_id == own.since_id and own.read_to
                and end_time - _time(own.read_to) < REFRESH_READ_TO and not g.needs)
        if idle or quietly(lambda: store.searches.save(g.group.id, cursor) or True):
            saved.add(g.group.id)
    waiting = {k for g in groups if g.group.id not in saved and g.group.id not in cursors for k in g.group.handles}
    current = {g.group.id for g in groups}
    stale = [i for i, c in cursors.items() if i not in current and not set(c.handles) & waiting]
    if stale:
        quietly(lambda: store.searches.drop(stale))
