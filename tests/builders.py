"""Complaints for storage tests, made the way the services make them: through the domain's events."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from chalicelib.domain.complaint import Change, Complaint, Policies
from chalicelib.domain.lifecycle import Action
from chalicelib.domain.messages import load_messages
from chalicelib.domain.sla import load_sla_policy
from chalicelib.domain.values import reference
from tests.fakes import mention

NOW = datetime(2026, 11, 29, 6, 0, tzinfo=timezone.utc)
POLICIES = Policies(sla=load_sla_policy(), messages=load_messages(), reopen_window=timedelta(days=7))
HINDI = "गोमती नगर में रात से बिजली नहीं है, कृपया मदद करें 🙏 (ज़रूरी)"


@dataclass(frozen=True)
class Decision:
    """What triage decided about a mention."""

    is_complaint: bool = True
    district: int | None = 162
    department: str | None = "police"
    urgent: bool = False
    confidence: float = 0.87
    masked_text: str = ""
    outcome: str = ""  # complaint | needs_review | not_actionable | outside_jurisdiction; "" from is_complaint
    channel: str | None = None  # outside_jurisdiction: a key of triage's CHANNELS

    def __post_init__(self):
        if not self.outcome:
            object.__setattr__(self, "outcome", "complaint" if self.is_complaint else "not_actionable")


def received(tweet_id: int, district: int | None = 162, department: str = "police", at: datetime = NOW,
             claim: str | None = "poll-1", text: str = "Aliganj me chori ho gayi", author: str = "citizen1",
             conversation: int | None = None, ref: str | None = None, **decision) -> Change:
    """A mention recorded as a complaint (see Complaint.receive), numbered after its tweet unless `ref`."""
    m = mention(tweet_id, text, "lucknowpolice", author=author, conversation=conversation)
    d = Decision(district=district, department=department, masked_text=text, **decision)
    ref = ref or reference(district, at.year, tweet_id)
    return Complaint.receive(m, d, ("lucknowpolice",), ref, at, POLICIES, claim)


def act(complaint: Complaint, name: str, at: datetime = NOW, claim: str | None = None, **kw) -> Change:
    defaults = {"reject": {"reason": "duplicate"}, "transfer": {"to_district": 144}}
    return complaint.act(Action(name, "officer-162", **(defaults.get(name, {}) | kw)), at, POLICIES, claim)
