"""One way in for posts, whichever path read them (a handle's timeline, the stream, a search):
record each as one complaint, then alert officers before the citizen hears back.

The tweet guard makes this idempotent: a post read by two paths, or twice by one, is one complaint.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Callable

from ..domain.complaint import Complaint, Policies
from ..domain.handles import Registry
from ..domain.values import Mention
from .ports import Alerts, Replies, Storage
from .recording import Classifier, Recorder
from .sending import ReplyRun, Sent, publish_alert, send_replies, send_waiting_alerts, send_waiting_replies


def _always() -> bool:
    return True


@dataclass
class Ingested:
    created: list[Complaint] = field(default_factory=list)
    left: set[str] = field(default_factory=set)  # tweet ids not recorded (storage failing, out of time): read again
    skipped: Counter = field(default_factory=Counter)
    sent: Sent = field(default_factory=Sent)


def ingest(mentions: list[Mention], registry: Registry, store: Storage, alerts: Alerts, replies: Replies | None,
           clock: Callable[[], datetime], policies: Policies, classify: Classifier,
           keep_going: Callable[[], bool] = _always, send_waiting: bool = True) -> Ingested:
    """`mentions` may repeat a post (it tagged two watched handles): it is recorded once, counted once.
    `send_waiting`: also send what earlier runs left waiting (the minute's job does; a batch path may not)."""
    out = Ingested()
    unique = {m.tweet_id: m for m in mentions}
    # A tweet tagging two watched handles arrives twice: it is one complaint, counted once.
    if doubles := len(mentions) - len(unique):
        out.skipped["already_recorded"] += doubles
    recorder = Recorder(registry, store, clock, classify, policies, out.skipped, keep_going)
    out.created, out.left = recorder.record(list(unique.values()))
    for complaint in out.created:
        if complaint.alert.pending and keep_going():
            publish_alert(store, alerts, complaint, clock, out.sent)
    handled = [c.ref for c in out.created]
    if send_waiting and keep_going():
        send_waiting_alerts(store, alerts, clock, out.sent, skip=handled, keep_going=keep_going)
    run = ReplyRun(store, registry, clock, out.sent)
    send_replies(store, replies, registry, out.created, clock, out.sent, keep_going=keep_going, run=run)
    if send_waiting and keep_going():
        send_waiting_replies(store, replies, registry, clock, out.sent, skip=handled, keep_going=keep_going, run=run)
    return out
