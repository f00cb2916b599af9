"""Poll: fetch new mentions of every watched handle, record each as one complaint, alert officers.

Safety rules: a handle's cursor moves only after every mention up to it is recorded; a
complaint is written once per tweet (the tweet guard is in the same write); alerts and replies
live on the complaint until SNS and X accept them, so a crash or an outage anywhere is repaired
by the next poll. Mentions from all handles are recorded oldest first, so a citizen's follow-up
joins the complaint it follows and reference numbers follow the order citizens tweeted in.
"""

from __future__ import annotations

import logging
from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Callable, Sequence

from ..domain.complaint import Complaint, Policies
from ..domain.handles import Registry, WatchedHandle
from ..domain.values import Mention
from ..triage import Triage, triage
from .ports import TIMELINES, Alerts, HandleState, MentionSource, RateLimited, Replies, SourceUnavailable, Storage
from .sending import Sent, new_claim, publish_alert, send_replies, send_waiting_alerts, send_waiting_replies

Classifier = Callable[[str, Sequence[WatchedHandle]], Triage]
log = logging.getLogger(__name__)


@dataclass
class HandleOutcome:
    handle: str
    outcome: str  # ok | rate_limited | error | unknown_handle
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

    def as_dict(self) -> dict:
        return {"created": self.created, "skipped": dict(self.skipped), **vars(self.sent),
                "handles": [vars(h) for h in self.handles]}

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
            "RepliesFailed": ("Count", self.sent.replies_failed + self.sent.replies_given_up),
            "HandlesRateLimited": ("Count", sum(h.outcome == "rate_limited" for h in self.handles)),
            "HandlesFailed": ("Count", sum(h.outcome in ("error", "unknown_handle") for h in self.handles)),
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


def poll(registry: Registry, source: MentionSource, store: Storage, alerts: Alerts, replies: Replies,
         clock: Callable[[], datetime], policies: Policies, classify: Classifier = triage) -> PollReport:
    report = PollReport()
    states = store.handles.states([h.key for h in registry])
    fetched = [_fetch(h, states[h.key], source, report) for h in registry]
    created = _Recorder(registry, store, clock, classify, policies, report).record(fetched)
    # Alerts first: an officer is told before the citizen hears back.
    for complaint in created:
        if complaint.alert.pending:
            publish_alert(store, alerts, complaint, clock, report.sent)
    send_waiting_alerts(store, alerts, clock, report.sent, skip=[c.ref for c in created])
    send_replies(store, replies, created, clock, report.sent)
    send_waiting_replies(store, replies, clock, report.sent, skip=[c.ref for c in created])
    for f in fetched:
        _advance(f, store, clock)
        report.handles.append(f.outcome)
    if all(f.outcome.outcome == "ok" for f in fetched):
        store.handles.path_succeeded(TIMELINES, clock())
    return report


def _fetch(handle: WatchedHandle, state: HandleState, source: MentionSource, report: PollReport) -> _Fetched:
    f = _Fetched(handle, state, HandleOutcome(handle.handle, "ok"))
    try:
        user_id = state.user_id
        if user_id is None:
            user_id = source.resolve_user_id(handle.handle)
            f.outcome.requests += 1
        if user_id is None:
            f.outcome.outcome, f.outcome.detail = "unknown_handle", "X knows no such user"
            return f
        f.state = replace(state, user_id=user_id)
        for page in source.pages(user_id, state.since_id):
            f.outcome.requests += 1
            f.newest_id = f.newest_id or page.newest_id
            if page.rejected:
                report.skipped["malformed"] += page.rejected
            f.mentions += page.mentions
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
    )
    if state != f.state or f.state.outcome is None:
        store.handles.save(f.handle.key, replace(state, changed_at=now.isoformat()))


class _Recorder:
    """Turns mentions into complaints, follow-ups on earlier ones, or counted skips."""

    def __init__(self, registry, store: Storage, clock, classify, policies: Policies, report: PollReport):
        self.registry, self.store, self.clock, self.classify = registry, store, clock, classify
        self.policies, self.report = policies, report

    def record(self, fetched: list[_Fetched]) -> list[Complaint]:
        by_tweet: dict[str, tuple[Mention, list[_Fetched]]] = {}
        for f in fetched:
            for m in f.mentions:
                by_tweet.setdefault(m.tweet_id, (m, []))[1].append(f)
        # A tweet tagging two watched handles arrives twice: it is one complaint, counted once.
        if doubles := sum(len(fs) - 1 for _, fs in by_tweet.values()):
            self.report.skipped["already_recorded"] += doubles
        mentions = [m for m, _ in sorted(by_tweet.values(), key=lambda pair: int(pair[0].tweet_id))]
        decisions = {}
        for m in mentions:
            if m.is_retweet:
                self.report.skipped["retweet"] += 1
            elif self.registry.get(m.author_username):
                self.report.skipped["own_tweet"] += 1
            else:
                decisions[m.tweet_id] = self.classify(m.text, self.registry.watched(m.mentioned))
        references = self._references([m for m in mentions if m.tweet_id in decisions], decisions)
        created, claim, threads = [], new_claim(), {}
        for m in mentions:
            if m.tweet_id not in decisions:
                continue
            decision = decisions[m.tweet_id]
            if m.is_in_thread and self._follow_up(m, decision, threads):
                continue
            handles = tuple(h.handle for h in self.registry.watched(m.mentioned))
            change = Complaint.receive(m, decision, handles, references[m.tweet_id], self.clock(), self.policies, claim)
            if not self.store.complaints.create(change):
                # Seen before: a poll that crashed before its cursor moved.
                self.report.skipped["already_recorded"] += 1
                continue
            complaint = change.after
            if complaint.takes_follow_ups:
                threads[(m.conversation_id, m.author_id)] = complaint
            created.append(complaint)
            self.report.created.append(complaint.ref)
            for f in by_tweet[m.tweet_id][1]:
                f.outcome.created += 1
            log.info("complaint recorded", extra={
                "complaint_ref": complaint.ref, "tweet_id": m.tweet_id, "handle": ",".join(complaint.handles),
                "district": complaint.district, "department": complaint.department, "urgent": complaint.urgent})
        return created

    def _references(self, mentions: list[Mention], decisions) -> dict[str, str]:
        """Reference numbers in blocks, one counter write per district and year in this poll.
        A follow-up found later leaves its number unused: references may have gaps, never repeats."""
        year = self.clock().astimezone(self.policies.sla.tz).year
        groups: dict = defaultdict(list)
        for m in mentions:
            groups[decisions[m.tweet_id].district].append(m.tweet_id)
        refs = {}
        for district, tweet_ids in groups.items():
            refs.update(zip(tweet_ids, self.store.complaints.next_references(district, year, len(tweet_ids))))
        return refs

    def _follow_up(self, m: Mention, decision, threads: dict) -> bool:
        root = threads.get((m.conversation_id, m.author_id))
        if root is None:
            ref = self.store.complaints.thread_of(m.conversation_id, m.author_id)
            root = self.store.complaints.get(ref) if ref else None
        if root is None or not root.takes_follow_ups:
            return False
        saved = self.store.complaints.save(root.follow_up(m, decision.masked_text, self.clock()))
        self.report.skipped["follow_up" if saved else "already_recorded"] += 1
        return True
