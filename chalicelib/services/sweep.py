"""The deadline sweep: reminders at 80% of a deadline, escalation one level up on a breach.

Safe to run twice or twice at once: each change is written only if the complaint is still
the version the sweep read, and the alert it leaves is claimed before it is published.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Callable

from ..domain import sla
from ..domain.tally import tally
from .alerting import send_pending_alerts
from .ports import Alerts, ComplaintStore, VersionConflict


@dataclass
class SweepReport:
    checked: int = 0
    reminders: int = 0
    escalations: int = 0
    lost_races: int = 0  # another sweep or an officer changed the complaint first
    alerts_sent: int = 0
    alerts_failed: int = 0

    def as_dict(self) -> dict:
        return vars(self).copy()


def sweep(store: ComplaintStore, alerts: Alerts, policy: sla.SlaPolicy, clock: Callable[[], datetime]) -> SweepReport:
    report = SweepReport()
    now = clock()
    for complaint in store.due_for_check(now):
        report.checked += 1
        before_clock = sla.Clock.from_dict(complaint.sla)
        result = sla.check(policy, before_clock, now, complaint.department, complaint.urgent)
        if result.clock == before_clock:
            continue
        changes = {"sla": result.clock.as_dict(), "version": complaint.version + 1}
        if result.event:
            changes.update(alert="pending", alert_event=result.event, alert_level=result.clock.level)
        if result.event == "escalation":
            entry = {"at": now.isoformat(), "by": "deadline-sweep", "action": "escalate",
                     "from": before_clock.level, "to": result.clock.level,
                     "note": f"{before_clock.stage} deadline {before_clock.due_at.isoformat()} passed"}
            changes["history"] = complaint.history + [entry]
        after = replace(complaint, **changes)
        try:
            store.save_change(complaint, after, tally(complaint, after, now, policy.tz))
        except VersionConflict:
            report.lost_races += 1
            continue
        report.reminders += result.event == "reminder"
        report.escalations += result.event == "escalation"
    report.alerts_sent, report.alerts_failed = send_pending_alerts(store, alerts, clock)
    return report
