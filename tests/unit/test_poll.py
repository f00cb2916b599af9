"""The poll service against in-memory fakes of its ports."""

import pytest

from chalicelib.domain.complaint import Status
from chalicelib.domain.handles import load_registry
from chalicelib.domain.messages import load_messages
from chalicelib.domain.sla import load_sla_policy
from chalicelib.services.poll import poll
from tests.fakes import (
    FakeAlerts,
    FakeClock,
    FakeReplies,
    FakeSource,
    FakeStore,
    RateLimited,
    SourceUnavailable,
    mention,
)

REGISTRY = load_registry()
MESSAGES = load_messages()
SLA_POLICY = load_sla_policy()


@pytest.fixture
def replies():
    return FakeReplies()


@pytest.fixture
def desk(replies):
    source, store, alerts, clock = FakeSource(), FakeStore(), FakeAlerts(), FakeClock()

    def run():
        return poll(REGISTRY, source, store, alerts, clock, replies, MESSAGES, SLA_POLICY)

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


def test_the_citizen_is_answered_with_the_reference_once(desk, replies):
    source, store, alerts, run = desk
    source.add("lucknowpolice", mention(701, "Aliganj me chori ho gayi", "lucknowpolice"))
    first = run()
    assert first.replies_sent == 1
    [(tweet_id, text)] = replies.posted
    assert tweet_id == "701" and "UP-LKO-26-000001" in text
    assert run().replies_sent == 0 and len(replies.posted) == 1


def test_a_reply_x_refuses_as_duplicate_counts_as_sent_and_is_not_posted_again(desk, replies):
    source, store, alerts, run = desk
    source.add("lucknowpolice", mention(702, "Aliganj me chori ho gayi", "lucknowpolice"))
    run()
    ref = store.by_tweet["702"]
    store.complaints[ref].replies["acknowledged"]["status"] = "pending"  # as if the record was lost in a crash
    again = run()
    assert again.replies_sent == 1 and len(replies.posted) == 1
    assert store.complaints[ref].replies["acknowledged"]["status"] == "sent"


def test_a_failed_reply_is_retried_by_the_next_poll(desk, replies):
    source, store, alerts, run = desk
    source.add("noidapolice", mention(703, "Sector 62 me chori", "noidapolice"))
    replies.failing = True
    assert run().replies_failed == 1
    replies.failing = False
    assert run().replies_sent == 1 and len(replies.posted) == 1


def test_mentions_not_judged_complaints_get_no_alert_and_no_reply(desk, replies):
    source, store, alerts, run = desk
    source.add("lucknowpolice", mention(704, "Thank you Lucknow police for the quick help, great work!", "lucknowpolice"))
    report = run()
    [complaint] = store.complaints.values()
    assert complaint.status == Status.NOT_ACTIONABLE
    assert report.alerts_sent == 0 and replies.posted == []


def test_a_citizens_follow_up_in_the_same_conversation_joins_the_complaint(desk):
    source, store, alerts, run = desk
    source.add("lucknowpolice", mention(801, "Aliganj me chori ho gayi", "lucknowpolice", author="asha"))
    run()
    source.add("lucknowpolice", mention(805, "abhi tak koi nahi aaya", "lucknowpolice", author="asha", conversation=801))
    report = run()
    assert report.created == [] and report.skipped["follow_up"] == 1
    [complaint] = store.complaints.values()
    assert complaint.history[-1]["action"] == "citizen_follow_up" and complaint.history[-1]["tweet_id"] == "805"


def test_someone_elses_tweet_in_the_conversation_is_a_complaint_of_its_own(desk):
    source, store, alerts, run = desk
    source.add("lucknowpolice", mention(811, "Aliganj me chori ho gayi", "lucknowpolice", author="asha"))
    run()
    source.add("lucknowpolice", mention(812, "mere ghar bhi chori hui Aliganj me", "lucknowpolice", author="ravi", conversation=811))
    assert len(run().created) == 1


def test_a_new_problem_in_a_thread_that_started_with_thanks_is_a_complaint_of_its_own(desk):
    source, store, alerts, run = desk
    source.add("lucknowpolice", mention(821, "Good morning, thank you for your great work!", "lucknowpolice", author="asha"))
    run()
    source.add("lucknowpolice", mention(822, "Aliganj me abhi chain snatching hui, madad karo", "lucknowpolice",
                                        author="asha", conversation=821))
    report = run()
    assert len(report.created) == 1 and report.alerts_sent == 1


def test_unusable_tweets_are_counted_and_the_rest_of_the_page_recorded():
    from chalicelib.adapters.x_source import mentions_from

    good = {"id": "1", "text": "@lucknowpolice chori", "author_id": "9", "created_at": "2026-11-29T05:00:00.000Z"}
    body = {"data": [good, {"id": "2", "text": "no author"}, {"id": "3", "text": "x", "author_id": "9", "created_at": "soon"}],
            "includes": {"users": [{"id": "9", "username": "asha"}]}}
    mentions, rejected = mentions_from(body)
    assert [m.tweet_id for m in mentions] == ["1"] and rejected == 2
