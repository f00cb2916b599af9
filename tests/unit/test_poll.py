"""The poll service against in-memory fakes of its ports."""

import pytest

from dataclasses import replace
from datetime import timedelta

from chalicelib.domain.status import Status
from chalicelib.domain.handles import load_registry
from chalicelib.services.poll import poll
from tests.fakes import (
    POLICIES,
    FakeAlerts,
    FakeClock,
    FakeDesk,
    FakeReplies,
    FakeSource,
    RateLimited,
    SourceUnavailable,
    mention,
)

REGISTRY = load_registry()


@pytest.fixture
def replies():
    return FakeReplies()


@pytest.fixture
def desk(replies):
    source, store, alerts, clock = FakeSource(), FakeDesk(), FakeAlerts(), FakeClock()
    store.grants.authorise(*(h.handle for h in REGISTRY))
    store.clock = clock

    def run():
        return poll(REGISTRY, source, store, alerts, replies, clock, POLICIES)

    return source, store, alerts, run


def test_a_mention_becomes_one_complaint_routed_and_alerted(desk):
    source, store, alerts, run = desk
    source.add("lucknowpolice", mention(101, "Gomti Nagar me chain snatching hui", "lucknowpolice"))
    report = run()
    assert report.created == ["UP-LKO-26-000001"]
    complaint = store.complaints.complaints["UP-LKO-26-000001"]
    assert (complaint.district, complaint.department, complaint.status) == (162, "police", Status.NEW)
    assert [c.ref for c in alerts.sent] == ["UP-LKO-26-000001"]


def test_the_same_mention_across_two_polls_is_one_complaint(desk):
    source, store, alerts, run = desk
    source.add("lucknowpolice", mention(101, "chori ho gayi", "lucknowpolice"))
    run()
    second = run()
    assert second.created == [] and len(store.complaints.complaints) == 1 and len(alerts.sent) == 1
    assert ("id-lucknowpolice", "101") in source.calls  # the second poll asked only for newer mentions


def test_a_tweet_tagging_two_watched_handles_is_one_complaint(desk):
    source, store, alerts, run = desk
    both = mention(102, "Sector 62 Noida me jam", "Uppolice", "noidapolice")
    source.add("Uppolice", both)
    source.add("noidapolice", both)
    report = run()
    assert len(report.created) == 1 and report.skipped["already_recorded"] == 1
    assert store.complaints.complaints[report.created[0]].handles == ("Uppolice", "noidapolice")


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
    assert store.handles.states(["lucknowpolice"])["lucknowpolice"].since_id is None
    second = run()
    assert len(second.created) == 3 and len(store.complaints.complaints) == 5
    assert store.handles.states(["lucknowpolice"])["lucknowpolice"].since_id == "204"


def test_a_rate_limited_handle_keeps_its_cursor_and_the_others_carry_on(desk):
    source, store, alerts, run = desk
    source.add("lucknowpolice", mention(301, "bijli nahi", "lucknowpolice"))
    source.add("noidapolice", mention(302, "jam", "noidapolice"))
    source.fail("lucknowpolice", RateLimited(None))
    report = run()
    assert {h.handle: h.outcome for h in report.handles}["lucknowpolice"] == "rate_limited"
    assert [store.complaints.complaints[r].tweet_id for r in report.created] == ["302"]
    assert store.handles.states(["lucknowpolice"])["lucknowpolice"].since_id is None
    assert len(run().created) == 1  # the next poll picks up what the limit held back
    assert len(store.complaints.complaints) == 2


def test_a_storage_failure_on_one_mention_holds_back_only_its_handle(desk):
    source, store, alerts, run = desk
    source.add("lucknowpolice", mention(311, "Aliganj me chori", "lucknowpolice"), mention(312, "Hazratganj me jam", "lucknowpolice"))
    source.add("noidapolice", mention(313, "Sector 18 me chori", "noidapolice"))
    store.complaints.fail_on("311")
    first = run()
    outcomes = {h.handle: h.outcome for h in first.handles}
    assert (outcomes["lucknowpolice"], outcomes["noidapolice"]) == ("error", "ok")
    assert sorted(c.tweet_id for c in store.complaints.complaints.values()) == ["312", "313"]
    assert first.sent.alerts_sent == 2 and first.skipped["storage_error"] == 1
    states = store.handles.states(["lucknowpolice", "noidapolice"])
    assert states["lucknowpolice"].since_id is None and states["noidapolice"].since_id == "313"
    store.complaints.fail_on()
    second = run()
    assert [store.complaints.complaints[r].tweet_id for r in second.created] == ["311"]
    assert store.handles.states(["lucknowpolice"])["lucknowpolice"].since_id == "312"


def test_an_alert_whose_record_fails_is_sent_and_the_run_goes_on(desk, replies):
    source, store, alerts, run = desk
    source.add("noidapolice", mention(321, "Sector 18 me chori", "noidapolice"), mention(322, "Sector 62 me chori", "noidapolice"))
    run_before = len(alerts.sent)
    original = store.complaints.save
    from chalicelib.services.ports import StorageUnavailable

    def failing_once(change):  # the first "alert sent" record fails, as a throttled DynamoDB would
        if change.after.alert.state == "sent" and not getattr(failing_once, "failed", False):
            failing_once.failed = True
            raise StorageUnavailable("DynamoDB: ThrottlingException")
        return original(change)

    store.complaints.save = failing_once
    report = run()
    assert len(alerts.sent) - run_before == 2 and report.sent.alerts_sent == 1
    assert report.sent.replies_sent == 2  # the citizens are answered all the same


def test_the_poll_stops_taking_new_work_while_there_is_time_to_finish(desk):
    source, store, alerts, run = desk
    source.add("lucknowpolice", mention(331, "Aliganj me chori", "lucknowpolice"))
    source.add("noidapolice", mention(332, "Sector 18 me chori", "noidapolice"))
    clock = iter([120.0] * 3 + [10.0] * 10_000)  # seconds left: plenty for the first handles, then nearly out
    report = poll(REGISTRY, source, store, alerts, FakeReplies(), FakeClock(), POLICIES, time_left=lambda: next(clock))
    deferred = [h.handle for h in report.handles if h.outcome == "deferred"]
    assert deferred and report.created == [] and store.complaints.complaints == {}
    assert all(s.since_id is None for s in store.handles.states([h.lower() for h in deferred]).values())
    again = run()
    assert sorted(store.complaints.complaints[r].tweet_id for r in again.created) == ["331", "332"]


def test_failed_alerts_stay_pending_and_the_next_poll_sends_them(desk):
    source, store, alerts, run = desk
    source.add("noidapolice", mention(401, "Sector 18 me chori", "noidapolice"))
    alerts.failing = True
    first = run()
    assert first.sent.alerts_failed == 1 and alerts.sent == []
    alerts.failing = False
    second = run()
    assert second.created == [] and second.sent.alerts_sent == 1
    assert store.complaints.complaints[first.created[0]].alert.state == "sent"


def test_a_mention_no_district_can_be_told_for_goes_to_the_state_queue(desk):
    source, store, alerts, run = desk
    source.add("Uppolice", mention(501, "mera phone chori ho gaya", "Uppolice"))
    report = run()
    assert report.created == ["UP-HQ-26-000001"]
    assert store.complaints.complaints["UP-HQ-26-000001"].district is None


def test_references_follow_the_order_citizens_tweeted_in(desk):
    source, store, alerts, run = desk
    source.add("lucknowpolice", *[mention(600 + i, f"shikayat {i}", "lucknowpolice") for i in range(3)])
    report = run()
    assert [store.complaints.complaints[r].tweet_id for r in report.created] == ["600", "601", "602"]


def test_the_citizen_is_answered_with_the_reference_once(desk, replies):
    source, store, alerts, run = desk
    source.add("lucknowpolice", mention(701, "Aliganj me chori ho gayi", "lucknowpolice"))
    first = run()
    assert first.sent.replies_sent == 1
    [(tweet_id, text)] = replies.posted
    assert tweet_id == "701" and "UP-LKO-26-000001" in text
    assert run().sent.replies_sent == 0 and len(replies.posted) == 1


def test_a_reply_x_refuses_as_duplicate_counts_as_sent_and_is_not_posted_again(desk, replies):
    source, store, alerts, run = desk
    source.add("lucknowpolice", mention(702, "Aliganj me chori ho gayi", "lucknowpolice"))
    run()
    ref = store.complaints.by_tweet["702"]
    complaint = store.complaints.complaints[ref]  # as if the record was lost in a crash:
    complaint.replies["acknowledged"] = replace(complaint.replies["acknowledged"], status="pending")
    again = run()
    assert again.sent.replies_sent == 1 and len(replies.posted) == 1
    assert store.complaints.complaints[ref].replies["acknowledged"].status == "sent"


def test_a_failed_reply_is_retried_after_its_backoff(desk, replies):
    source, store, alerts, run = desk
    source.add("noidapolice", mention(703, "Sector 62 me chori", "noidapolice"))
    replies.failing = True
    assert run().sent.replies_failed == 1
    replies.failing = False
    assert run().sent.replies_sent == 0  # within its minute: the outbox does not hand it out
    store.clock.advance(minutes=1)
    assert run().sent.replies_sent == 1 and len(replies.posted) == 1


def test_retries_back_off_exponentially_at_most_an_hour_and_the_reply_is_undeliverable_after_ten_attempts(desk, replies):
    from chalicelib.services.ports import ReplyFailed

    source, store, alerts, run = desk
    source.add("noidapolice", mention(730, "Sector 62 me chori", "noidapolice"))
    replies.failing = ReplyFailed("503")
    outcomes, waits = [], []
    for _ in range(11):
        report = run()
        outcomes.append((report.sent.replies_failed, report.sent.replies_undeliverable))
        [complaint] = store.complaints.complaints.values()
        reply = complaint.replies["acknowledged"]
        if reply.next_attempt_at:
            waits.append(reply.next_attempt_at - store.clock.now)
            store.clock.now = reply.next_attempt_at
    assert outcomes == [(1, 0)] * 9 + [(0, 1), (0, 0)]
    assert waits == [timedelta(minutes=m) for m in (1, 2, 4, 8, 16, 32, 60, 60, 60)]
    assert reply.status == "undeliverable" and store.stats.state["replies_undeliverable"] == 1


def test_xs_posting_limit_holds_that_handles_replies_until_its_window_resets(desk, replies):
    source, store, alerts, run = desk
    source.add("noidapolice", *[mention(710 + i, f"Sector {i} Noida me chori", "noidapolice") for i in range(3)])
    source.add("lucknowpolice", mention(719, "Aliganj me chori", "lucknowpolice"))
    replies.failing_for["noidapolice"] = RateLimited(store.clock.now + timedelta(minutes=10))  # its reset: 10 min on
    first = run()
    # The other handle's window is its own: Lucknow's citizen hears back.
    assert first.sent.replies_held == ["noidapolice"] and first.sent.replies_failed == 0
    assert replies.senders == ["lucknowpolice"]
    del replies.failing_for["noidapolice"]
    store.clock.advance(minutes=1)
    held = run()
    assert held.sent.replies_held == ["noidapolice"] and replies.senders == ["lucknowpolice"]  # X was not asked again
    store.clock.advance(minutes=10)
    assert run().sent.replies_sent == 3 and replies.senders == ["lucknowpolice"] + ["noidapolice"] * 3


def test_a_reply_x_refuses_for_good_is_undeliverable_and_never_posted_again(desk, replies):
    from chalicelib.services.ports import ReplyFailed

    source, store, alerts, run = desk
    source.add("noidapolice", mention(720, "Sector 62 me chori", "noidapolice"))
    replies.failing = ReplyFailed("403: the post is deleted or not visible", final=True)
    assert run().sent.replies_undeliverable == 1
    replies.failing = False
    store.clock.advance(days=1)
    assert run().sent.replies_sent == 0 and replies.posted == []
    [complaint] = store.complaints.complaints.values()
    assert complaint.replies["acknowledged"].status == "undeliverable"
    assert complaint.history[-1].action == "reply_undeliverable"


def test_mentions_not_judged_complaints_get_no_alert_and_no_reply(desk, replies):
    source, store, alerts, run = desk
    source.add("lucknowpolice", mention(704, "Thank you Lucknow police for the quick help, great work!", "lucknowpolice"))
    report = run()
    [complaint] = store.complaints.complaints.values()
    assert complaint.status == Status.NOT_ACTIONABLE
    assert report.sent.alerts_sent == 0 and replies.posted == []


def test_a_citizens_follow_up_in_the_same_conversation_joins_the_complaint(desk):
    source, store, alerts, run = desk
    source.add("lucknowpolice", mention(801, "Aliganj me chori ho gayi", "lucknowpolice", author="asha"))
    run()
    source.add("lucknowpolice", mention(805, "abhi tak koi nahi aaya", "lucknowpolice", author="asha", conversation=801))
    report = run()
    assert report.created == [] and report.skipped["follow_up"] == 1
    [complaint] = store.complaints.complaints.values()
    assert complaint.history[-1].action == "citizen_follow_up" and complaint.history[-1].details["tweet_id"] == "805"


def test_a_thread_start_fetched_after_its_follow_up_joins_the_complaint_the_follow_up_became(desk):
    source, store, alerts, run = desk
    # The follow-up tagged @noidapolice and was fetched; the post it answers tagged only
    # @lucknowpolice, whose timeline was rate limited that minute.
    source.add("lucknowpolice", mention(841, "Aliganj me chori ho gayi", "lucknowpolice", author="asha"))
    source.add("noidapolice", mention(845, "abhi tak koi nahi aaya, Sector 62", "noidapolice", author="asha", conversation=841))
    source.fail("lucknowpolice", RateLimited(None))
    assert len(run().created) == 1
    late = run()
    assert late.created == [] and late.skipped["follow_up"] == 1
    [complaint] = store.complaints.complaints.values()
    [start] = [e for e in complaint.history if e.action != "reply_sent"]
    assert start.action == "citizen_thread_start" and start.details["tweet_id"] == "841" and len(alerts.sent) == 1


def test_a_thread_start_fetched_after_its_follow_up_was_closed_is_a_complaint_of_its_own(desk):
    from dataclasses import replace as change

    source, store, alerts, run = desk
    source.add("lucknowpolice", mention(851, "Aliganj me chori ho gayi", "lucknowpolice", author="asha"))
    source.add("noidapolice", mention(855, "Sector 62 me bhi chori", "noidapolice", author="asha", conversation=851))
    source.fail("lucknowpolice", RateLimited(None))
    [first] = run().created
    store.complaints.complaints[first] = change(store.complaints.complaints[first], status=Status.CLOSED)
    assert len(run().created) == 1


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
    assert len(report.created) == 1 and report.sent.alerts_sent == 1


def test_unusable_tweets_are_counted_and_the_rest_of_the_page_recorded():
    from chalicelib.adapters.x_source import mentions_from

    good = {"id": "1", "text": "@lucknowpolice chori", "author_id": "9", "created_at": "2026-11-29T05:00:00.000Z"}
    body = {"data": [good, {"id": "2", "text": "no author"}, {"id": "3", "text": "x", "author_id": "9", "created_at": "soon"}],
            "includes": {"users": [{"id": "9", "username": "asha"}]}}
    mentions, rejected = mentions_from(body)
    assert [m.tweet_id for m in mentions] == ["1"] and rejected == 2


def test_a_follow_up_whose_complaint_closes_while_it_is_saved_becomes_a_complaint_of_its_own(desk):
    from dataclasses import replace as change

    source, store, alerts, run = desk
    source.add("lucknowpolice", mention(861, "Aliganj me chori ho gayi", "lucknowpolice", author="asha"))
    [first] = run().created
    original = store.complaints.save

    def closing_first(c):  # an officer closes the complaint between the poll's read and its write
        current = store.complaints.complaints[first]
        store.complaints.complaints[first] = change(current, status=Status.REJECTED, version=current.version + 1)
        store.complaints.save = original
        return original(c)

    store.complaints.save = closing_first
    source.add("lucknowpolice", mention(865, "ab to ghar me ghus aaye", "lucknowpolice", author="asha", conversation=861))
    report = run()
    assert len(report.created) == 1 and store.complaints.by_tweet["865"] == report.created[0]


def test_a_text_triage_fails_on_goes_to_the_state_review_queue_and_the_poll_goes_on(desk):
    source, store, alerts, run = desk
    source.add("lucknowpolice", mention(871, "Aliganj me chori, call 9876543210", "lucknowpolice"),
               mention(872, "Hazratganj me jam", "lucknowpolice"))

    def classify(text, tagged, speaker):
        if "chori" in text:
            raise RecursionError("a bug in triage")
        from chalicelib.triage import triage
        return triage(text, tagged, speaker)

    report = poll(REGISTRY, source, store, alerts, FakeReplies(), FakeClock(), POLICIES, classify=classify)
    assert len(report.created) == 2 and report.skipped["triage_failed"] == 1
    unsorted = store.complaints.complaints[store.complaints.by_tweet["871"]]
    assert unsorted.district is None and unsorted.ref.startswith("UP-HQ-") and "[phone]" in unsorted.masked_text
    # A person reads it before any officer's phone rings.
    assert unsorted.status.value == "needs_review" and not unsorted.alert.pending and not unsorted.replies
    assert [c.tweet_id for c in alerts.sent] == ["872"]
    assert store.handles.states(["lucknowpolice"])["lucknowpolice"].since_id == "872"


def test_a_mention_the_store_refuses_for_good_is_counted_and_does_not_stop_its_handle(desk):
    from chalicelib.services.ports import StorageRejected

    source, store, alerts, run = desk
    source.add("noidapolice", mention(881, "Sector 18 me chori", "noidapolice"), mention(882, "Sector 62 me jam", "noidapolice"))
    original = store.complaints.create

    def refusing(change, take_thread=False):
        if change.after.tweet_id == "881":
            raise StorageRejected("DynamoDB: ValidationException: Item size has exceeded the maximum allowed size")
        return original(change, take_thread)

    store.complaints.create = refusing
    report = run()
    assert report.skipped["storage_rejected"] == 1 and len(report.created) == 1
    assert store.handles.states(["noidapolice"])["noidapolice"].since_id == "882"


def test_a_follow_up_read_while_another_run_records_its_thread_joins_that_complaint(desk):
    # chaos (kills): the stream's recorder and the search read the thread at once; this run looked the thread
    # up before the other run's complaint was written. It must join that complaint, not make a second one.
    source, store, alerts, run = desk
    source.add("lucknowpolice", mention(871, "Aliganj me chori ho gayi", "lucknowpolice", author="asha"))
    [first] = run().created
    store.complaints.thread_of = lambda conversation, author: None  # what this run read, before the other wrote
    source.add("lucknowpolice", mention(875, "abhi tak koi nahi aaya", "lucknowpolice", author="asha", conversation=871))
    report = run()
    assert report.created == [] and store.complaints.by_tweet["875"] == first
    assert [c.ref for c in store.complaints.complaints.values()] == [first]
