"""Officer alerts through the moto server's SNS, delivered to SQS queues with filter policies."""

from datetime import datetime, timezone

from chalicelib.adapters.sns_alerts import SnsAlerts, sms_attributes
from chalicelib.domain.complaint import Complaint
from chalicelib.domain.messages import load_messages
from chalicelib.domain.sla import load_sla_policy

NOW = datetime(2026, 11, 29, 6, 0, tzinfo=timezone.utc)
MESSAGES, TZ = load_messages(), load_sla_policy().tz


def complaint(ref, district, department="police", urgent=False, text="chori"):
    return Complaint(
        ref=ref, tweet_id="1", text=text, masked_text=text, author_id="9", author_username="citizen",
        tweet_url="https://x.com/citizen/status/1", conversation_id="1", tweeted_at=NOW, created_at=NOW,
        district=district, department=department, urgent=urgent, confidence=0.9, handles=(),
    )


def test_alerts_reach_only_the_officers_whose_filter_matches(stack):
    alerts = SnsAlerts(stack.env["ALERTS_TOPIC_ARN"], MESSAGES, TZ, stack.client("sns"))
    alerts.notify(complaint("UP-LKO-26-000001", 162))
    alerts.notify(complaint("UP-LKO-26-000002", 162, department="electricity"))
    alerts.notify(complaint("UP-GBN-26-000001", 144, department="roads"))
    alerts.notify(complaint("UP-HQ-26-000001", None))
    got = {o.name: [a["message"].splitlines()[0].split(": ")[1] for a in stack.received(o.name)] for o in stack.officers}
    assert got == {
        "lucknow-police": ["UP-LKO-26-000001"],
        "noida-police": ["UP-GBN-26-000001"],
        "state-triage": ["UP-HQ-26-000001"],
        "ssp-lucknow": [],  # L2: only escalations and digests
        "dgp-hq": [],  # L3
        "state-desk": [],  # only alerts nobody else receives, which this adapter sends when told to
    }


def test_an_alert_carries_routing_attributes_and_bilingual_text(stack):
    text = "हज़रतगंज में झगड़ा हो रहा है, जल्दी आइए"
    SnsAlerts(stack.env["ALERTS_TOPIC_ARN"], MESSAGES, TZ, stack.client("sns")).notify(
        complaint("UP-LKO-26-000009", 162, urgent=True, text=text)
    )
    [alert] = stack.received("lucknow-police")
    assert alert["attributes"] == {"district": "162", "department": "police", "urgency": "high", "event": "new_complaint", "level": "L1"}
    assert "लखनऊ / Lucknow" in alert["message"] and "पुलिस / police" in alert["message"]
    assert alert["message"].endswith(text) and alert["message"].encode().endswith(text.encode())
    assert alert["subject"].startswith("URGENT New complaint UP-LKO-26-000009")


def test_sms_alerts_carry_the_dlt_registration_when_configured(stack):
    sms = sms_attributes("1101234567890123456", "1107000000000000001", "UPPOLC")
    alerts = SnsAlerts(stack.env["ALERTS_TOPIC_ARN"], MESSAGES, TZ, stack.client("sns"), sms=sms)
    alerts.notify(complaint("UP-LKO-26-000010", 162))
    [alert] = stack.received("lucknow-police")
    assert alert["attributes"]["AWS.MM.SMS.EntityId"] == "1101234567890123456"
    assert alert["attributes"]["AWS.MM.SMS.TemplateId"] == "1107000000000000001"
    assert alert["attributes"]["AWS.SNS.SMS.SMSType"] == "Transactional"
    assert alert["attributes"]["district"] == "162"


def test_without_a_full_dlt_registration_no_sms_attributes_are_sent():
    assert sms_attributes("", "", "") == {} and sms_attributes("1101234567890123456", "", "") == {}
