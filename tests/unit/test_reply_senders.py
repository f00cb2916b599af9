"""Who replies to a citizen: a tagged handle that authorised the desk, the best placed one first; blocked
replies when none has; the stage switch."""

from dataclasses import replace
from datetime import timedelta

import pytest

from chalicelib.domain.handles import Registry, load_registry
from chalicelib.domain.senders import reply_senders, summary_senders
from chalicelib.services.poll import poll
from chalicelib.services.ports import NeedsAuthorisation, RateLimited, ReplyFailed
from chalicelib.services.sending import POSTING_OFF
from chalicelib.services.status import status
from tests.fakes import POLICIES, FakeAlerts, FakeClock, FakeDesk, FakeReplies, FakeSource, mention

REGISTRY = load_registry()
LUCKNOW_THEFT = "Aliganj Lucknow me chori ho gayi"


class Desk:
    def __init__(self, *authorised: str):
        self.source, self.store, self.alerts, self.clock = FakeSource(), FakeDesk(), FakeAlerts(), FakeClock()
        self.replies, self.registry = FakeReplies(), REGISTRY
        self.store.grants.authorise(*authorised)

    def run(self, posting=True):
        return poll(self.registry, self.source, self.store, self.alerts, self.replies if posting else None, self.clock,
                    POLICIES)

    def tweet(self, tweet_id, text, *tagged):
        self.source.add(tagged[0], mention(tweet_id, text, *tagged))

    def reply(self, kind="acknowledged"):
        [complaint] = self.store.complaints.complaints.values()
        return complaint, complaint.replies[kind]


def test_the_best_placed_tagged_handle_comes_first_then_district_then_department_then_any():
    ranked = reply_senders(["UPPCLLKO", "Uppolice", "noidapolice", "lucknowpolice", "unwatched"], REGISTRY, 162, "police")
    assert [h.handle for h in ranked] == ["lucknowpolice", "Uppolice", "noidapolice", "UPPCLLKO"]
    assert [h.handle for h in reply_senders(["noidatraffic", "noidapolice"], REGISTRY, 144, "transport")] == \
        ["noidatraffic", "noidapolice"]
    assert [h.handle for h in summary_senders(REGISTRY, "electricity")] == ["UPPCLLKO"]
    assert summary_senders(REGISTRY, "police")[0].handle == "Uppolice"


def test_the_reply_goes_from_the_authorised_tagged_handle_owning_the_complaint_and_says_so():
    desk = Desk("Uppolice", "lucknowpolice")
    desk.tweet(101, LUCKNOW_THEFT, "Uppolice", "lucknowpolice")
    assert desk.run().sent.replies_sent == 1
    complaint, reply = desk.reply()
    assert desk.replies.senders == ["lucknowpolice"] and reply.from_handle == "lucknowpolice"
    assert complaint.history[-1].action == "reply_sent" and complaint.history[-1].details["from_handle"] == "lucknowpolice"


def test_an_unauthorised_best_handle_is_passed_over_for_a_tagged_one_that_is_authorised():
    desk = Desk("Uppolice")
    desk.tweet(101, LUCKNOW_THEFT, "lucknowpolice", "Uppolice")
    desk.run()
    assert desk.replies.senders == ["Uppolice"] and desk.reply()[1].from_handle == "Uppolice"


def test_with_no_tagged_handle_authorised_the_reply_is_blocked_with_the_reason_and_not_retried_every_minute():
    desk = Desk("noidapolice")
    desk.tweet(101, LUCKNOW_THEFT, "lucknowpolice")
    report = desk.run()
    complaint, reply = desk.reply()
    assert report.sent.replies_blocked == 1 and desk.replies.posted == []
    assert reply.status == "blocked"
    assert reply.last_error == "no tagged handle is authorised: @lucknowpolice needs authorisation"
    assert desk.store.stats.state["replies_blocked"] == 1
    desk.clock.advance(minutes=30)
    assert desk.run().sent.replies_blocked == 0 and desk.reply()[1].at == reply.at  # not looked at again yet
    desk.clock.advance(minutes=30)
    desk.run()
    assert desk.reply()[1].at == desk.clock.now and desk.store.stats.state["replies_blocked"] == 1  # counted once


def test_a_blocked_reply_goes_out_as_soon_as_a_tagged_handle_is_authorised():
    desk = Desk()
    desk.tweet(101, LUCKNOW_THEFT, "lucknowpolice")
    desk.run()
    desk.clock.advance(minutes=5)
    desk.store.grants.authorise("lucknowpolice")
    assert desk.run().sent.replies_sent == 1 and desk.replies.senders == ["lucknowpolice"]
    assert desk.reply()[1].status == "sent"


def test_a_reply_blocked_for_48_hours_is_undeliverable():
    desk = Desk()
    desk.tweet(101, LUCKNOW_THEFT, "lucknowpolice")
    desk.run()
    for _ in range(48):
        desk.clock.advance(hours=1)
        report = desk.run()
    assert report.sent.replies_undeliverable == 1 and desk.reply()[1].status == "undeliverable"
    assert desk.store.stats.state["replies_undeliverable"] == 1
    desk.store.grants.authorise("lucknowpolice")
    desk.clock.advance(hours=1)
    assert desk.run().sent.replies_sent == 0 and desk.replies.posted == []


def test_a_handle_whose_grant_is_revoked_mid_run_hands_the_reply_to_the_next_tagged_handle():
    desk = Desk("lucknowpolice", "Uppolice")
    desk.replies.failing_for["lucknowpolice"] = NeedsAuthorisation("lucknowpolice", "revoked")
    desk.tweet(101, LUCKNOW_THEFT, "lucknowpolice", "Uppolice")
    desk.run()
    assert desk.replies.senders == ["Uppolice"]


def test_a_reply_whose_only_handle_is_revoked_is_blocked_saying_it_needs_authorisation_again():
    desk = Desk("lucknowpolice")
    desk.replies.failing_for["lucknowpolice"] = NeedsAuthorisation("lucknowpolice", "revoked")
    desk.tweet(101, LUCKNOW_THEFT, "lucknowpolice")
    assert desk.run().sent.replies_blocked == 1
    assert "@lucknowpolice needs authorisation again" in desk.reply()[1].last_error


def test_with_posting_switched_off_nothing_is_posted_and_replies_stay_pending():
    desk = Desk("lucknowpolice")
    desk.tweet(101, LUCKNOW_THEFT, "lucknowpolice")
    report = desk.run(posting=False)
    assert report.sent.posting == POSTING_OFF and report.as_dict()["posting"] == POSTING_OFF
    assert desk.replies.posted == [] and desk.reply()[1].status == "pending"
    body = status(desk.store, REGISTRY, desk.clock, posting_enabled=False)
    assert body["replies"]["posting"] == "posting to X is switched off in this stage"
    assert desk.run().sent.replies_sent == 1  # switched on: it goes out


def test_status_shows_each_handles_authorisation_and_hold():
    desk = Desk("lucknowpolice", "noidapolice")
    grant = desk.store.grants.get("id-noidapolice")
    desk.store.grants.mark_needs_authorisation(grant, "revoked by its owner", desk.clock.now)
    desk.store.outbox.hold_replies("lucknowpolice", desk.clock.now + timedelta(minutes=5))
    handles = {h["handle"]: h for h in status(desk.store, REGISTRY, desk.clock)["handles"]}
    assert handles["lucknowpolice"]["authorisation"] == "authorised"
    assert handles["lucknowpolice"]["replies_held_until"] == (desk.clock.now + timedelta(minutes=5)).isoformat()
    assert handles["noidapolice"]["authorisation"] == "needs_authorisation"
    assert handles["noidapolice"]["authorisation_detail"] == "revoked by its owner"
    assert handles["meerutpolice"]["authorisation"] == "not_authorised"


@pytest.mark.parametrize("authorised, sent, skipped", [(("Uppolice",), ["police"], {}),
                                                       ((), [], {"police": "no authorised state-wide handle of the department"})])
def test_the_weekly_summary_posts_from_the_departments_own_handle_or_says_why_not(authorised, sent, skipped):
    from chalicelib.services.reports import weekly_summary

    desk = Desk("lucknowpolice", *authorised)
    desk.tweet(101, LUCKNOW_THEFT, "lucknowpolice")
    desk.run()
    run = weekly_summary(desk.store, desk.replies.post, REGISTRY, POLICIES, lambda: desk.clock.now + timedelta(days=7))
    assert run.sent == sent and desk.replies.senders[1:] == list(authorised)
    assert {k: v.split(" (")[0] for k, v in run.skipped.items()} == skipped


def test_a_reply_whose_answer_was_lost_is_tried_again_only_from_the_handle_that_may_have_posted_it():
    """X refuses the same text twice only from the same account: another tagged handle would post it again."""
    desk = Desk("Uppolice", "lucknowpolice")
    desk.tweet(101, LUCKNOW_THEFT, "Uppolice", "lucknowpolice")
    post = desk.replies.post_reply

    def posted_but_the_answer_was_lost(handle, in_reply_to, text):
        post(handle, in_reply_to, text)
        raise ReplyFailed("ReadTimeout: X took the post, its answer never came")

    desk.replies.post_reply = posted_but_the_answer_was_lost
    desk.run()
    assert desk.reply()[1].status == "pending" and desk.reply()[1].from_handle == "lucknowpolice"
    desk.replies.post_reply = post
    desk.replies.failing_for["lucknowpolice"] = RateLimited(desk.clock.now + timedelta(minutes=10))
    desk.clock.advance(minutes=2)
    desk.run()
    assert desk.replies.senders == ["lucknowpolice"] and desk.reply()[1].status == "pending"  # it waits for it
    del desk.replies.failing_for["lucknowpolice"]
    desk.clock.advance(minutes=10)
    desk.run()
    assert desk.replies.senders == ["lucknowpolice"] and desk.reply()[1].status == "sent"


def test_a_reply_whose_first_sender_lost_its_authorisation_goes_from_another_tagged_handle():
    desk = Desk("Uppolice", "lucknowpolice")
    desk.tweet(101, LUCKNOW_THEFT, "Uppolice", "lucknowpolice")
    desk.replies.failing_for["lucknowpolice"] = ReplyFailed("ReadTimeout")
    desk.run()
    desk.replies.failing_for["lucknowpolice"] = NeedsAuthorisation("lucknowpolice", "revoked")
    desk.clock.advance(minutes=2)
    desk.run()
    assert desk.replies.senders == ["Uppolice"] and desk.reply()[1].status == "sent"


def test_a_blocked_reply_whose_authorised_handle_is_switched_off_is_looked_at_hourly_not_every_poll():
    desk = Desk()
    desk.tweet(101, LUCKNOW_THEFT, "lucknowpolice")
    desk.run()
    desk.store.grants.authorise("lucknowpolice")  # authorised, but an admin switched the handle off
    desk.registry = Registry([replace(h, enabled=h.key != "lucknowpolice") for h in REGISTRY.all()])
    desk.clock.advance(minutes=1)
    desk.run()
    looked_at = desk.reply()[1].at
    for _ in range(3):
        desk.clock.advance(minutes=1)
        desk.run()
    assert desk.reply()[1].status == "blocked" and desk.reply()[1].at == looked_at and desk.replies.posted == []


def test_a_backfills_sending_adds_to_the_runs_counts_and_keeps_words_whole():
    from chalicelib.services.sending import POSTING_OFF, Sent

    run, backfill = Sent(alerts_sent=2, replies_held=["a"]), Sent(alerts_sent=3, replies_sent=1, replies_held=["a", "b"])
    run.add(backfill)
    assert (run.alerts_sent, run.replies_sent, run.replies_held, run.posting) == (5, 1, ["a", "b"], "on")
    run.add(Sent(posting=POSTING_OFF))
    assert run.posting == POSTING_OFF


def test_two_runs_holding_the_same_waiting_reply_never_post_it_from_two_accounts():
    """Found by make chaos (x_faults): run B read the reply before run A posted it and, seeing A's handle held by
    X's posting limit, posted it from another tagged handle: the citizen got it twice (X refuses a repeated text
    only from the same account). The handle is named before posting; B's own choice is refused."""
    from chalicelib.services.sending import ReplyRun, Sent

    desk = Desk("Uppolice", "lucknowpolice")
    desk.tweet(101, LUCKNOW_THEFT, "Uppolice", "lucknowpolice")
    desk.run(posting=False)
    stale, _ = desk.reply()
    first, second = (ReplyRun(desk.store, desk.registry, desk.clock, Sent()) for _ in range(2))
    assert first.ready() and second.ready()
    second.held["lucknowpolice"] = desk.clock.now + timedelta(minutes=10)  # B met X's limit on it meanwhile
    first.send(desk.replies, stale, "acknowledged")
    second.send(desk.replies, stale, "acknowledged")
    assert desk.replies.senders == ["lucknowpolice"] and desk.reply()[1].status == "sent"
