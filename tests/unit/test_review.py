"""Triage's four outcomes on the complaint: the review queue, answers for what is outside the state's reach,
reviewers' decisions, urgency changed by officers, and every correction kept as a labelled example."""

import copy
import json
from datetime import timedelta

import pytest

from chalicelib.domain.lifecycle import Action
from chalicelib.domain.messages import DEFAULT_PATH, Messages, MessagesError, public_contact
from chalicelib.domain.status import Status
from chalicelib.domain.tally import STATE, Scope, iso_week
from chalicelib.errors import IllegalTransition, InvalidAction
from chalicelib.triage.jurisdiction import CHANNELS, Channel
from tests.builders import NOW, POLICIES, act, received

LATER = NOW + timedelta(hours=2)
RAIL = "@Uppolice Train 12230 Lucknow Mail 5 ghante late hai, AC coach me paani nahi"
RAIL_HI = "@Uppolice लखनऊ मेल 5 घंटे लेट है, कोच में पानी नहीं है"


def waiting(**kw):
    return received(1, outcome="needs_review", district=None, department="other", **kw).after


# --- received --------------------------------------------------------------------------------

def test_a_mention_triage_cannot_decide_waits_for_review_with_no_alert_deadline_or_reply():
    change = received(1, outcome="needs_review")
    c = change.after
    assert c.status == Status.NEEDS_REVIEW and not c.alert.pending and c.clock.stage is None and not c.replies
    assert change.counts[STATE] == {"complaints": 1, "status:needs_review": 1}  # the queue's size is a counter
    assert not c.takes_follow_ups  # a later post of the citizen is triaged afresh: evidence may come with it


def test_a_mention_judged_not_actionable_is_recorded_as_today_with_no_acknowledgement():
    c = received(1, is_complaint=False).after
    assert c.status == Status.NOT_ACTIONABLE and not c.alert.pending and not c.replies


@pytest.mark.parametrize("text, words", [(RAIL, "Please contact Indian Railways (RailMadad): RailMadad 139"),
                                         (RAIL_HI, "कृपया भारतीय रेल (रेलमदद) से संपर्क करें: RailMadad 139")])
def test_a_post_about_a_central_body_gets_a_reply_naming_its_channel_and_no_officer_alert(text, words):
    c = received(1, text=text, outcome="outside_jurisdiction", channel="railways").after
    assert c.status == Status.OUTSIDE_JURISDICTION and c.channel == "railways" and not c.alert.pending
    assert list(c.replies) == ["outside_jurisdiction"] and words in c.replies["outside_jurisdiction"].text
    assert "railmadad.indianrailways.gov.in" not in c.replies["outside_jurisdiction"].text  # no links in public texts


def test_an_outside_jurisdiction_outcome_with_a_channel_nobody_knows_is_recorded_without_a_reply():
    c = received(1, outcome="outside_jurisdiction", channel="martian_railways").after
    assert c.status == Status.OUTSIDE_JURISDICTION and not c.replies


# --- the review ------------------------------------------------------------------------------

def test_a_review_deciding_a_complaint_routes_it_like_a_transfer_and_acknowledges_the_citizen():
    change = act(waiting(), "review", LATER, claim="api-1", outcome="complaint", to_district=144,
                 to_department="police", urgent=True)
    c = change.after
    assert (c.status, c.district, c.department, c.urgent) == (Status.TRANSFERRED, 144, "police", True)
    assert c.alert.pending and c.alert.event == "transferred" and c.alert.claim == "api-1"
    assert c.clock.stage == "acknowledge" and c.clock.started_at == LATER
    assert c.replies["acknowledged"].pending and c.ref in c.replies["acknowledged"].text
    assert c.history[-1].action == "review" and c.history[-1].details["outcome"] == "complaint"
    week = Scope.of_week(iso_week(LATER, POLICIES.sla.tz), "police")
    assert change.counts[STATE]["reviewed"] == 1 and change.counts[week]["received"] == 1
    assert change.counts[STATE]["status:needs_review"] == -1 and change.counts[STATE]["urgent"] == 1


def test_a_review_deciding_not_actionable_alerts_and_answers_nobody():
    change = act(waiting(), "review", LATER, outcome="not_actionable")
    c = change.after
    assert c.status == Status.NOT_ACTIONABLE and not c.alert.pending and not c.replies and c.clock.stage is None
    assert change.counts[STATE]["reviewed"] == 1 and not any(s.kind == "week" for s in change.counts)


def test_a_review_deciding_outside_jurisdiction_tells_the_citizen_where_to_go():
    c = act(waiting(text=RAIL), "review", LATER, outcome="outside_jurisdiction", channel="railways").after
    assert c.status == Status.OUTSIDE_JURISDICTION and c.channel == "railways" and not c.alert.pending
    assert "RailMadad 139" in c.replies["outside_jurisdiction"].text


@pytest.mark.parametrize("fields, message", [
    ({"outcome": "complaint", "to_district": 162}, "needs to_district and to_department"),
    ({"outcome": "outside_jurisdiction"}, "needs the channel that owns it"),
    ({"outcome": "outside_jurisdiction", "channel": "nasa"}, "needs the channel that owns it"),
    ({"outcome": "not_actionable", "to_district": 162}, "only a review deciding a complaint takes to_district"),
    ({"outcome": "not_actionable", "urgent": True}, "take urgent"),
    ({"outcome": "complaint", "to_district": 162, "to_department": "police", "channel": "railways"},
     "only a review deciding outside_jurisdiction takes a channel"),
    ({"outcome": "needs_review"}, "needs an outcome"),
    ({}, "needs an outcome"),
])
def test_a_review_without_what_its_decision_needs_is_refused(fields, message):
    with pytest.raises(InvalidAction, match=message):
        Action("review", "admin", **fields)


def test_only_a_mention_waiting_for_review_is_reviewed_and_nothing_else_is_done_to_it():
    with pytest.raises(InvalidAction, match="only a mention waiting for review can be reviewed; this one is new"):
        act(received(1).after, "review", LATER, outcome="not_actionable")
    with pytest.raises(InvalidAction, match="decide it with the review action"):
        act(waiting(), "transfer", LATER, to_district=162)


def test_a_record_outside_the_states_reach_can_be_rescued_into_a_district_or_closed():
    outside = received(1, outcome="outside_jurisdiction", channel="railways").after
    rescued = act(outside, "transfer", LATER, claim="api-1", to_department="police").after  # same owner: the alert is new
    assert rescued.status == Status.TRANSFERRED and rescued.alert.pending
    assert act(outside, "close", LATER).after.status == Status.CLOSED
    with pytest.raises(IllegalTransition):
        act(outside, "acknowledge", LATER)


# --- urgency ---------------------------------------------------------------------------------

def test_an_officer_changes_urgency_on_an_open_complaint_and_the_state_count_follows():
    c = received(1).after
    change = act(c, "urgency", LATER, urgent=True, note="a child is trapped")
    assert change.after.urgent and change.after.status == c.status and change.after.version == c.version + 1
    assert change.after.history[-1].as_dict() == {"at": LATER.isoformat(), "by": "officer-162", "action": "urgency",
                                                  "urgent": True, "note": "a child is trapped"}
    assert change.counts[STATE] == {"urgent": 1}
    assert act(change.after, "urgency", LATER, urgent=False).counts[STATE] == {"urgent": -1}


@pytest.mark.parametrize("fields, message", [({}, "needs urgent"), ({"urgent": "yes"}, "needs urgent")])
def test_urgency_needs_a_yes_or_no(fields, message):
    with pytest.raises(InvalidAction, match=message):
        Action("urgency", "o", **fields)


def test_urgency_is_refused_when_it_would_change_nothing_or_the_complaint_is_closed():
    with pytest.raises(InvalidAction, match="already not urgent"):
        act(received(1).after, "urgency", LATER, urgent=False)
    rejected = act(received(1).after, "reject", LATER).after
    with pytest.raises(InvalidAction, match="open complaints; this one is rejected"):
        act(rejected, "urgency", LATER, urgent=True)
    with pytest.raises(InvalidAction, match="only 'urgency' and a review"):
        Action("acknowledge", "o", urgent=True)


# --- corrections as labelled examples --------------------------------------------------------

PHONE_TEXT = "Aliganj me chori, mera number 9876543210"


@pytest.mark.parametrize("name, fields, label", [
    ("transfer", {"to_district": 144, "to_department": "water"},
     {"kind": "transfer", "outcome": "complaint", "district": 144, "department": "water", "urgent": None}),
    ("reject", {"reason": "not_actionable"},
     {"kind": "not_actionable", "outcome": "not_actionable", "district": None, "department": None, "urgent": None}),
    ("reject", {"reason": "out_of_jurisdiction"},
     {"kind": "rejected", "outcome": "outside_jurisdiction", "district": None, "department": None, "urgent": None}),
    ("reject", {"reason": "duplicate"},
     {"kind": "rejected", "outcome": "complaint", "district": 162, "department": "police", "urgent": None}),
    ("urgency", {"urgent": True},
     {"kind": "urgency", "outcome": "complaint", "district": 162, "department": "police", "urgent": True}),
])
def test_every_officer_correction_keeps_the_masked_text_with_its_label(name, fields, label):
    change = act(received(1, text=PHONE_TEXT).after, name, LATER, **fields)
    assert change.correction.as_dict() == label | {"text": "Aliganj me chori, mera number [phone]",
                                                   "at": LATER.isoformat()}


@pytest.mark.parametrize("fields, label", [
    ({"outcome": "complaint", "to_district": 162, "to_department": "water"},
     {"outcome": "complaint", "district": 162, "department": "water", "urgent": None}),
    ({"outcome": "complaint", "to_district": 162, "to_department": "water", "urgent": False},
     {"outcome": "complaint", "district": 162, "department": "water", "urgent": False}),
    ({"outcome": "not_actionable"}, {"outcome": "not_actionable", "district": None, "department": None, "urgent": None}),
    ({"outcome": "outside_jurisdiction", "channel": "railways"},
     {"outcome": "outside_jurisdiction", "district": None, "department": None, "urgent": None}),
])
def test_every_review_decision_keeps_a_labelled_example(fields, label):
    change = act(waiting(text=PHONE_TEXT), "review", LATER, claim="api-1", **fields)
    assert change.correction.as_dict() == label | {"kind": "review", "text": "Aliganj me chori, mera number [phone]",
                                                   "at": LATER.isoformat()}


@pytest.mark.parametrize("name", ["acknowledge", "start", "resolve"])
def test_an_action_that_corrects_nothing_keeps_no_example(name):
    assert act(received(1).after, name, LATER).correction is None


# --- the reply naming the channel ------------------------------------------------------------

def test_every_known_channel_gives_a_reply_that_fits_a_post_without_a_link_or_personal_data():
    assert POLICIES.messages.outside_problems(CHANNELS) == []


def test_a_channel_whose_only_contact_is_a_link_or_whose_name_is_too_long_is_reported():
    problems = POLICIES.messages.outside_problems({
        "portal": Channel("Some Portal", "कोई पोर्टल", "portal.gov.in"),
        "long": Channel("x" * 300, "x" * 300, "Helpline 1930")})
    assert any("portal: a contact other than a link" in p for p in problems)
    assert any("long en" in p and "of 280 characters" in p for p in problems)


def test_a_contact_keeps_its_alternatives_but_not_its_links():
    assert public_contact("RailMadad 139 / railmadad.indianrailways.gov.in / @RailMinIndia") == "RailMadad 139 / @RailMinIndia"


def test_an_outside_jurisdiction_template_with_a_field_it_cannot_fill_is_refused_when_loaded():
    raw = json.loads(DEFAULT_PATH.read_text(encoding="utf-8"))
    bad = copy.deepcopy(raw)
    bad["replies"]["outside_jurisdiction"]["en"] += " Your reference {ref}, {note}."
    with pytest.raises(MessagesError, match=r"outside_jurisdiction en: no \{note, ref\} in this reply"):
        Messages(bad)
    linked = copy.deepcopy(raw)
    linked["replies"]["outside_jurisdiction"]["hi"] += " https://railmadad.indianrailways.gov.in"
    with pytest.raises(MessagesError, match="outside_jurisdiction hi: no links in public texts"):
        Messages(linked)
