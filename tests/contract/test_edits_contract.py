"""The storage contract for edited posts and the tweet guard's lookup, on the fakes and on DynamoDB alike:
every version of a post is one post, and a tweet names the complaint that recorded it."""

from __future__ import annotations

from chalicelib.domain.complaint import Complaint
from chalicelib.domain.status import Status
from tests.builders import NOW, POLICIES, Decision, act, received
from tests.contract.test_storage_contract import created, desk  # noqa: F401  (desk: the fixture, fake and DynamoDB)
from tests.fakes import mention


def test_a_recorded_tweet_names_its_complaint_and_an_unrecorded_one_nothing(desk):
    [root] = created(desk, received(1))
    assert desk.complaints.save(root.follow_up(mention(2, "still nothing", conversation=1), "still nothing", NOW))
    assert desk.complaints.recorded("1") == root.ref
    assert desk.complaints.recorded("2") == root.ref  # a follow-up names the complaint it joined
    assert desk.complaints.recorded("3") is None


def test_an_edit_joins_once_whatever_the_status_and_the_text_becomes_the_latest_version(desk):
    [root] = created(desk, received(1, text="Aliganj me chori, phone 9876543210"))
    assert desk.complaints.save(rejected := act(root, "reject", NOW))
    edit = mention(2, "Aliganj me chori ho gayi, kal raat", "lucknowpolice", edit_of=1)
    edited = rejected.after.edited(edit, "Aliganj me chori ho gayi, kal raat", NOW)
    assert desk.complaints.save(edited)
    assert not desk.complaints.save(edited)  # the version is recorded: once
    stored = desk.complaints.get(root.ref)
    assert stored == edited.after
    assert (stored.text, stored.masked_text, stored.status) == (edit.text, edit.text, Status.REJECTED)
    assert [e.action for e in stored.history] == ["reject", "edited"]
    assert desk.complaints.recorded("2") == root.ref


def test_an_edit_masked_differently_keeps_both_texts(desk):
    [root] = created(desk, received(1))
    edit = mention(2, "Aliganj me chori, call 9876543210", "lucknowpolice", edit_of=1)
    assert desk.complaints.save(root.edited(edit, "Aliganj me chori, call [phone]", NOW))
    stored = desk.complaints.get(root.ref)
    assert (stored.text, stored.masked_text) == (edit.text, "Aliganj me chori, call [phone]")


def test_an_edit_whose_first_version_was_never_recorded_is_one_complaint_guarding_the_whole_chain(desk):
    edit = mention(7, "Aliganj me chori ho gayi", "lucknowpolice", edit_of=5)
    change = Complaint.receive(edit, Decision(masked_text=edit.text), ("lucknowpolice",), "UP-LKO-26-000007", NOW,
                               POLICIES, "poll-1")
    [complaint] = created(desk, change)
    assert desk.complaints.recorded("5") == desk.complaints.recorded("7") == complaint.ref
    again = mention(9, "Aliganj me chori ho gayi!", "lucknowpolice", edit_of=5)
    second = Complaint.receive(again, Decision(masked_text=again.text), ("lucknowpolice",), "UP-LKO-26-000009", NOW,
                               POLICIES, "poll-1")
    assert not desk.complaints.create(second)  # a later version is never a second complaint
    assert desk.complaints.get("UP-LKO-26-000009") is None
