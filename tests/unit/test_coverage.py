"""Alert coverage from fixed subscriptions: filter policies read as SNS reads them, every district x
department x level nobody receives, and an alert nobody receives sent to the state desk as well."""

from chalicelib.domain.coverage import STATE_DESK, Subscription, gaps, matches, summary
from chalicelib.domain.tally import STATE
from chalicelib.services.sending import Sent, publish_alert
from tests.builders import NOW, received
from tests.fakes import FakeAlerts, FakeClock, FakeDesk


def sub(policy, n=1, arn=None):
    return Subscription(arn or f"arn:aws:sns:ap-south-1:1:alerts:{n}", "email", f"o{n}@up.gov.in", policy)


LUCKNOW_POLICE_L1 = {"district": ["162"], "department": ["police"], "level": ["L1"]}
LUCKNOW_HEAD_L2 = {"district": ["162"], "level": ["L2"]}
POLICE_HQ_L3 = {"department": ["police"], "level": ["L3"]}


def test_the_readmes_three_levels_cover_exactly_what_they_name():
    missing = set(gaps([sub(LUCKNOW_POLICE_L1, 1), sub(LUCKNOW_HEAD_L2, 2), sub(POLICE_HQ_L3, 3)]))
    assert (162, "police", "L1") not in missing and (162, "water", "L1") in missing
    assert (162, "water", "L2") not in missing and (186, "water", "L2") in missing
    assert (186, "police", "L3") not in missing and (186, "water", "L3") in missing
    assert len(missing) == 75 * 11 * 3 - 1 - 11 - 75


def test_a_district_with_no_level_1_subscriber_is_listed_under_l1():
    everyone_but_unnao = {"district": [{"anything-but": ["186"]}], "level": ["L1"]}
    shown = summary([sub(everyone_but_unnao), sub(LUCKNOW_HEAD_L2, 2)])
    assert list(shown["uncovered_by_level"]["L1"]) == ["186"] and len(shown["uncovered_by_level"]["L1"]["186"]) == 11
    assert shown["confirmed"] == 2 and shown["uncovered"] == 11 + (75 - 1) * 11 + 75 * 11


def test_pending_body_scoped_digest_only_and_unknown_operators_cover_nothing():
    subs = [sub(None, arn="PendingConfirmation"), Subscription("arn:aws:sns:x:1:a:9", "sqs", "q", None, on_body=True),
            sub({"event": ["digest"], "level": ["L2"]}, 3), sub({"district": [{"numeric": ["=", 162]}]}, 4)]
    assert len(gaps(subs)) == 75 * 11 * 3
    assert len(gaps([sub(None)])) == 0  # no filter: every alert


def test_or_prefix_and_exists_policies_match_as_sns_matches_them():
    either = sub({"$or": [{"department": ["water"]}, {"urgency": ["high"]}], "level": [{"prefix": "L"}]})
    assert matches(either, {"department": "water", "urgency": "normal", "level": "L2"})
    assert matches(either, {"department": "police", "urgency": "high", "level": "L1"})
    assert not matches(either, {"department": "police", "urgency": "normal", "level": "L1"})
    assert not matches(sub({"level": [{"exists": True}]}), {"district": "162"})
    missing = set(gaps([either]))
    assert (118, "water", "L3") not in missing and (118, "police", "L3") not in missing  # urgent police alerts


def test_an_alert_nobody_receives_goes_to_the_state_desk_too_and_is_counted():
    desk, alerts, clock = FakeDesk(), FakeAlerts(), FakeClock(NOW)
    change = received(1, district=186, department="water")
    desk.complaints.create(change)
    alerts.reached = False
    sent = Sent()
    publish_alert(desk, alerts, change.after, clock, sent)
    assert [c.ref for c in alerts.sent] == [c.ref for c in alerts.state_desk] == [change.after.ref]
    assert sent.alerts_unrouted == 1 and desk.stats.read([STATE])[STATE]["alerts_unrouted"] == 1
    assert desk.complaints.get(change.after.ref).alert.state == "sent"
    assert STATE_DESK == "state"


def test_an_alert_someone_receives_goes_to_them_alone():
    desk, alerts = FakeDesk(), FakeAlerts()
    change = received(2)
    desk.complaints.create(change)
    publish_alert(desk, alerts, change.after, FakeClock(NOW), Sent())
    assert len(alerts.sent) == 1 and alerts.state_desk == [] and "alerts_unrouted" not in desk.stats.read([STATE])[STATE]
