"""Officer alerts over SNS, in the words domain/messages.py renders. Message attributes let each officer
subscribe with a filter policy. One publish carries both texts (MessageStructure json): SMS subscribers get the
short DLT-shaped text, email and every other protocol the full bilingual body."""

from __future__ import annotations

import json
import logging
from datetime import datetime, timezone
from typing import Callable

from botocore.exceptions import BotoCoreError, ClientError

from ..domain.complaint import Complaint
from ..domain.coverage import STATE_DESK, UNROUTED_EVENT, Subscription, reaches
from ..domain.districts import district_key
from ..domain.messages import Messages
from ..services.ports import AlertFailed
from .aws import client

log = logging.getLogger(__name__)


def alert_attributes(complaint: Complaint) -> dict[str, str]:
    return {
        "district": district_key(complaint.district),
        "department": complaint.department,
        "urgency": "high" if complaint.urgent else "normal",
        "event": complaint.alert.event,
        "level": complaint.alert.level,
    }


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
    """Publishes what Messages renders; `tz`: the SLA policy's, for the deadlines alerts state."""

    def __init__(self, topic_arn: str, messages: Messages, tz: timezone, sns=None, sms: dict[str, str] | None = None,
                 clock: Callable[[], datetime] = lambda: datetime.now(timezone.utc),
                 links: Callable[[Complaint], str | None] | None = None,
                 subscriptions: Callable[[], list[Subscription]] | None = None):
        self.topic_arn = topic_arn
        self.links = links  # the signed one-tap link to the complaint's page (services/links.py)
        self.messages = messages
        self.tz = tz
        self._client = sns
        self._sms = sms or {}
        self.clock = clock  # for "posted ... ago"
        self._subscriptions = subscriptions  # the topic's, read afresh every few minutes (None: not checked)

    @property
    def sns(self):
        return self._client or client("sns")

    def notify(self, complaint: Complaint, link: str | None = None) -> str:
        """`link`: the complaint's page for the officers alerted; None: the signed one-tap link `links` makes
        (services/links.py), or the tweet's when there is none."""
        subject, texts = self._alert(complaint, link)
        return self._publish(subject, texts, alert_attributes(complaint), "json")

    def _alert(self, complaint: Complaint, link: str | None) -> tuple[str, str]:
        link = link or (self.links(complaint) if self.links else None)
        subject, body = self.messages.alert(complaint, self.tz, self.clock(), link)
        texts = {"default": body, "email": body, "sms": self.messages.sms(complaint, self.tz, link)}
        return subject, json.dumps(texts, ensure_ascii=False)

    def reaches(self, complaint: Complaint) -> bool:
        """Whether some confirmed subscription's filter takes this alert. Subscriptions that cannot be read
        count as reached: the state desk is not sent a copy of every alert while SNS is down."""
        if self._subscriptions is None:
            return True
        try:
            return reaches(self._subscriptions(), alert_attributes(complaint))
        except AlertFailed as e:
            log.warning("alert coverage unknown", extra={"detail": str(e)})
            return True

    def notify_state_desk(self, complaint: Complaint) -> str:
        """The alert again, for the state's level-3 desk, because no officer's filter takes it."""
        subject, texts = self._alert(complaint, None)
        attributes = alert_attributes(complaint) | {"district": STATE_DESK, "level": "L3", "event": UNROUTED_EVENT,
                                                     "for_district": district_key(complaint.district)}
        return self._publish(f"[no subscriber] {subject}", texts, attributes, "json")

    def digest(self, district: int | None, subject: str, body: str) -> str:
        """A district's daily digest, for its head (level L2); department "all"."""
        attributes = {"district": district_key(district), "department": "all", "urgency": "normal", "event": "digest", "level": "L2"}
        return self._publish(subject, body, attributes)

    def _publish(self, subject: str, body: str, attributes: dict[str, str], structure: str | None = None) -> str:
        try:
            answer = self.sns.publish(
                TopicArn=self.topic_arn,
                Subject=subject[:100],
                Message=body,
                MessageAttributes={
                    k: {"DataType": "String", "StringValue": v} for k, v in (attributes | self._sms).items()
                },
                **({"MessageStructure": structure} if structure else {}),
            )
        except (BotoCoreError, ClientError) as e:  # what was to be sent stays pending for the next run
            raise AlertFailed(f"{type(e).__name__}: {e}") from e
        return answer["MessageId"]


class SnsOpsNotices:
    """Notices for the people running the desk (a handle needs authorisation), on the ops topic the alarms use."""

    def __init__(self, topic_arn: str, sns=None):
        self.topic_arn = topic_arn
        self._client = sns

    def tell(self, subject: str, body: str) -> None:
        (self._client or client("sns")).publish(TopicArn=self.topic_arn, Subject=subject[:100], Message=body)
