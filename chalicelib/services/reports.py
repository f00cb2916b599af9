"""Scheduled reports: the daily digest per district (SNS) and the weekly public summary per department (X),
in the words of the policies' Messages.

Both read counters only; each district's digest and each department's summary is claimed
before it goes out, so a retried or doubled schedule sends it once.
"""

from __future__ import annotations

import logging

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Callable

from ..domain.complaint import Policies
from ..domain.departments import DEPARTMENTS
from ..domain.districts import DISTRICTS, district_key
from ..domain.handles import Registry
from ..domain.senders import summary_senders
from ..domain.tally import Scope, histogram, iso_week, median_bucket
from .ports import AlertFailed, NeedsAuthorisation, RateLimited, ReplyFailed, Report, Storage, StorageUnavailable
from .sending import POSTING_OFF, new_claim

log = logging.getLogger(__name__)


@dataclass
class ReportRun:
    sent: list[str] = field(default_factory=list)
    already_sent: int = 0
    failed: list[str] = field(default_factory=list)
    skipped: dict[str, str] = field(default_factory=dict)  # target -> why it was not sent

    def as_dict(self) -> dict:
        return vars(self).copy()


def daily_digest(store: Storage, publish: Callable[[int | None, str, str], str], policies: Policies,
                 clock: Callable[[], datetime]) -> ReportRun:
    """One digest per district with open complaints or resolutions yesterday, for the district heads."""
    run, now, claim = ReportRun(), clock(), new_claim()
    yesterday = now.astimezone(policies.sla.tz).date() - timedelta(days=1)
    districts = [*DISTRICTS, None]
    scopes = [Scope.of_district(d) for d in districts] + [Scope.of_day(yesterday, d) for d in districts]
    counts = store.stats.read(scopes)
    for district in districts:
        totals, day = counts[Scope.of_district(district)], counts[Scope.of_day(yesterday, district)]
        open_, breached, done = totals.get("open", 0), totals.get("breached_open", 0), day.get("resolved", 0)
        if not (open_ or done):
            continue
        report = Report("digest", yesterday.isoformat(), district_key(district))
        try:
            if not store.stats.claim_report(report, claim, now):
                run.already_sent += 1
                continue
            oldest = store.complaints.oldest_open(district)
        except StorageUnavailable:
            _release(store, report, claim, run)  # a retried run (Lambda retries failed ones) takes it
            continue
        subject, body = policies.messages.digest(district, open_, breached, done, oldest, now,
                                                 (yesterday + timedelta(days=1)).isoformat())
        _send(store, report, claim, run, lambda: publish(district, subject, body), clock)
    return run


def _send(store: Storage, report: Report, claim: str, run: ReportRun, send, clock) -> None:
    """Send a claimed report; on failure give the claim back, so that a retried run sends it."""
    try:
        send()
    except (AlertFailed, ReplyFailed, RateLimited, NeedsAuthorisation):
        _release(store, report, claim, run)
        return
    run.sent.append(report.target)
    try:
        store.stats.report_sent(report, claim, clock())
    except StorageUnavailable:  # sent, but not marked: the claim keeps others off it until it goes stale
        log.warning("report sent but not marked sent", extra={"report": report.target})


def _release(store: Storage, report: Report, claim: str, run: ReportRun) -> None:
    run.failed.append(report.target)
    try:
        store.stats.release_report(report, claim)
    except StorageUnavailable:
        log.warning("report claim not released; it goes stale in 15 minutes", extra={"report": report.target})


def weekly_summary(store: Storage, post: Callable[[str, str], str] | None, registry: Registry, policies: Policies,
                   clock: Callable[[], datetime]) -> ReportRun:
    """A public post per department on last week's complaints (no link: a link costs 13 times more), from the
    department's own authorised state-wide handle: `post(handle, text)`; None: posting is switched off."""
    run, now, claim = ReportRun(), clock(), new_claim()
    year, week = iso_week(now - timedelta(days=7), policies.sla.tz)
    name = f"{year}-W{week:02d}"
    counts = store.stats.read([Scope.of_week((year, week), p) for p in DEPARTMENTS])
    grants = None
    for department in DEPARTMENTS:
        week_counts = counts[Scope.of_week((year, week), department)]
        received = week_counts.get("received", 0)
        if not received:
            continue
        if post is None:
            run.skipped[department] = POSTING_OFF
            continue
        try:
            grants = store.grants.states() if grants is None else grants
        except StorageUnavailable:
            run.failed.append(department)
            continue
        own = summary_senders(registry, department)
        sender = next((h for h in own if getattr(grants.get(h.key), "state", None) == "authorised"), None)
        if sender is None:
            names = ", ".join(f"@{h.handle}" for h in own) or "none in the registry"
            run.skipped[department] = f"no authorised state-wide handle of the department ({names})"
            continue
        report = Report("summary", name, department)
        try:
            if not store.stats.claim_report(report, claim, now):
                run.already_sent += 1
                continue
        except StorageUnavailable:
            run.failed.append(department)
            continue
        text = policies.messages.weekly_summary(department, name, received, week_counts.get("resolved", 0),
                                                median_bucket(histogram(week_counts, "hours:")))
        _send(store, report, claim, run, lambda: post(sender.handle, text), clock)
    return run
