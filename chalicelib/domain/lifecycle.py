"""What officers may do to complaints: the actions and the checks a request for one must pass."""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import InvalidAction
from .departments import DEPARTMENTS
from .districts import DISTRICTS
from .status import Status

ACTIONS: dict[str, Status | None] = {
    "acknowledge": Status.ACKNOWLEDGED,
    "start": Status.IN_PROGRESS,
    "resolve": Status.RESOLVED,
    "reject": Status.REJECTED,
    "transfer": Status.TRANSFERRED,
    "reopen": Status.REOPENED,
    "close": Status.CLOSED,
    "review": None,  # the status follows the reviewer's outcome (REVIEW_OUTCOMES)
    "urgency": None,  # the status stays
}
REJECT_REASONS = ("not_actionable", "duplicate", "out_of_jurisdiction")
# A reviewer's decision on a mention triage could not decide: a complaint is routed like a transfer.
REVIEW_OUTCOMES: dict[str, Status] = {
    "complaint": Status.TRANSFERRED,
    "not_actionable": Status.NOT_ACTIONABLE,
    "outside_jurisdiction": Status.OUTSIDE_JURISDICTION,
}
MAX_NOTE = 2000


def _channels() -> dict:
    # Imported when a reviewer names a channel, not when the API starts: triage is the poller's to load.
    from ..triage.jurisdiction import CHANNELS

    return CHANNELS


@dataclass(frozen=True)
class Action:
    name: str
    actor: str
    note: str = ""
    reason: str | None = None
    to_district: int | None = None
    to_department: str | None = None
    outcome: str | None = None  # review: one of REVIEW_OUTCOMES
    channel: str | None = None  # review as outside_jurisdiction: the owning body, a key of CHANNELS
    urgent: bool | None = None  # urgency: the new value; review as a complaint: optional

    @property
    def target(self) -> Status | None:
        """The status the action moves the complaint to (None: it stays)."""
        return REVIEW_OUTCOMES[self.outcome] if self.name == "review" else ACTIONS[self.name]

    def __post_init__(self):
        if self.name not in ACTIONS:
            raise InvalidAction(f"unknown action {self.name!r}; one of {', '.join(ACTIONS)}")
        if len(self.note) > MAX_NOTE:
            raise InvalidAction(f"a note has at most {MAX_NOTE} characters")
        if self.name == "reject" and self.reason not in REJECT_REASONS:
            raise InvalidAction(f"rejecting needs a reason: one of {', '.join(REJECT_REASONS)}")
        if self.name != "reject" and self.reason is not None:
            raise InvalidAction("only 'reject' takes a reason")
        self._check_review()
        moves = self.to_district is not None or self.to_department is not None
        routed = self.name == "review" and self.outcome == "complaint"
        if self.name == "transfer" and not moves:
            raise InvalidAction("a transfer needs to_district and/or to_department")
        if self.name not in ("transfer", "review") and moves:
            raise InvalidAction("only 'transfer' and 'review' take to_district / to_department")
        if routed and (self.to_district is None or self.to_department is None):
            raise InvalidAction("a review deciding a complaint needs to_district and to_department")
        if self.to_district is not None and self.to_district not in DISTRICTS:
            raise InvalidAction(f"unknown district LGD code {self.to_district}")
        if self.to_department is not None and self.to_department not in DEPARTMENTS:
            raise InvalidAction(f"unknown department {self.to_department!r}")
        if self.name == "urgency" and not isinstance(self.urgent, bool):
            raise InvalidAction("'urgency' needs urgent: true or false")
        if self.urgent is not None and self.name != "urgency" and not routed:
            raise InvalidAction("only 'urgency' and a review deciding a complaint take urgent")

    def _check_review(self) -> None:
        if self.name != "review":
            if self.outcome is not None or self.channel is not None:
                raise InvalidAction("only 'review' takes an outcome or a channel")
            return
        if self.outcome not in REVIEW_OUTCOMES:
            raise InvalidAction(f"a review needs an outcome: one of {', '.join(REVIEW_OUTCOMES)}")
        if self.outcome != "complaint" and (self.to_district is not None or self.to_department is not None):
            raise InvalidAction("only a review deciding a complaint takes to_district / to_department")
        if self.outcome == "outside_jurisdiction":
            if self.channel not in _channels():
                raise InvalidAction(f"a review deciding outside_jurisdiction needs the channel that owns it: "
                                    f"one of {', '.join(sorted(_channels()))}")
        elif self.channel is not None:
            raise InvalidAction("only a review deciding outside_jurisdiction takes a channel")
