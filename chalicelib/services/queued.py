"""The recorder of the streamed path: a batch of SQS messages, each one post as X delivered it, recorded
through the one way in (services/ingest.py), so a post also read by search or a timeline is one complaint.

Officers are alerted for what this batch created; waiting alerts and replies are left to the minute's
reconciler (send_waiting=False), so a burst on the queue does not repeat that work per batch. A message
whose post was not recorded (storage failing, out of time) is reported as a batch item failure and SQS
delivers it again; an unparseable one too, logged and counted, until the dead-letter queue takes it.
"""

from __future__ import annotations

import json
import logging
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Callable

from ..domain.complaint import Policies
from ..domain.handles import Registry
from ..domain.values import Mention
from .ingest import ingest
from .ports import Alerts, Replies, Storage
from .recording import Classifier
from .sending import Sent

log = logging.getLogger(__name__)
Parse = Callable[[dict], tuple[list[Mention], int]]  # an X body -> (mentions, posts unusable)


@dataclass
class QueuedReport:
    received: int = 0
    created: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)  # message ids SQS delivers again
    unparseable: int = 0
    skipped: Counter = field(default_factory=Counter)
    sent: Sent = field(default_factory=Sent)

    def response(self) -> dict:
        """Lambda's partial batch answer (the event source mapping has ReportBatchItemFailures)."""
        return {"batchItemFailures": [{"itemIdentifier": m} for m in self.failed]}

    def as_dict(self) -> dict:
        return {"received": self.received, "created": self.created, "failed": self.failed,
                "unparseable": self.unparseable, "skipped": dict(self.skipped), **vars(self.sent)}

    def metrics(self) -> dict[str, tuple[str, float]]:
        return {
            "QueuedPostsReceived": ("Count", self.received),
            "ComplaintsCreated": ("Count", len(self.created)),
            "QueuedMessagesFailed": ("Count", len(self.failed)),
            "QueuedMessagesUnparseable": ("Count", self.unparseable),
            "AlertsSent": ("Count", self.sent.alerts_sent),
            "AlertsFailed": ("Count", self.sent.alerts_failed),
        }


def _read(body: str, parse: Parse) -> list[Mention] | None:
    """The post in one message; None when it cannot be read (not JSON, not an X body, a post unusable)."""
    try:
        payload = json.loads(body)
        if not isinstance(payload, dict):
            return None
        if isinstance(payload.get("data"), dict):  # a delivery as the stream sends it: one post
            payload = {**payload, "data": [payload["data"]]}
        mentions, rejected = parse(payload)
    except (ValueError, TypeError, AttributeError):
        return None
    return None if rejected or not mentions else mentions


def record(messages: list[tuple[str, str]], registry: Registry, store: Storage, alerts: Alerts,
           replies: Replies | None, clock: Callable[[], datetime], policies: Policies, classify: Classifier,
           parse: Parse, keep_going: Callable[[], bool] = lambda: True) -> QueuedReport:
    """`messages`: (message id, body) of one SQS batch."""
    report = QueuedReport(received=len(messages))
    by_message: dict[str, list[Mention]] = {}
    for message_id, body in messages:
        mentions = _read(body, parse)
        if mentions is None:
            report.unparseable += 1
            report.failed.append(message_id)
            # Its id and size, never its text: a post's words and its author's number stay out of the logs
            # (the dead-letter queue keeps the message for whoever may read it).
            log.error("queued message unreadable: left for the dead-letter queue",
                      extra={"message_id": message_id, "characters": len(body)})
            continue
        by_message[message_id] = mentions
    done = ingest([m for ms in by_message.values() for m in ms], registry, store, alerts, replies, clock, policies,
                  classify, keep_going, send_waiting=False)
    report.created, report.sent = [c.ref for c in done.created], done.sent
    report.skipped.update(done.skipped)
    report.failed += [mid for mid, ms in by_message.items() if any(m.tweet_id in done.left for m in ms)]
    return report
