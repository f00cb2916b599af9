"""Officers' actions on complaints: every transition, legal and illegal, and what each leaves behind."""

from datetime import datetime, timedelta, timezone

import pytest

from chalicelib.domain import sla
from chalicelib.domain.complaint import Complaint
from chalicelib.domain.lifecycle import ACTIONS, Action
from chalicelib.domain.status import TRANSITIONS, Status
from chalicelib.domain.values import Alert
from chalicelib.errors import IllegalTransition, InvalidAction
from tests.fakes import POLICIES

NOW = datetime(2026, 11, 29, 6, 0, tzinfo=timezone.utc)
SENT = Alert(state="sent")
NOT_NEEDED = Alert(state="not_needed")


def apply(before: Complaint, action: Action, now=NOW) -> Complaint:
    return before.act(action, now, POLICIES).after


def complaint(status=Status.NEW, **kw) -> Complaint:
    fields = dict(
        ref="UP-LKO-26-000001", tweet_id="1", text="Aliganj me chori", masked_text="Aliganj me chori",
        author_id="9", author_username="asha", tweet_url="https://x.com/asha/status/1", conversation_id="1",
        tweeted_at=NOW, created_at=NOW, district=162, department="police", urgent=False, confidence=0.9,
        handles=("lucknowpolice",), status=status, alert=SENT,
        clock=sla.receive(POLICIES.sla, NOW, "police", False),
    )
    return Complaint(**(fields | kw))


def action(name, **kw):
    defaults = {"reject": {"reason": "duplicate"}, "transfer": {"to_district": 144}}
    return Action(name, "officer-162", **(defaults.get(name, {}) | kw))


@pytest.mark.parametrize("status", list(Status))
@pytest.mark.parametrize("name", [name for name, target in ACTIONS.items() if target])  # review, urgency: test_review
def test_every_action_from_every_status_is_allowed_exactly_when_the_transition_is(status, name):
    before = complaint(status, resolved_at=NOW if status == Status.RESOLVED else None)
    if status == Status.NEEDS_REVIEW:
        with pytest.raises(InvalidAction, match="waits for review: decide it with the review action"):
            apply(before, action(name))
    elif ACTIONS[name] in TRANSITIONS[status]:
        after = apply(before, action(name))
        assert after.status == ACTIONS[name] and after.version == before.version + 1
        last = after.history[-1].as_dict()
        assert last == last | {"by": "officer-162", "action": name, "from": status.value, "to": ACTIONS[name].value}
    else:
        with pytest.raises(IllegalTransition, match=f"{status.value} cannot become {ACTIONS[name].value}"):
            apply(before, action(name))


def test_history_keeps_who_when_and_the_note():
    after = apply(complaint(), action("acknowledge", note="SHO Aliganj informed"))
    assert [e.as_dict() for e in after.history] == [{"at": NOW.isoformat(), "by": "officer-162", "action": "acknowledge",
                              "from": "new", "to": "acknowledged", "note": "SHO Aliganj informed"}]


def test_rejecting_needs_one_of_the_known_reasons():
    with pytest.raises(InvalidAction, match="reason"):
        Action("reject", "o")
    with pytest.raises(InvalidAction, match="reason"):
        Action("reject", "o", reason="bored")
    after = apply(complaint(), action("reject", reason="out_of_jurisdiction"))
    assert after.history[-1].details["reason"] == "out_of_jurisdiction"


def test_a_transfer_moves_the_complaint_and_alerts_the_new_owner():
    after = apply(complaint(), action("transfer", to_district=144, to_department="transport"))
    assert (after.district, after.department, after.status) == (144, "transport", Status.TRANSFERRED)
    assert (after.alert.state, after.alert.event) == ("pending", "transferred")
    assert after.history[-1].details["to_district"] == 144 and after.history[-1].details["from_district"] == 162


def test_a_transfer_to_where_it_already_is_or_to_nowhere_is_refused():
    with pytest.raises(InvalidAction, match="already"):
        apply(complaint(), action("transfer", to_district=162))
    with pytest.raises(InvalidAction, match="to_district"):
        Action("transfer", "o")
    with pytest.raises(InvalidAction, match="unknown district"):
        Action("transfer", "o", to_district=9999)


def test_a_mention_judged_not_actionable_is_rescued_by_transferring_it():
    after = apply(complaint(Status.NOT_ACTIONABLE, alert=NOT_NEEDED), action("transfer"))
    assert after.status == Status.TRANSFERRED and after.alert.state == "pending"


def test_resolving_records_the_time_and_queues_a_reply_without_the_note():
    after = apply(complaint(Status.IN_PROGRESS), action("resolve", note="Chain recovered, accused arrested"))
    assert after.resolved_at == NOW
    reply = after.replies["resolved"]
    assert reply.status == "pending" and "UP-LKO-26-000001" in reply.text
    assert "accused arrested" not in reply.text  # notes are internal


def test_a_resolution_can_be_disputed_only_within_the_window():
    resolved = complaint(Status.RESOLVED, resolved_at=NOW - timedelta(days=3))
    assert apply(resolved, action("reopen")).status == Status.REOPENED
    stale = complaint(Status.RESOLVED, resolved_at=NOW - timedelta(days=8))
    with pytest.raises(InvalidAction, match="7 days"):
        apply(stale, action("reopen"))


def test_notes_over_2000_characters_and_stray_fields_are_refused():
    with pytest.raises(InvalidAction, match="2000"):
        Action("acknowledge", "o", note="x" * 2001)
    with pytest.raises(InvalidAction, match="only 'reject'"):
        Action("acknowledge", "o", reason="duplicate")
    with pytest.raises(InvalidAction, match="unknown action"):
        Action("escalate", "o")


def test_a_citizen_keeps_at_most_fifty_posts_in_a_complaints_history_and_every_later_one_is_still_recorded():
    from chalicelib.domain.complaint import MAX_FOLLOW_UP_TEXT, MAX_FOLLOW_UPS
    from tests.fakes import mention

    c = complaint()
    for n in range(MAX_FOLLOW_UPS):
        c = c.follow_up(mention(100 + n, "x", "lucknowpolice", conversation=1), "abhi tak koi nahi" * 200, NOW).after
    assert len(c.history) == MAX_FOLLOW_UPS and all(len(e.details["note"]) == MAX_FOLLOW_UP_TEXT for e in c.history)
    beyond = c.follow_up(mention(999, "x", "lucknowpolice", conversation=1), "phir se", NOW)
    assert beyond.after.history == c.history and beyond.recorded_tweet == "999"
