"""The deadline sweep: reminders at 80% of a deadline, escalation one level up on a breach.

Safe to run twice or twice at once: each change is written only if the complaint is still
the version the sweep read, and the alert it leaves is held by this sweep until published.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Callable

from ..domain.complaint import Policies
from .ports import Alerts, Storage
from .sending import Sent, new_claim, publish_alert, send_waiting_alerts


@dataclass
class SweepReport:
    checked: int = 0
    reminders: int = 0
    escalations: int = 0
    lost_races: int = 0  # another sweep or an officer changed the complaint first
    sent: Sent = field(default_factory=Sent)

    def as_dict(self) -> dict:
        return {"checked": self.checked, "reminders": self.reminders, "escalations": self.escalations,
                "lost_races": self.lost_races, "alerts_sent": self.sent.alerts_sent,
                "alerts_failed": self.sent.alerts_failed}

    def metrics(self) -> dict[str, tuple[str, float]]:
        return {"DeadlineReminders": ("Count", self.reminders), "DeadlineEscalations": ("Count", self.escalations),
                "AlertsSent": ("Count", self.sent.alerts_sent), "AlertsFailed": ("Count", self.sent.alerts_failed)}


def sweep(store: Storage, alerts: Alerts, policies: Policies, clock: Callable[[], datetime]) -> SweepReport:
    report = SweepReport()
    now, claim = clock(), new_claim()
    raised = []
    for complaint in store.complaints.due_for_check(now):
        report.checked += 1
        change = complaint.check_deadline(now, policies, claim)
        if change is None:
            continue
        if not store.complaints.save(change):
            report.lost_races += 1
            continue
        event = change.after.alert.event if change.after.alert != change.before.alert else None
        report.reminders += event == "reminder"
        report.escalations += event == "escalation"
        if event:
            raised.append(change.after)
    for complaint in raised:
        publish_alert(store, alerts, complaint, clock, report.sent)
    send_waiting_alerts(store, alerts, clock, report.sent, skip=[c.ref for c in raised])
    return report
