"""The desk's side of triage's outcomes, through the services with in-memory fakes: what the poll records,
alerts and answers for each outcome, the review queue and its decisions, /status's counters."""

from dataclasses import replace

import pytest

from chalicelib.domain.access import Principal
from chalicelib.domain.handles import load_registry
from chalicelib.errors import Forbidden, InvalidAction
from chalicelib.services import complaints as service
from chalicelib.services.poll import poll
from chalicelib.services.status import status
from chalicelib.triage import triage
from tests.fakes import POLICIES, FakeAlerts, FakeClock, FakeDesk, FakeReplies, FakeSource, mention

REGISTRY = load_registry()
ADMIN = Principal("admin-1", "admin")
OFFICER = Principal("officer-162", "officer", frozenset({162}))


def deciding(outcome, channel=None):
    """Triage as it is, with the outcome the test needs (triage's rules are another helper's work)."""
    def classify(text, tagged, speaker):
        return replace(triage(text, tagged, speaker), outcome=outcome, channel=channel,
                       is_complaint=outcome == "complaint")
    return classify


@pytest.fixture
def desk():
    source, store, alerts, replies, clock = FakeSource(), FakeDesk(), FakeAlerts(), FakeReplies(), FakeClock()
    store.grants.authorise(*(h.handle for h in REGISTRY))

    def run(classify, *mentions):
        source.add("lucknowpolice", *mentions)
        return poll(REGISTRY, source, store, alerts, replies, clock, POLICIES, classify=classify)

    return store, alerts, replies, clock, run


def test_a_mention_for_review_is_recorded_once_and_rings_no_phone(desk):
    store, alerts, replies, clock, run = desk
    m = mention(101, "Aliganj wale log dekh lo ye kya ho raha hai", "lucknowpolice")
    first = run(deciding("needs_review"), m)
    again = run(deciding("needs_review"), m)  # fetched again (a crash before the cursor moved): the tweet guard holds
    assert len(first.created) == 1 and again.created == [] and len(store.complaints.complaints) == 1
    assert alerts.sent == [] and replies.posted == []
    assert store.stats.state["status:needs_review"] == 1


def test_a_post_about_the_railways_is_answered_with_railmadad_from_the_tagged_handle_and_alerts_nobody(desk):
    store, alerts, replies, clock, run = desk
    report = run(deciding("outside_jurisdiction", "railways"),
                 mention(102, "@lucknowpolice Lucknow Mail 5 ghante late, coach me paani nahi", "lucknowpolice"))
    [ref] = report.created
    assert alerts.sent == [] and replies.senders == ["lucknowpolice"]
    [(in_reply_to, text)] = replies.posted
    assert in_reply_to == "102" and "RailMadad 139" in text and "Indian Railways" in text
    assert store.complaints.get(ref).replies["outside_jurisdiction"].status == "sent"


def test_a_mention_not_actionable_gets_neither_an_alert_nor_an_acknowledgement(desk):
    store, alerts, replies, clock, run = desk
    run(deciding("not_actionable"), mention(103, "@lucknowpolice great work, thank you", "lucknowpolice"))
    assert alerts.sent == [] and replies.posted == [] and store.stats.state["status:not_actionable"] == 1


def test_the_review_queue_lists_what_waits_with_its_size_and_admins_alone_see_or_decide_it(desk):
    store, alerts, replies, clock, run = desk
    run(deciding("needs_review"), *(mention(110 + i, f"Aliganj me kuch to gadbad hai {i}", "lucknowpolice")
                                    for i in range(3)))
    page = service.review_queue(store, ADMIN, limit=2)
    assert page["waiting"] == 3 and len(page["complaints"]) == 2 and page["next_cursor"]
    rest = service.review_queue(store, ADMIN, limit=2, cursor=page["next_cursor"])
    assert len(rest["complaints"]) == 1 and rest["next_cursor"] is None
    assert {c["status"] for c in page["complaints"] + rest["complaints"]} == {"needs_review"}
    with pytest.raises(Forbidden, match="review queue is for admins"):
        service.review_queue(store, OFFICER)
    ref = page["complaints"][0]["ref"]
    with pytest.raises(Forbidden, match="decided by admins"):
        service.act(store, alerts, OFFICER, ref, {"action": "review", "outcome": "not_actionable"}, clock, POLICIES)
    with pytest.raises(InvalidAction, match="decide it with the review action"):
        service.act(store, alerts, ADMIN, ref, {"action": "transfer", "to_district": 162}, clock, POLICIES)


def test_a_review_deciding_a_complaint_alerts_its_new_owner_at_once_and_the_citizen_hears_at_the_next_poll(desk):
    store, alerts, replies, clock, run = desk
    [ref] = run(deciding("needs_review"), mention(120, "Aliganj me raat bhar shor", "lucknowpolice")).created
    clock.advance(hours=1)
    shown = service.act(store, alerts, ADMIN, ref, {"action": "review", "outcome": "complaint", "to_district": 162,
                                                    "to_department": "police", "urgent": True}, clock, POLICIES)
    assert shown["status"] == "transferred" and shown["urgent"] and shown["history"][-1]["outcome"] == "complaint"
    assert [c.ref for c in alerts.sent] == [ref] and alerts.sent[0].alert.event == "transferred"
    run(deciding("complaint"))
    assert replies.senders == ["lucknowpolice"] and ref in replies.posted[0][1]
    [example] = store.corrections.kept
    assert (example.kind, example.outcome, example.district, example.department, example.urgent) == (
        "review", "complaint", 162, "police", True)
    board = status(store, REGISTRY, clock)
    assert board["review"] == {"waiting": 0, "decided": 1}
    assert board["complaints"]["by_status"] == {"transferred": 1}


def test_status_counts_the_queue_from_counters_and_the_outcomes_by_status(desk):
    store, alerts, replies, clock, run = desk
    run(deciding("needs_review"), mention(130, "kuch to hai", "lucknowpolice"), mention(131, "aur kuch", "lucknowpolice"))
    run(deciding("outside_jurisdiction", "railways"), mention(132, "train late hai", "lucknowpolice"))
    board = status(store, REGISTRY, clock)
    assert board["review"] == {"waiting": 2, "decided": 0}
    assert board["complaints"]["by_status"] == {"needs_review": 2, "outside_jurisdiction": 1}
    assert board["complaints"]["oldest_open_age_seconds"] is None  # nothing waits on an officer


def test_an_officer_marks_a_complaint_urgent_and_the_example_is_kept(desk):
    store, alerts, replies, clock, run = desk
    [ref] = run(deciding("complaint"), mention(140, "Aliganj me chori ho gayi", "lucknowpolice")).created
    clock.advance(minutes=5)
    shown = service.act(store, alerts, OFFICER, ref, {"action": "urgency", "urgent": True}, clock, POLICIES)
    assert shown["urgent"] and store.stats.state["urgent"] == 1
    assert [(e.kind, e.urgent, e.at) for e in store.corrections.kept] == [("urgency", True, clock())]
