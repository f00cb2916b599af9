"""Officers' replies on X: the resolution phrases (Hindi, English, negation), whose reply moves a complaint,
and the aggregate's moves; then the same through the poll with in-memory fakes, the desk's own reply skipped."""

from dataclasses import replace
from datetime import timedelta

import pytest

from chalicelib.domain.handles import WatchedHandle, load_registry
from chalicelib.domain.officer_replies import PhrasesError, is_desk_reply, load_phrases, owns, parse_phrases
from chalicelib.domain.status import Status
from chalicelib.domain.search_groups import QUERY_LIMIT, pack
from chalicelib.services.poll import poll
from tests.builders import NOW, POLICIES, act, received
from tests.fakes import FakeAlerts, FakeClock, FakeDesk, FakeReplies, FakeSource, mention

PHRASES = load_phrases()
REGISTRY = load_registry()
LUCKNOW = REGISTRY.get("lucknowpolice")


@pytest.mark.parametrize("text", [
    "निस्तारित",
    "@asha_lko प्रकरण का समाधान कर दिया गया है।",
    "शिकायत का निस्तारण कर दिया गया है, धन्यवाद",
    "The issue has been resolved.",
    "RESOLVED - thana Aliganj",
    "Power supply restored in Gomti Nagar",
    "Resolved, no further action needed.",  # "no" belongs to another clause
    "मामला निस्तारित। अब कोई समस्या नहीं है।",  # the negation is in the next sentence
])
def test_a_resolution_phrase_resolves(text):
    assert PHRASES.resolves(text)


@pytest.mark.parametrize("text", [
    "not resolved",
    "The complaint is not yet resolved",
    "It will be resolved soon",
    "अभी निस्तारित नहीं",
    "प्रकरण निस्तारित नहीं हुआ है",
    "शिकायत का निस्तारण कर दिया जायेगा",  # future: not done yet (and "निस्तारण" alone is no phrase)
    "निस्तारित किया जाएगा",
    "Has your complaint been resolved?",  # a question
    "unresolved since Monday",  # whole words only
    "अनिस्तारित शिकायत",
    "प्रकरण के सम्बन्ध में थाना हजरतगंज को आवश्यक कार्यवाही हेतु निर्देशित किया गया है।",
    "@resolved_user please share your number",  # a mention is no word
])
def test_no_resolution_without_an_un_negated_phrase(text):
    assert not PHRASES.resolves(text)


def test_the_phrase_list_is_data_and_checked():
    own = parse_phrases({"resolution_phrases": ["kaam ho gaya"], "negations": ["abhi"], "window": 2})
    assert own.resolves("Kaam   ho gaya!") and not own.resolves("abhi kaam ho gaya") and not own.resolves("resolved")
    for bad in ({"resolution_phrases": []}, {"resolution_phrases": ["ok"], "window": 50},
                {"resolution_phrases": ["ok"], "negations": ["!!"]}):
        with pytest.raises(PhrasesError):
            parse_phrases(bad)


@pytest.mark.parametrize("handle, moves", [
    ("lucknowpolice", True), ("Uppolice", True), ("noidapolice", False), ("UPPCLLKO", False),
])
def test_who_owns_a_lucknow_police_complaint(handle, moves):
    assert owns(REGISTRY.get(handle), received(1).after) is moves


def test_a_state_wide_department_handle_owns_its_department_anywhere():
    complaint = received(1, district=144, department="electricity").after
    assert owns(REGISTRY.get("UPPCLLKO"), complaint) and not owns(REGISTRY.get("lucknowpolice"), complaint)


def officer(tweet_id, text, answering, author="lucknowpolice"):
    """A watched handle's reply to the post `answering` (a complaint's tweet id) in its thread."""
    return replace(mention(tweet_id, text, author=author), replied_to=str(answering), conversation_id=str(answering),
                   in_reply_to_user_id="id-citizen1")


def test_an_owning_handle_s_reply_acknowledges_a_new_complaint_and_stops_its_clock():
    complaint = received(10).after
    change = complaint.officer_replied(officer(11, "थाना अलीगंज को निर्देशित किया गया है", 10), LUCKNOW, NOW, POLICIES)
    after = change.after
    assert after.status == Status.ACKNOWLEDGED and after.clock.stage == "resolve" and change.expect == "version"
    assert change.recorded_tweet == "11" and change.counts  # the tweet is guarded; the counters move
    [entry] = after.history
    assert (entry.by, entry.action, entry.details["from"], entry.details["to"]) == (
        "@lucknowpolice", "officer_reply", "new", "acknowledged")
    assert entry.details["tweet_url"] == "https://x.com/lucknowpolice/status/11"
    assert entry.details["note"] == "थाना अलीगंज को निर्देशित किया गया है"


def test_a_resolution_phrase_resolves_and_the_citizen_may_still_reopen():
    complaint = act(received(10).after, "acknowledge").after
    later = NOW + timedelta(hours=2)
    after = complaint.officer_replied(officer(12, "प्रकरण निस्तारित।", 10), LUCKNOW, later, POLICIES).after
    assert after.status == Status.RESOLVED and after.resolved_at == later and after.clock.stage is None
    assert "resolved" not in after.replies  # the officer told the citizen on X
    assert act(after, "reopen", at=later + timedelta(days=6)).after.status == Status.REOPENED


def test_a_negated_phrase_acknowledges_only():
    after = received(10).after.officer_replied(officer(11, "अभी निस्तारित नहीं", 10), LUCKNOW, NOW, POLICIES).after
    assert after.status == Status.ACKNOWLEDGED


def test_another_district_s_handle_is_recorded_and_moves_nothing():
    complaint = received(10).after
    change = complaint.officer_replied(officer(11, "resolved", 10, author="noidapolice"), REGISTRY.get("noidapolice"),
                                       NOW, POLICIES)
    assert change.after.status == Status.NEW and change.after.clock == complaint.clock and change.expect == "exists"
    assert change.after.history[-1].action == "officer_reply" and "to" not in change.after.history[-1].details


def test_a_reply_to_a_closed_complaint_is_recorded_only():
    closed = act(act(received(10).after, "resolve").after, "close").after
    after = closed.officer_replied(officer(11, "resolved", 10), LUCKNOW, NOW, POLICIES).after
    assert after.status == Status.CLOSED and after.history[-1].action == "officer_reply"


def test_the_desk_s_reply_is_told_by_its_post_id_or_its_text():
    complaint = received(10).after
    text = complaint.replies["acknowledged"].text
    assert is_desk_reply("99", f"@citizen1 {text}", complaint)  # read before the desk saved the post id
    sent = complaint.reply_sent("acknowledged", "77", NOW, "lucknowpolice").after
    assert is_desk_reply("77", "whatever X shows", sent)
    assert not is_desk_reply("78", "थाना अलीगंज को निर्देशित किया गया है", sent)


# --- through the poll ---------------------------------------------------------------------------------

@pytest.fixture
def desk():
    source, store, alerts, clock, replies = FakeSource(), FakeDesk(), FakeAlerts(), FakeClock(), FakeReplies()
    store.grants.authorise(*(h.handle for h in REGISTRY))
    store.clock = clock
    return source, store, replies, clock, lambda: poll(REGISTRY, source, store, alerts, replies, clock, POLICIES)


def test_an_officer_s_replies_acknowledge_then_resolve_once_each_and_the_desk_s_own_is_skipped(desk):
    source, store, replies, clock, run = desk
    source.add("lucknowpolice", mention(101, "@lucknowpolice Aliganj me chori ho gayi", "lucknowpolice"))
    [ref] = run().created
    [(_, desk_text)] = replies.posted
    # The desk's acknowledgement, as X shows it in the thread (mentions first), tagging the state handle.
    own = replace(officer(102, f"@citizen1 @Uppolice {desk_text}", 101), mentioned=("Uppolice",))
    source.add("Uppolice", own)
    clock.advance(minutes=5)
    source.add("Uppolice", replace(officer(103, "@citizen1 @Uppolice थाना अलीगंज को निर्देशित किया गया है", 101),
                                   mentioned=("Uppolice",)))
    report = run()
    assert report.skipped["own_tweet"] == 1 and report.skipped["officer_reply"] == 1
    assert store.complaints.complaints[ref].status == Status.ACKNOWLEDGED
    # A reply to the officer's reply is in the thread too; a repeat read counts once.
    source.add("Uppolice", replace(officer(104, "@citizen1 @Uppolice मामला निस्तारित", 103), mentioned=("Uppolice",),
                                   in_reply_to_user_id="id-lucknowpolice"))
    assert run().skipped["officer_reply"] == 1
    complaint = store.complaints.complaints[ref]
    assert complaint.status == Status.RESOLVED
    assert [e.details.get("to") for e in complaint.history if e.action == "officer_reply"] == ["acknowledged", "resolved"]
    source.add("Uppolice", replace(officer(104, "@citizen1 @Uppolice मामला निस्तारित", 103), mentioned=("Uppolice",)))
    assert run().skipped.get("officer_reply", 0) == 0 and len(store.complaints.complaints[ref].history) == len(complaint.history)


def test_search_asks_for_the_replies_of_handles_it_can_tell_by_user_id_and_keeps_its_groups():
    seed = REGISTRY.all()
    known = [replace(h, user_id=str(1000 + i)) for i, h in enumerate(seed)]
    before, after = pack(seed), pack(known)
    assert [g.id for g in before] == [g.id for g in after] and all(len(g.query) < QUERY_LIMIT for g in after)
    assert all("from:" not in g.query for g in before)
    assert all(f"from:{h.handle}" in g.query for g in after for h in known if h.key in g.handles)


def test_a_reply_read_without_its_author_s_name_is_shown_by_the_handle_s():
    post = replace(officer(11, "निस्तारित", 10), author_username="")
    [entry] = received(10).after.officer_replied(post, LUCKNOW, NOW, POLICIES).after.history
    assert entry.by == "@lucknowpolice" and entry.details["tweet_url"] == "https://x.com/i/web/status/11"


def test_a_complaint_changed_meanwhile_is_read_again_and_the_reply_applied_to_it():
    from chalicelib.services.officer_replies import OfficerReplies

    store = FakeDesk()
    store.complaints.create(received(10))
    ref = store.complaints.recorded("10")
    save = store.complaints.save

    def an_officer_acts_first(change):
        store.complaints.save = save
        assert save(act(store.complaints.get(ref), "start"))  # in progress, a version later
        return save(change)

    store.complaints.save = an_officer_acts_first
    outcome = OfficerReplies(REGISTRY, store, lambda: NOW, POLICIES).record(officer(11, "प्रकरण निस्तारित", 10))
    complaint = store.complaints.get(ref)
    assert outcome == "officer_reply" and complaint.status == Status.RESOLVED
    assert [e.action for e in complaint.history] == ["start", "officer_reply"]
    assert complaint.history[-1].details["from"] == "in_progress"


def test_what_x_says_a_post_answers_is_read():
    from chalicelib.adapters.x_source import mentions_from

    body = {"data": [{"id": "12", "text": "@asha_lko निस्तारित", "author_id": "1009", "conversation_id": "10",
                      "created_at": "2026-11-29T06:00:00.000Z", "in_reply_to_user_id": "77",
                      "referenced_tweets": [{"type": "replied_to", "id": "11"}]},
                     {"id": "13", "text": "@lucknowpolice chori", "author_id": "77", "conversation_id": "13",
                      "created_at": "2026-11-29T06:00:00.000Z"}],
            "includes": {"users": [{"id": "1009", "username": "lucknowpolice"}]}}
    (reply, post), rejected = mentions_from(body)
    assert rejected == 0 and (reply.replied_to, reply.in_reply_to_user_id, reply.conversation_id) == ("11", "77", "10")
    assert (post.replied_to, post.in_reply_to_user_id, post.is_in_thread) == (None, None, False)
