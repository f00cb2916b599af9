"""The deadline sweep: reminders at 80% of a deadline, escalation one level up on a breach.

Safe to run twice or twice at once: each change is written only if the complaint is still
the version the sweep read, and the alert it leaves is held by this sweep until published.
"""

from __future__ import annotations

import logging

from dataclasses import dataclass, field
from datetime import datetime
from typing import Callable

from ..domain.complaint import Policies
from .ports import Alerts, Storage, StorageUnavailable
from .sending import Sent, new_claim, publish_alert, send_waiting_alerts

log = logging.getLogger(__name__)


@dataclass
class SweepReport:
    checked: int = 0
    reminders: int = 0
    escalations: int = 0
    lost_races: int = 0  # another sweep or an officer changed the complaint first
    failed: int = 0  # storage failures: those complaints wait for the next sweep
    sent: Sent = field(default_factory=Sent)

    def as_dict(self) -> dict:
        return {"checked": self.checked, "reminders": self.reminders, "escalations": self.escalations,
                "lost_races": self.lost_races, "failed": self.failed, "alerts_sent": self.sent.alerts_sent,
                "alerts_failed": self.sent.alerts_failed}

    def metrics(self) -> dict[str, tuple[str, float]]:
        return {"DeadlineReminders": ("Count", self.reminders), "DeadlineEscalations": ("Count", self.escalations),
                "AlertsSent": ("Count", self.sent.alerts_sent), "AlertsFailed": ("Count", self.sent.alerts_failed)}


def sweep(store: Storage, alerts: Alerts, policies: Policies, clock: Callable[[], datetime]) -> SweepReport:
    report = SweepReport()
    now, claim = clock(), new_claim()
    raised = []
    try:
        due = store.complaints.due_for_check(now)
    except StorageUnavailable as e:
        log.warning("deadlines not read; the next sweep checks them", extra={"detail": str(e)})
        report.failed, due = report.failed + 1, []
    for complaint in due:
        report.checked += 1
        change = complaint.check_deadline(now, policies, claim)
        if change is None:
            continue
        try:
            saved = store.complaints.save(change)
        except StorageUnavailable as e:  # this complaint waits for the next sweep; the others go on
            log.warning("deadline change not saved", extra={"complaint_ref": complaint.ref, "detail": str(e)})
            report.failed += 1
            continue
        if not saved:
            report.lost_races += 1
            continue
        event = change.after.alert.event if change.after.alert != change.before.alert else None
        report.reminders += event == "reminder"
        report.escalations += event == "escalation"
        if event:
            # Published at once: an alert this sweep holds must not wait behind a later failure.
            raised.append(complaint.ref)
            publish_alert(store, alerts, change.after, clock, report.sent)
    send_waiting_alerts(store, alerts, clock, report.sent, skip=raised)
    return report
