"""What officers may do to complaints: the actions and the checks a request for one must pass."""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import InvalidAction
from .departments import DEPARTMENTS
from .districts import DISTRICTS
from .status import Status

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
