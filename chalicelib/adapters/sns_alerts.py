"""Officer alerts over SNS. Message attributes let each officer subscribe with a filter policy."""

from __future__ import annotations

from botocore.exceptions import BotoCoreError, ClientError

from ..domain.complaint import Complaint
from ..domain.departments import NAMES_HI
from ..domain.districts import DISTRICTS
from ..services.ports import AlertFailed
from .aws import client

UNKNOWN_DISTRICT = "unknown"  # the state triage desk subscribes to this value


def alert_attributes(complaint: Complaint, event: str) -> dict[str, str]:
    district = str(complaint.district) if complaint.district is not None else UNKNOWN_DISTRICT
    return {"district": district, "department": complaint.department, "urgency": complaint.urgency, "event": event}


HEADINGS = {
    "new_complaint": ("नई शिकायत", "New complaint"),
    "transferred": ("स्थानांतरित शिकायत", "Complaint transferred to you"),
}


def alert_text(c: Complaint) -> tuple[str, str]:
    """Subject (ASCII, as email subjects must be short and safe) and a Hindi + English body."""
    heading_hi, heading_en = HEADINGS[c.alert_event]
    d = DISTRICTS.get(c.district) if c.district is not None else None
    district_hi = d.name_hi if d else "अज्ञात (राज्य मुख्यालय द्वारा जाँच)"
    district_en = d.name_en if d else "unknown (state triage)"
    urgent = "तत्काल / URGENT " if c.urgent else ""
    subject = f"{'URGENT ' if c.urgent else ''}{heading_en} {c.ref} - {district_en} - {c.department}"
    body = "\n".join(
        [
            f"{urgent}{heading_hi} / {heading_en}: {c.ref}",
            f"जनपद / District: {district_hi} / {district_en}",
            f"विभाग / Department: {NAMES_HI[c.department]} / {c.department}",
            f"ट्वीट / Tweet: {c.tweet_url}",
            "",
            c.masked_text,
        ]
    )
    return subject[:100], body


class SnsAlerts:
    def __init__(self, topic_arn: str, sns=None):
        self.topic_arn = topic_arn
        self._client = sns

    @property
    def sns(self):
        return self._client or client("sns")

    def notify(self, complaint: Complaint) -> str:
        subject, body = alert_text(complaint)
        attributes = alert_attributes(complaint, complaint.alert_event)
        try:
            answer = self.sns.publish(
                TopicArn=self.topic_arn,
                Subject=subject,
                Message=body,
                MessageAttributes={k: {"DataType": "String", "StringValue": v} for k, v in attributes.items()},
            )
        except (BotoCoreError, ClientError) as e:  # the alert stays pending for the next poll
            raise AlertFailed(f"{type(e).__name__}: {e}") from e
        return answer["MessageId"]
