"""Officers' corrections of triage, kept as labelled examples for retraining it (`make retrain`).

Every action that says triage was wrong about a mention — a transfer to another district or
department (or out of the unrouted records), a rejection, an urgency changed, a review decision —
keeps the masked text it was made on with the label it gave. Exported one JSON object per line.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from .pii import mask

KINDS = ("transfer", "not_actionable", "rejected", "urgency", "review")


@dataclass(frozen=True)
class Correction:
    ref: str  # the complaint it was made on (not exported: the label is about the text)
    text: str  # masked
    district: int | None
    department: str | None
    outcome: str  # complaint | needs_review | not_actionable | outside_jurisdiction
    urgent: bool | None  # None: the officer said nothing of urgency
    kind: str  # one of KINDS
    at: datetime

    def as_dict(self) -> dict:
        """The export's line: {"text", "district", "department", "outcome", "urgent", "kind", "at"}."""
        return {"text": self.text, "district": self.district, "department": self.department, "outcome": self.outcome,
                "urgent": self.urgent, "kind": self.kind, "at": self.at.isoformat()}


# A rejection's reason as a label: (kind, outcome). A duplicate was a complaint, only told twice.
_REJECTED = {"not_actionable": ("not_actionable", "not_actionable"), "duplicate": ("rejected", "complaint"),
             "out_of_jurisdiction": ("rejected", "outside_jurisdiction")}


def label(action, after, at: datetime) -> Correction | None:
    """The labelled example an officer's action keeps, made on the complaint as it is after the action;
    None for an action that corrects nothing triage said (acknowledging, resolving, closing, ...)."""
    if action.name == "transfer":
        return _example(after, "transfer", at)
    if action.name == "reject":
        kind, outcome = _REJECTED[action.reason]
        return _example(after, kind, at, outcome, routed=outcome == "complaint")
    if action.name == "urgency":
        return _example(after, "urgency", at, urgent=action.urgent)
    if action.name == "review":
        return _example(after, "review", at, action.outcome, action.urgent, routed=action.outcome == "complaint")
    return None


def _example(c, kind: str, at: datetime, outcome: str = "complaint", urgent: bool | None = None,
             routed: bool = True) -> Correction:
    """`routed` False: the text belongs to no district or department of the state's."""
    # Masked again: a record masked by older, weaker rules must not carry a number into the training set.
    return Correction(c.ref, mask(c.masked_text), c.district if routed else None, c.department if routed else None,
                      outcome, urgent, kind, at)
