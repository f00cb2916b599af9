"""What officers do to complaints: actions, the checks they must pass, and the history they leave."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from ..errors import InvalidAction
from .complaint import Complaint, Status, check_transition
from .departments import DEPARTMENTS
from .districts import DISTRICTS
from .replies import ReplyPolicy

ACTIONS: dict[str, Status] = {
    "acknowledge": Status.ACKNOWLEDGED,
    "start": Status.IN_PROGRESS,
    "resolve": Status.RESOLVED,
    "reject": Status.REJECTED,
    "transfer": Status.TRANSFERRED,
    "reopen": Status.REOPENED,
    "close": Status.CLOSED,
}
REJECT_REASONS = ("not_actionable", "duplicate", "out_of_jurisdiction")
MAX_NOTE = 2000


@dataclass(frozen=True)
class Action:
    name: str
    actor: str
    note: str = ""
    reason: str | None = None
    to_district: int | None = None
    to_department: str | None = None

    def __post_init__(self):
        if self.name not in ACTIONS:
            raise InvalidAction(f"unknown action {self.name!r}; one of {', '.join(ACTIONS)}")
        if len(self.note) > MAX_NOTE:
            raise InvalidAction(f"a note has at most {MAX_NOTE} characters")
        if self.name == "reject" and self.reason not in REJECT_REASONS:
            raise InvalidAction(f"rejecting needs a reason: one of {', '.join(REJECT_REASONS)}")
        if self.name != "reject" and self.reason is not None:
            raise InvalidAction("only 'reject' takes a reason")
        moves = self.to_district is not None or self.to_department is not None
        if self.name == "transfer" and not moves:
            raise InvalidAction("a transfer needs to_district and/or to_department")
        if self.name != "transfer" and moves:
            raise InvalidAction("only 'transfer' takes to_district / to_department")
        if self.to_district is not None and self.to_district not in DISTRICTS:
            raise InvalidAction(f"unknown district LGD code {self.to_district}")
        if self.to_department is not None and self.to_department not in DEPARTMENTS:
            raise InvalidAction(f"unknown department {self.to_department!r}")


def apply(
    complaint: Complaint, action: Action, now: datetime, replies: ReplyPolicy, reopen_window: timedelta
) -> Complaint:
    """The complaint after the action, with one more history entry and the next version."""
    target = ACTIONS[action.name]
    check_transition(complaint.status, target)
    entry = {"at": now.isoformat(), "by": action.actor, "action": action.name, "from": complaint.status.value, "to": target.value}
    if action.note:
        entry["note"] = action.note
    changes: dict = {"status": target, "version": complaint.version + 1}
    if action.name == "reject":
        entry["reason"] = action.reason
    elif action.name == "resolve":
        changes["resolved_at"] = now
        text = replies.text("resolved", complaint, note=action.note)
        if text:
            changes["replies"] = complaint.replies | {"resolved": {"status": "pending", "text": text}}
    elif action.name == "reopen":
        if complaint.resolved_at and now - complaint.resolved_at > reopen_window:
            raise InvalidAction(
                f"a resolution can be disputed for {reopen_window.days} days; this one was resolved on "
                f"{complaint.resolved_at.date().isoformat()}"
            )
    elif action.name == "transfer":
        district = action.to_district if action.to_district is not None else complaint.district
        department = action.to_department or complaint.department
        # Rescuing a mention triage judged not actionable may keep its owner: it is the alert that is new.
        same_owner = (district, department) == (complaint.district, complaint.department)
        if same_owner and complaint.status != Status.NOT_ACTIONABLE:
            raise InvalidAction("the complaint is already with that district and department")
        entry.update(from_district=complaint.district, to_district=district,
                     from_department=complaint.department, to_department=department)
        # The new owner is alerted as if the complaint were new to them.
        changes.update(district=district, department=department, alert="pending", alert_event="transferred",
                       alert_level="L1")
    changes["history"] = complaint.history + [entry]
    return replace(complaint, **changes)
