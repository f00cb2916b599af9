"""Officer alerts over SNS. Message attributes let each officer subscribe with a filter policy."""

from __future__ import annotations

from datetime import timedelta, timezone

from botocore.exceptions import BotoCoreError, ClientError

from ..domain.complaint import Complaint
from ..domain.departments import NAMES_HI
from ..domain.districts import DISTRICTS, district_key
from ..services.ports import AlertFailed
from .aws import client


def alert_attributes(complaint: Complaint) -> dict[str, str]:
    return {
        "district": district_key(complaint.district),
        "department": complaint.department,
        "urgency": "high" if complaint.urgent else "normal",
        "event": complaint.alert.event,
        "level": complaint.alert.level,
    }


HEADINGS = {
    "new_complaint": ("नई शिकायत", "New complaint"),
    "transferred": ("स्थानांतरित शिकायत", "Complaint transferred to you"),
    "reminder": ("समय-सीमा निकट", "Deadline near"),
    "escalation": ("समय-सीमा पार, शिकायत अग्रसारित", "Deadline passed, escalated"),
}
IST = timezone(timedelta(hours=5, minutes=30))


def alert_text(c: Complaint) -> tuple[str, str]:
    """Subject (ASCII, as email subjects must be short and safe) and a Hindi + English body."""
    heading_hi, heading_en = HEADINGS[c.alert.event]
    d = DISTRICTS.get(c.district) if c.district is not None else None
    district_hi = d.name_hi if d else "अज्ञात (राज्य मुख्यालय द्वारा जाँच)"
    district_en = d.name_en if d else "unknown (state triage)"
    urgent = "तत्काल / URGENT " if c.urgent else ""
    level = f" [{c.alert.level}]" if c.alert.event in ("reminder", "escalation") else ""
    subject = f"{'URGENT ' if c.urgent else ''}{heading_en}{level} {c.ref} - {district_en} - {c.department}"
    body = "\n".join(
        [
            f"{urgent}{heading_hi} / {heading_en}: {c.ref}",
            f"जनपद / District: {district_hi} / {district_en}",
            f"विभाग / Department: {NAMES_HI[c.department]} / {c.department}",
            f"ट्वीट / Tweet: {c.tweet_url}",
            *_deadline_lines(c),
            "",
            c.masked_text,
        ]
    )
    return subject, body


def _deadline_lines(c: Complaint) -> list[str]:
    clock = c.clock
    if clock.stage is None:
        return []
    due = clock.due_at.astimezone(IST).strftime("%d-%m-%Y %H:%M IST")
    stage_hi = "पावती" if clock.stage == "acknowledge" else "निस्तारण"
    return [f"स्तर / Level: {c.alert.level}", f"{stage_hi} की समय-सीमा / {clock.stage} deadline: {due}"]


def sms_attributes(entity_id: str, template_id: str, sender_id: str) -> dict[str, str]:
    """What SNS needs to deliver SMS to Indian numbers: the DLT entity and template, transactional type."""
    attributes = {"AWS.SNS.SMS.SMSType": "Transactional"}
    if entity_id:
        attributes["AWS.MM.SMS.EntityId"] = entity_id
    if template_id:
        attributes["AWS.MM.SMS.TemplateId"] = template_id
    if sender_id:
        attributes["AWS.SNS.SMS.SenderID"] = sender_id
    return attributes if entity_id and template_id else {}


class SnsAlerts:
    def __init__(self, topic_arn: str, sns=None, sms: dict[str, str] | None = None):
        self.topic_arn = topic_arn
        self._client = sns
        self._sms = sms or {}

    @property
    def sns(self):
        return self._client or client("sns")

    def notify(self, complaint: Complaint) -> str:
        subject, body = alert_text(complaint)
        return self._publish(subject, body, alert_attributes(complaint))

    def digest(self, district: int | None, subject: str, body: str) -> str:
        """A district's daily digest, for its head (level L2); department "all"."""
        attributes = {"district": district_key(district), "department": "all", "urgency": "normal", "event": "digest", "level": "L2"}
        return self._publish(subject, body, attributes)

    def _publish(self, subject: str, body: str, attributes: dict[str, str]) -> str:
        try:
            answer = self.sns.publish(
                TopicArn=self.topic_arn,
                Subject=subject[:100],
                Message=body,
                MessageAttributes={
                    k: {"DataType": "String", "StringValue": v} for k, v in (attributes | self._sms).items()
                },
            )
        except (BotoCoreError, ClientError) as e:  # what was to be sent stays pending for the next run
            raise AlertFailed(f"{type(e).__name__}: {e}") from e
        return answer["MessageId"]
