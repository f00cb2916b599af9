"""Deadlines with an injectable clock: reminders, the escalation ladder, urgent re-alerts,
the working calendar, transfers, and the reports built from the counters."""

from datetime import datetime, timedelta, timezone

from dataclasses import replace

from chalicelib.domain import sla
from chalicelib.domain.complaint import Policies
from chalicelib.domain.handles import load_registry
from chalicelib.domain.messages import load_messages
from chalicelib.domain.tally import Scope, iso_week
from chalicelib.services import complaints as complaint_service
from chalicelib.services.poll import poll
from chalicelib.services.reports import daily_digest, median_bucket, weekly_summary
from chalicelib.services.status import status
from chalicelib.services.sweep import sweep
from chalicelib.domain.access import Principal
from tests.fakes import FakeAlerts, FakeClock, FakeDesk, FakeReplies, FakeSource, mention

IST = timezone(timedelta(hours=5, minutes=30))
REGISTRY = load_registry()
MESSAGES = load_messages()
POLICY = sla.load_sla_policy()
POLICIES = Policies(POLICY, MESSAGES, timedelta(days=7))
ADMIN = Principal("admin", "admin")
# Tuesday 2026-12-01, 11:00 IST: a working day, in working hours.
TUESDAY_11 = datetime(2026, 12, 1, 11, 0, tzinfo=IST).astimezone(timezone.utc)


class Desk:
    def __init__(self, start=TUESDAY_11, policy=POLICY):
        self.clock = FakeClock(start)
        self.source, self.store, self.alerts, self.replies = FakeSource(), FakeDesk(), FakeAlerts(), FakeReplies()
        self.store.grants.authorise(*(h.handle for h in REGISTRY))
        self.policies = Policies(policy, MESSAGES, timedelta(days=7))

    def complaint_from(self, handle, text, tweet_id=1):
        self.source.add(handle, mention(tweet_id, text, handle, at=self.clock.now))  # posted just now
        [ref] = poll(REGISTRY, self.source, self.store, self.alerts, self.replies, self.clock, self.policies).created
        self.alerts.sent.clear()
        return ref

    def sweep(self, **advance):
        self.clock.advance(**advance)
        return sweep(self.store, self.alerts, self.policies, self.clock)

    def act(self, ref, name, **kw):
        return complaint_service.act(self.store, self.alerts, ADMIN, ref, {"action": name, **kw}, self.clock,
                                     self.policies)

    def complaint(self, ref):
        return self.store.complaints.complaints[ref]

    def alerted(self):
        got = [(c.alert.event, c.alert.level) for c in self.alerts.sent]
        self.alerts.sent.clear()
        return got

    def clock_of(self, ref):
        return self.complaint(ref).clock


URGENT_LUCKNOW = "Hazratganj Lucknow me abhi accident hua hai, do log ghayal hain, ambulance bhejo"
NORMAL_ELECTRICITY = "Indira Nagar Lucknow me kal se bijli nahi hai, transformer kharab hai"


def test_an_urgent_complaint_reminds_at_80_percent_then_climbs_the_ladder_every_10_minutes():
    desk = Desk()
    ref = desk.complaint_from("lucknowpolice", URGENT_LUCKNOW)
    assert desk.complaint(ref).urgent
    assert desk.sweep(minutes=11).reminders == 0
    assert desk.sweep(minutes=1).reminders == 1 and desk.alerted() == [("reminder", "L1")]  # 12 of 15 minutes
    assert desk.sweep(minutes=3).escalations == 1 and desk.alerted() == [("escalation", "L2")]  # 15 minutes
    assert desk.sweep(minutes=9).escalations == 0
    assert desk.sweep(minutes=1).escalations == 1 and desk.alerted() == [("escalation", "L3")]
    assert desk.sweep(minutes=10).escalations == 1 and desk.alerted() == [("escalation", "L3")]  # re-alerts the top
    history = [h for h in desk.complaint(ref).history if h.action != "reply_sent"]
    assert [(h.action, h.details["from"], h.details["to"]) for h in history] == [("escalate", "L1", "L2"), ("escalate", "L2", "L3"), ("escalate", "L3", "L3")]


def test_acknowledging_stops_the_urgent_re_alerts_and_starts_watching_resolution():
    desk = Desk()
    ref = desk.complaint_from("lucknowpolice", URGENT_LUCKNOW)
    desk.sweep(minutes=16)
    desk.alerted()
    desk.act(ref, "acknowledge")
    assert desk.clock_of(ref).stage == "resolve" and desk.clock_of(ref).level == "L1"
    assert desk.sweep(minutes=30).escalations == 0 and desk.alerted() == []


def test_a_normal_complaint_escalates_one_level_per_breach_and_the_next_level_gets_the_time_again():
    policy = sla.parse_policy(
        {"default": {"urgent": {"acknowledge": "15m", "resolve": "1d"}, "normal": {"acknowledge": "10h", "resolve": "7d"}}},
        [],
    )
    desk = Desk(policy=policy)
    ref = desk.complaint_from("lucknowpolice", "Aliganj Lucknow me chori hui kal raat")
    assert desk.sweep(hours=8).reminders == 1 and desk.alerted() == [("reminder", "L1")]
    assert desk.sweep(hours=2).escalations == 1 and desk.alerted() == [("escalation", "L2")]
    assert desk.sweep(hours=9).escalations == 0
    assert desk.sweep(hours=1).escalations == 1 and desk.alerted() == [("escalation", "L3")]
    assert desk.sweep(hours=10).escalations == 0 and desk.clock_of(ref).next_check_at is None
    assert desk.clock_of(ref).breached


def test_working_hours_and_holidays_are_skipped_for_normal_deadlines():
    # Friday 2026-12-25 is Christmas (in the holidays file); Saturday 26th is a working day.
    christmas_eve_5pm = datetime(2026, 12, 24, 17, 0, tzinfo=IST).astimezone(timezone.utc)
    desk = Desk(start=christmas_eve_5pm)
    ref = desk.complaint_from("UPPCLLKO", NORMAL_ELECTRICITY)
    clock = desk.clock_of(ref)
    # 4 working hours: 1 h on Thursday evening, none on Christmas, 3 h on Saturday morning.
    assert clock.due_at.astimezone(IST) == datetime(2026, 12, 26, 13, 0, tzinfo=IST)
    # Police never close: their clock is the wall clock.
    police = desk.complaint_from("lucknowpolice", "Aliganj Lucknow me chori hui kal raat", tweet_id=2)
    assert desk.clock_of(police).due_at == christmas_eve_5pm + timedelta(hours=4)


def test_sundays_and_nights_do_not_count():
    saturday_9pm = datetime(2026, 11, 28, 21, 0, tzinfo=IST).astimezone(timezone.utc)
    calendar = POLICY.calendar
    assert calendar.add(saturday_9pm, 60).astimezone(IST) == datetime(2026, 11, 30, 11, 0, tzinfo=IST)


def test_a_transfer_restarts_the_clock_at_the_new_owner():
    desk = Desk()
    ref = desk.complaint_from("lucknowpolice", URGENT_LUCKNOW)
    desk.sweep(minutes=16)
    assert desk.clock_of(ref).level == "L2"
    desk.act(ref, "transfer", to_district=144)
    clock = desk.clock_of(ref)
    assert (clock.level, clock.stage, clock.started_at, clock.breached) == ("L1", "acknowledge", desk.clock.now, False)
    assert clock.due_at == desk.clock.now + timedelta(minutes=15)


def test_a_second_sweep_at_the_same_moment_changes_nothing_and_alerts_nothing():
    desk = Desk()
    desk.complaint_from("lucknowpolice", URGENT_LUCKNOW)
    first = desk.sweep(minutes=16)
    second = desk.sweep()
    assert first.escalations == 1 and (second.checked, second.escalations, second.sent.alerts_sent) == (0, 0, 0)


def test_resolving_stops_the_clock_and_status_reports_compliance_and_mean_times():
    desk = Desk()
    on_time = desk.complaint_from("lucknowpolice", "Aliganj Lucknow me chori hui kal raat", tweet_id=1)
    late = desk.complaint_from("lucknowpolice", URGENT_LUCKNOW, tweet_id=2)
    desk.clock.advance(minutes=10)
    desk.act(on_time, "acknowledge")
    desk.sweep(minutes=10)  # the urgent one breaches at 15 minutes
    breached = status(desk.store, REGISTRY, desk.clock)["deadlines"]
    assert breached["open_breaches"] == 1 and breached["by_district"]["162"]["open_breaches"] == 1
    desk.act(late, "acknowledge")
    desk.clock.advance(hours=1)
    desk.act(on_time, "resolve", note="Recovered")
    assert desk.clock_of(on_time).stage is None and desk.clock_of(on_time).next_check_at is None
    report = status(desk.store, REGISTRY, desk.clock)["deadlines"]
    assert (report["acknowledged"], report["acknowledge_compliance_percent"]) == (2, 50.0)
    assert report["mean_time_to_acknowledge_seconds"] == (10 * 60 + 20 * 60) // 2
    assert (report["resolved"], report["resolve_compliance_percent"]) == (1, 100.0)
    # Acknowledged late: the breach is counted, but no longer open.
    assert report["breaches_total"] == 1 and report["open_breaches"] == 0
    assert report["by_department"]["police"]["acknowledged"] == 2


def test_the_daily_digest_tells_each_district_head_open_breached_resolved_yesterday_and_oldest():
    desk = Desk()
    first = desk.complaint_from("lucknowpolice", "Aliganj Lucknow me chori hui kal raat", tweet_id=1)
    desk.complaint_from("lucknowpolice", URGENT_LUCKNOW, tweet_id=2)
    desk.complaint_from("noidapolice", "Sector 62 Noida me car chori ho gayi", tweet_id=3)
    desk.sweep(minutes=16)
    desk.act(first, "resolve", note="done")
    desk.clock.now = datetime(2026, 12, 2, 9, 0, tzinfo=IST).astimezone(timezone.utc)  # next morning, 09:00 IST
    run = daily_digest(desk.store, desk.alerts.digest, POLICIES, desk.clock)
    assert sorted(run.sent) == ["144", "162"]
    lucknow = next(body for district, _, body in desk.alerts.digests if district == 162)
    assert "Open complaints: 1" in lucknow and "Past their deadline: 1" in lucknow
    assert "Resolved yesterday: 1" in lucknow and "Oldest open: 0 दिन 22 घंटे / 0 d 22 h" in lucknow
    assert daily_digest(desk.store, desk.alerts.digest, POLICIES, desk.clock).already_sent == 2


def test_the_weekly_summary_counts_received_resolved_and_the_median_and_fits_a_post():
    desk = Desk()
    for i in range(3):
        desk.complaint_from("lucknowpolice", f"Aliganj Lucknow me chori hui {i}", tweet_id=10 + i)
    desk.clock.advance(hours=3)
    desk.act(desk.store.complaints.by_tweet["10"], "resolve", note="done")
    desk.clock.advance(hours=30)
    desk.act(desk.store.complaints.by_tweet["11"], "resolve", note="done")
    desk.clock.now = datetime(2026, 12, 7, 10, 0, tzinfo=IST).astimezone(timezone.utc)  # the Monday after
    run = weekly_summary(desk.store, desk.replies.post, REGISTRY, POLICIES, desk.clock)
    assert run.sent == ["police"] and desk.replies.senders[-1] == "Uppolice"  # the department's state-kind handle
    [text] = [text for in_reply_to, text in desk.replies.posted if in_reply_to is None]
    assert "week 2026-W49: 3 complaints received on X, 2 resolved; median resolution time up to 4 hours" in text
    assert weekly_summary(desk.store, desk.replies.post, REGISTRY, POLICIES, desk.clock).already_sent == 1


def test_the_median_comes_from_the_bucket_holding_the_middle_resolution():
    assert median_bucket({4: 1, 48: 1, 72: 1}) == 48 and median_bucket({}) is None


def test_an_alert_replaced_while_waiting_goes_out_as_the_new_one_to_the_new_owner():
    from chalicelib.services.sending import Sent, send_waiting_alerts

    desk = Desk()
    ref = desk.complaint_from("lucknowpolice", "Aliganj Lucknow me chori hui kal raat")
    complaint = desk.complaint(ref)  # the first alert has not gone out yet, and nobody holds it
    desk.store.complaints.complaints[ref] = replace(complaint, alert=replace(complaint.alert, state="pending", claim=None))
    desk.alerts.failing = True
    desk.act(ref, "transfer", to_district=144)  # an officer transfers, and the API's own send fails
    desk.alerts.failing = False
    send_waiting_alerts(desk.store, desk.alerts, desk.clock, Sent())
    [sent] = desk.alerts.sent
    assert (sent.alert.event, sent.district) == ("transferred", 144)


def test_a_mention_rescued_from_the_triage_queue_counts_as_received_that_week():
    desk = Desk()
    ref = desk.complaint_from("lucknowpolice", "Thank you Lucknow police for the quick help, great work!")
    week = Scope.of_week(iso_week(desk.clock.now, IST), "police")
    assert desk.store.stats.read([week]) == {week: {}}
    desk.act(ref, "transfer", to_district=162, to_department="police")
    day = desk.clock.now.astimezone(IST).date().isoformat()  # the dashboard's day, in the same item
    assert desk.store.stats.read([week]) == {week: {"received": 1, f"received:{day}": 1}}


def test_a_storage_failure_on_one_complaint_leaves_the_rest_of_the_sweep_to_go_on():
    from chalicelib.services.ports import StorageUnavailable

    desk = Desk()
    refs = [desk.complaint_from("lucknowpolice", URGENT_LUCKNOW, tweet_id=i) for i in (1, 2, 3)]
    original = desk.store.complaints.save

    def throttled_on_the_second(change):
        if change.after.ref == refs[1] and change.expect == "version":
            raise StorageUnavailable("DynamoDB: ThrottlingException")
        return original(change)

    desk.store.complaints.save = throttled_on_the_second
    report = desk.sweep(minutes=16)
    assert (report.escalations, report.failed) == (2, 1)
    assert sorted(c.ref for c in desk.alerts.sent) == sorted([refs[0], refs[2]])  # published, not left held


def test_a_digest_whose_claim_fails_is_given_back_and_the_other_districts_go_out():
    from chalicelib.services.ports import StorageUnavailable

    desk = Desk()
    desk.complaint_from("lucknowpolice", "Aliganj Lucknow me chori hui kal raat", tweet_id=1)
    desk.complaint_from("noidapolice", "Sector 62 Noida me car chori ho gayi", tweet_id=2)
    original = desk.store.complaints.oldest_open
    desk.store.complaints.oldest_open = lambda d: (_ for _ in ()).throw(StorageUnavailable("x")) if d == 162 else original(d)
    desk.clock.now = datetime(2026, 12, 2, 9, 0, tzinfo=IST).astimezone(timezone.utc)
    run = daily_digest(desk.store, desk.alerts.digest, POLICIES, desk.clock)
    assert run.sent == ["144"] and run.failed == ["162"]
    desk.store.complaints.oldest_open = original
    assert daily_digest(desk.store, desk.alerts.digest, POLICIES, desk.clock).sent == ["162"]  # a retry sends it
