"""The poll service against in-memory fakes of its ports."""

import pytest

from chalicelib.domain.complaint import Status
from chalicelib.domain.handles import load_registry
from chalicelib.services.poll import poll
from tests.fakes import FakeAlerts, FakeClock, FakeSource, FakeStore, RateLimited, SourceUnavailable, mention

REGISTRY = load_registry()


@pytest.fixture
def desk():
    source, store, alerts, clock = FakeSource(), FakeStore(), FakeAlerts(), FakeClock()

    def run():
        return poll(REGISTRY, source, store, alerts, clock)

    return source, store, alerts, run


def test_a_mention_becomes_one_complaint_routed_and_alerted(desk):
    source, store, alerts, run = desk
    source.add("lucknowpolice", mention(101, "Gomti Nagar me chain snatching hui", "lucknowpolice"))
    report = run()
    assert report.created == ["UP-LKO-26-000001"]
    complaint = store.complaints["UP-LKO-26-000001"]
    assert (complaint.district, complaint.department, complaint.status) == (162, "police", Status.NEW)
    assert [c.ref for c in alerts.sent] == ["UP-LKO-26-000001"]


def test_the_same_mention_across_two_polls_is_one_complaint(desk):
    source, store, alerts, run = desk
    source.add("lucknowpolice", mention(101, "chori ho gayi", "lucknowpolice"))
    run()
    second = run()
    assert second.created == [] and len(store.complaints) == 1 and len(alerts.sent) == 1
    assert ("id-lucknowpolice", "101") in source.calls  # the second poll asked only for newer mentions


def test_a_tweet_tagging_two_watched_handles_is_one_complaint(desk):
    source, store, alerts, run = desk
    both = mention(102, "Sector 62 Noida me jam", "Uppolice", "noidapolice")
    source.add("Uppolice", both)
    source.add("noidapolice", both)
    report = run()
    assert len(report.created) == 1 and report.skipped["already_recorded"] == 1
    assert store.complaints[report.created[0]].handles == ("Uppolice", "noidapolice")


def test_retweets_and_tweets_by_watched_handles_are_ignored(desk):
    source, store, alerts, run = desk
    source.add(
        "lucknowpolice",
        mention(103, "RT @x: chori", "lucknowpolice", retweet=True),
        mention(104, "@lucknowpolice thana Aliganj ko nirdeshit kiya gaya", "lucknowpolice", author="Uppolice"),
    )
    report = run()
    assert report.created == [] and dict(report.skipped) == {"retweet": 1, "own_tweet": 1}


def test_a_failure_mid_page_leaves_the_cursor_and_the_next_poll_completes_the_work(desk):
    source, store, alerts, run = desk
    source.page_size = 2
    source.add("lucknowpolice", *[mention(200 + i, f"shikayat {i}", "lucknowpolice") for i in range(5)])
    source.fail("lucknowpolice", None, SourceUnavailable("503"))  # first page fine, the second fails
    first = run()
    outcome = next(h for h in first.handles if h.handle == "lucknowpolice")
    assert outcome.outcome == "error" and len(first.created) == 2
    assert store.handle_state("lucknowpolice").since_id is None
    second = run()
    assert len(second.created) == 3 and len(store.complaints) == 5
    assert store.handle_state("lucknowpolice").since_id == "204"


def test_a_rate_limited_handle_keeps_its_cursor_and_the_others_carry_on(desk):
    source, store, alerts, run = desk
    source.add("lucknowpolice", mention(301, "bijli nahi", "lucknowpolice"))
    source.add("noidapolice", mention(302, "jam", "noidapolice"))
    source.fail("lucknowpolice", RateLimited(None))
    report = run()
    assert {h.handle: h.outcome for h in report.handles}["lucknowpolice"] == "rate_limited"
    assert [store.complaints[r].tweet_id for r in report.created] == ["302"]
    assert store.handle_state("lucknowpolice").since_id is None
    assert len(run().created) == 1  # the next poll picks up what the limit held back
    assert len(store.complaints) == 2


def test_failed_alerts_stay_pending_and_the_next_poll_sends_them(desk):
    source, store, alerts, run = desk
    source.add("noidapolice", mention(401, "Sector 18 me chori", "noidapolice"))
    alerts.failing = True
    first = run()
    assert first.alerts_failed == 1 and alerts.sent == []
    alerts.failing = False
    second = run()
    assert second.created == [] and second.alerts_sent == 1
    assert store.complaints[first.created[0]].alert == "sent"


def test_a_mention_no_district_can_be_told_for_goes_to_the_state_queue(desk):
    source, store, alerts, run = desk
    source.add("Uppolice", mention(501, "mera phone chori ho gaya", "Uppolice"))
    report = run()
    assert report.created == ["UP-HQ-26-000001"]
    assert store.complaints["UP-HQ-26-000001"].district is None


def test_references_follow_the_order_citizens_tweeted_in(desk):
    source, store, alerts, run = desk
    source.add("lucknowpolice", *[mention(600 + i, f"shikayat {i}", "lucknowpolice") for i in range(3)])
    report = run()
    assert [store.complaints[r].tweet_id for r in report.created] == ["600", "601", "602"]
