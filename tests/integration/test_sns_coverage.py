"""The alert topic's subscriptions through the moto server's SNS: coverage read from the filter policies,
an alert nobody receives sent to the state desk as well, and the roster import from the admin command."""

from datetime import datetime, timezone

from chalicelib.adapters.sns_alerts import SnsAlerts
from chalicelib.adapters.sns_subscriptions import SnsSubscriptions
from chalicelib.domain import coverage
from chalicelib.domain.complaint import Complaint
from chalicelib.domain.messages import load_messages
from chalicelib.domain.sla import load_sla_policy
from tests.app.test_chalice_local import admin_command

NOW = datetime(2026, 11, 29, 6, 0, tzinfo=timezone.utc)


def complaint(ref, district, department):
    return Complaint(
        ref=ref, tweet_id="1", text="pani nahi", masked_text="pani nahi", author_id="9", author_username="citizen",
        tweet_url="https://x.com/citizen/status/1", conversation_id="1", tweeted_at=NOW, created_at=NOW,
        district=district, department=department, urgent=False, confidence=0.9, handles=(),
    )


def test_coverage_is_read_from_the_topics_filter_policies(stack):
    subscriptions = SnsSubscriptions(stack.env["ALERTS_TOPIC_ARN"], stack.client("sns")).read()
    assert {"district": ["162"], "department": ["police"], "level": ["L1"]} in [s.filter_policy for s in subscriptions]
    missing = set(coverage.gaps(subscriptions))
    assert (162, "police", "L1") not in missing and (144, "water", "L1") not in missing
    assert (186, "police", "L1") in missing and (186, "water", "L2") in missing  # Unnao: nobody


def test_an_alert_nobody_receives_reaches_the_state_desk(stack):
    reader = SnsSubscriptions(stack.env["ALERTS_TOPIC_ARN"], stack.client("sns")).read
    alerts = SnsAlerts(stack.env["ALERTS_TOPIC_ARN"], load_messages(), load_sla_policy().tz, stack.client("sns"),
                       subscriptions=reader)
    unnao = complaint("UP-UNA-26-000001", 186, "water")
    assert alerts.reaches(complaint("UP-LKO-26-000001", 162, "police")) and not alerts.reaches(unnao)
    alerts.notify_state_desk(unnao)
    [copy] = stack.received("state-desk")
    assert copy["attributes"]["event"] == "unrouted" and copy["attributes"]["for_district"] == "186"
    assert "UP-UNA-26-000001" in copy["message"] and copy["subject"].startswith("[no subscriber]")


ROSTER = """name,district,department,level,protocol,endpoint
EE Jal Nigam Unnao,186,water,L1,email,ee.unnao@jalnigam.up.gov.in
EE Jal Nigam Unnao,186,sanitation,L1,email,ee.unnao@jalnigam.up.gov.in
DM Unnao,186,,L2,sms,+91 94544 00001
"""


def test_the_roster_import_subscribes_officers_with_their_level_after_a_dry_run(stack, tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text("\ufeff" + ROSTER, encoding="utf-8")
    dry = admin_command("roster", "import", str(roster), "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert "Would subscribe 2" in dry.stdout and "Dry run" in dry.stdout and "SMS_DLT_ENTITY_ID" in dry.stdout
    sns = SnsSubscriptions(stack.env["ALERTS_TOPIC_ARN"], stack.client("sns"))
    assert len(sns.read()) == len(stack.officers)

    done = admin_command("roster", "import", str(roster))
    assert done.returncode == 0, done.stderr
    policies = {s.endpoint: s.filter_policy for s in sns.read()}
    assert policies["+919454400001"] == {"district": ["186"], "level": ["L2"]}
    assert policies["ee.unnao@jalnigam.up.gov.in"] == {"$or": [
        {"district": ["186"], "department": ["water"], "level": ["L1"]},
        {"district": ["186"], "department": ["sanitation"], "level": ["L1"]}]}
    again = admin_command("roster", "import", str(roster), "--dry-run")
    assert "subscribe 0" in again.stdout.lower() or "Would subscribe 0" in again.stdout

    roster.write_text(ROSTER.replace("186,water", "9999,water"), encoding="utf-8")
    refused = admin_command("roster", "import", str(roster))
    assert refused.returncode == 2 and "row 2: district '9999'" in refused.stdout
