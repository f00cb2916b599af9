"""The storage ports' contract, held against the in-memory fakes and the DynamoDB adapters on the local
stack alike: whatever a service can observe through a port must be the same on both."""

from __future__ import annotations

from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import timedelta

import pytest

from chalicelib.domain.status import Status
from chalicelib.domain.tally import STATE, Counts, Scope
from chalicelib.domain.values import CLAIM_EXPIRES, Reply
from chalicelib.errors import InvalidCursor
from chalicelib.services.ports import (ALL_DISTRICTS, REPORT_CLAIM_EXPIRES, Grant, GrantState, HandleState, ListQuery,
                                       Report, ThreadTaken)
from tests.builders import HINDI, NOW, POLICIES, act, received
from tests.fakes import FakeDesk, mention


def merge(*parts: Counts) -> Counts:
    """The counters several changes move together."""
    total: Counts = defaultdict(lambda: defaultdict(int))
    for part in parts:
        for scope, counts in part.items():
            for name, n in counts.items():
                total[scope][name] += n
    return {scope: {k: v for k, v in c.items() if v} for scope, c in total.items() if any(c.values())}


@pytest.fixture(params=["fake", "dynamodb"])
def desk(request):
    if request.param == "fake":
        return FakeDesk()
    from chalicelib.adapters.dynamo import storage

    stack = request.getfixturevalue("stack")
    return storage(stack.env["TABLE_NAME"], stack.client("dynamodb"))


def created(desk, *changes):
    for change in changes:
        assert desk.complaints.create(change)
    return [c.after for c in changes]


def scopes_of(*changes):
    return merge(*(c.counts for c in changes))


# --- creating ----------------------------------------------------------------------------------

def test_a_complaint_reads_back_exactly_as_it_was_created(desk):
    changes = [received(1), received(2, district=None, department="electricity", text=HINDI, urgent=True),
               received(3, is_complaint=False)]
    for c in created(desk, *changes):
        assert desk.complaints.get(c.ref) == c
    assert desk.complaints.get(changes[1].after.ref).text.encode() == HINDI.encode()
    assert desk.complaints.get("UP-LKO-26-999999") is None


def test_a_tweet_is_recorded_once_and_counted_once(desk):
    first = received(1)
    assert desk.complaints.create(first)
    assert not desk.complaints.create(first)
    assert not desk.complaints.create(received(1, ref="UP-LKO-26-000777"))  # the same tweet, numbered again
    assert desk.complaints.get("UP-LKO-26-000777") is None
    counted = desk.stats.read(list(first.counts))
    assert counted == first.counts


def test_racing_writers_record_a_tweet_once(desk):
    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(lambda i: desk.complaints.create(received(5, ref=f"UP-LKO-26-00010{i}")), range(4)))
    assert results.count(True) == 1
    assert desk.stats.read([STATE])[STATE]["complaints"] == 1


# --- saving under each expectation ---------------------------------------------------------------

def test_an_officers_change_applies_once_to_the_version_it_was_made_on(desk):
    [c] = created(desk, received(1))
    acknowledged = act(c, "acknowledge", NOW + timedelta(minutes=5))
    assert desk.complaints.save(acknowledged)
    assert not desk.complaints.save(act(c, "reject", NOW + timedelta(minutes=6)))  # made on version 1 too
    assert desk.complaints.get(c.ref) == acknowledged.after
    assert desk.stats.read([STATE])[STATE] == scopes_of(received(1), acknowledged)[STATE]


def test_of_two_senders_claiming_one_alert_one_wins(desk):
    [c] = created(desk, received(1, claim=None))
    later = NOW + timedelta(minutes=1)
    results = [desk.complaints.save(c.claim_alert(sender, later)) for sender in ("sender-a", "sender-b")]
    assert results == [True, False]
    assert desk.complaints.get(c.ref).alert.claim == "sender-a"


def test_a_claim_whose_answer_was_lost_is_taken_again_by_the_same_sender(desk):
    [c] = created(desk, received(1, claim=None))
    claim = c.claim_alert("sender-a", NOW + timedelta(minutes=1))
    assert desk.complaints.save(claim)
    assert desk.complaints.save(c.claim_alert("sender-a", NOW + timedelta(minutes=2)))  # the retry, from the same read
    assert not desk.complaints.save(c.claim_alert("sender-b", NOW + timedelta(minutes=2)))
    held = desk.complaints.get(c.ref)
    assert desk.complaints.save(held.claim_alert("sender-a", held.alert.claimed_at))  # changes nothing, still holds


def test_of_senders_claiming_one_alert_at_the_same_moment_one_wins(desk):
    [c] = created(desk, received(1, claim=None))
    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(lambda i: desk.complaints.save(c.claim_alert(f"sender-{i}", NOW)), range(4)))
    assert results.count(True) == 1
    assert desk.complaints.get(c.ref).alert.claim == f"sender-{results.index(True)}"


def test_a_stale_claim_is_taken_over_and_the_crashed_sender_cannot_mark_it_sent(desk):
    [c] = created(desk, received(1, claim="crashed"))
    # Read before the crashed sender took it, the alert looks free: storage knows better until it is stale.
    unclaimed = replace(c, alert=replace(c.alert, claim=None, claimed_at=None))
    assert not desk.complaints.save(unclaimed.claim_alert("sender-b", NOW + CLAIM_EXPIRES - timedelta(seconds=1)))
    takeover = c.claim_alert("sender-b", NOW + CLAIM_EXPIRES)
    assert desk.complaints.save(takeover)
    assert not desk.complaints.save(c.alert_sent("msg-crashed", NOW + CLAIM_EXPIRES))
    assert desk.complaints.save(takeover.after.alert_sent("msg-b", NOW + CLAIM_EXPIRES))
    assert desk.complaints.get(c.ref).alert.message_id == "msg-b"


def test_the_creator_holds_the_new_alert_and_marks_it_sent_without_claiming(desk):
    [c] = created(desk, received(1, claim="poll-1"))
    assert [a.ref for a in desk.outbox.pending_alerts()] == [c.ref]
    sent = c.alert_sent("msg-1", NOW)
    assert desk.complaints.save(sent)
    assert desk.outbox.pending_alerts() == []
    assert desk.complaints.get(c.ref).alert == sent.after.alert
    assert desk.stats.read([STATE])[STATE]["alerts_sent"] == 1


def test_a_failed_alert_stays_pending_and_free_for_any_sender(desk):
    [c] = created(desk, received(1, claim="poll-1"))
    failed = c.alert_failed("SNS is down", NOW)
    assert desk.complaints.save(failed)
    [waiting] = desk.outbox.pending_alerts()
    assert waiting.alert.claim is None and waiting.alert.attempts == 1
    assert desk.complaints.save(waiting.claim_alert("sweep-1", NOW + timedelta(minutes=1)))


def test_an_alert_replaced_by_a_transfer_is_not_marked_sent_by_its_old_sender(desk):
    [c] = created(desk, received(1, claim="poll-1"))
    transfer = act(c, "transfer", NOW + timedelta(minutes=1), claim="api-1")
    assert desk.complaints.save(transfer)
    assert not desk.complaints.save(c.alert_sent("msg-old", NOW + timedelta(minutes=1)))
    assert desk.complaints.save(transfer.after.alert_sent("msg-new", NOW + timedelta(minutes=2)))
    assert desk.complaints.get(c.ref).district == 144


def test_a_reply_is_marked_sent_only_while_it_waits_with_the_text_posted(desk):
    [c] = created(desk, received(1))
    assert desk.complaints.save(resolved := act(c, "resolve", NOW, note="FIR registered"))
    later = NOW + timedelta(hours=1)
    # A sender read the reply when it said something else, and posted that.
    reworded = replace(resolved.after, replies=resolved.after.replies | {"resolved": Reply("Complaint resolved.")})
    assert not desk.complaints.save(reworded.reply_sent("resolved", "post-0", later, "lucknowpolice"))
    assert desk.complaints.save(resolved.after.reply_sent("resolved", "post-1", later, "lucknowpolice"))
    assert not desk.complaints.save(resolved.after.reply_sent("resolved", "post-2", later, "lucknowpolice"))  # sent already
    stored = desk.complaints.get(c.ref)
    assert stored.replies["resolved"].post_id == "post-1" and stored.replies["acknowledged"].pending


def test_the_handle_a_reply_goes_from_is_named_once_another_runs_choice_is_refused(desk):
    [c] = created(desk, received(1))
    assert desk.complaints.save(named := c.reply_goes_from("acknowledged", "lucknowpolice"))
    assert not desk.complaints.save(c.reply_goes_from("acknowledged", "Uppolice"))  # read before the naming
    assert desk.complaints.save(c.reply_goes_from("acknowledged", "lucknowpolice"))  # the same choice stands
    assert not desk.complaints.save(c.reply_sent("acknowledged", "post-2", NOW, "Uppolice"))
    assert desk.complaints.save(named.after.reply_sent("acknowledged", "post-1", NOW, "lucknowpolice"))
    assert desk.complaints.get(c.ref).replies["acknowledged"].post_id == "post-1"


def test_a_reply_added_while_another_is_sent_stays_on_the_queue(desk):
    [c] = created(desk, received(1))
    assert desk.complaints.save(resolved := act(c, "resolve", NOW, note="Done"))
    # The sender read the complaint before the resolution: for it, the acknowledgement was the last reply.
    assert desk.complaints.save(c.reply_sent("acknowledged", "post-1", NOW, "lucknowpolice"))
    [waiting] = desk.outbox.pending_replies(NOW)
    assert set(waiting.pending_replies) == {"resolved"}
    assert desk.complaints.save(waiting.reply_sent("resolved", "post-2", NOW, "lucknowpolice"))
    assert desk.outbox.pending_replies(NOW) == []
    assert desk.complaints.get(c.ref).replies == resolved.after.replies | {
        "acknowledged": c.replies["acknowledged"].sent("post-1", NOW, "lucknowpolice"),
        "resolved": resolved.after.replies["resolved"].sent("post-2", NOW, "lucknowpolice")}


def test_a_reply_undeliverable_leaves_the_queue(desk):
    [c] = created(desk, received(1))
    final = c.reply_failed("acknowledged", "403 forbidden", NOW, final=True)
    assert desk.complaints.save(final)
    assert desk.outbox.pending_replies(NOW) == []
    assert desk.stats.read([STATE])[STATE]["replies_undeliverable"] == 1


def test_a_follow_up_joins_once_and_keeps_what_officers_changed_meanwhile(desk):
    [root] = created(desk, received(1))
    assert desk.complaints.save(acknowledged := act(root, "acknowledge", NOW))
    follow_up = root.follow_up(mention(2, "still nothing", conversation=1), "still nothing", NOW)
    assert desk.complaints.save(follow_up)
    assert not desk.complaints.save(follow_up)
    stored = desk.complaints.get(root.ref)
    assert stored.status == Status.ACKNOWLEDGED and stored.version == 2
    assert stored.history == acknowledged.after.history + follow_up.after.history[-1:]
    assert not desk.complaints.create(received(2, ref="UP-LKO-26-000555"))  # the follow-up's tweet is recorded


def test_a_follow_up_does_not_join_a_closed_complaint(desk):
    [root] = created(desk, received(1))
    assert desk.complaints.save(rejected := act(root, "reject", NOW))
    assert not desk.complaints.save(root.follow_up(mention(2, "hello?", conversation=1), "hello?", NOW))
    assert desk.complaints.get(root.ref) == rejected.after


# --- work queues ---------------------------------------------------------------------------------

def test_the_queues_show_exactly_what_waits(desk):
    a, b, n = created(desk, received(1, at=NOW), received(2, at=NOW + timedelta(seconds=1)),
                      received(3, is_complaint=False))
    assert [c.ref for c in desk.outbox.pending_alerts()] == [a.ref, b.ref]
    assert [c.ref for c in desk.outbox.pending_replies(NOW)] == [a.ref, b.ref]
    assert desk.complaints.save(a.alert_sent("m", NOW))
    assert desk.complaints.save(b.reply_sent("acknowledged", "p", NOW, "lucknowpolice"))
    assert [c.ref for c in desk.outbox.pending_alerts()] == [b.ref]
    assert [c.ref for c in desk.outbox.pending_replies(NOW)] == [a.ref]
    assert desk.outbox.pending_alerts()[0] == desk.complaints.get(b.ref)


def test_deadline_checks_come_due_in_order_and_leave_when_the_clock_stops(desk):
    a, b = created(desk, received(1, at=NOW), received(2, at=NOW + timedelta(minutes=30)))
    assert desk.complaints.due_for_check(a.clock.next_check_at - timedelta(seconds=1)) == []
    assert desk.complaints.due_for_check(a.clock.next_check_at) == [a]
    assert [c.ref for c in desk.complaints.due_for_check(b.clock.next_check_at)] == [a.ref, b.ref]
    reminder = a.check_deadline(a.clock.next_check_at, POLICIES, claim="sweep-1")
    assert desk.complaints.save(reminder)
    assert [c.ref for c in desk.complaints.due_for_check(b.clock.next_check_at)] == [b.ref]
    assert desk.complaints.save(act(b, "reject", NOW))
    assert desk.complaints.due_for_check(NOW + timedelta(days=30)) == [desk.complaints.get(a.ref)]


# --- listing -------------------------------------------------------------------------------------

@pytest.fixture
def listed(desk):
    """Nine complaints a minute apart, newest last: districts, departments, statuses and urgency mixed."""
    shapes = [(162, "police", False), (162, "electricity", True), (144, "police", False), (None, "water", False),
              (162, "police", True), (144, "electricity", False), (None, "police", True), (162, "water", False),
              (118, "police", False)]
    changes = [received(i + 1, district=d, department=p, urgent=u, at=NOW + timedelta(minutes=i))
               for i, (d, p, u) in enumerate(shapes)]
    complaints = created(desk, *changes)
    assert desk.complaints.save(act(complaints[0], "acknowledge"))
    assert desk.complaints.save(act(complaints[5], "reject"))
    return [desk.complaints.get(c.ref) for c in complaints]


def refs(complaints):
    return [c.ref for c in complaints]


def pages(desk, **filters):
    query, found = ListQuery(**filters), []
    while True:
        page, cursor = desk.complaints.list(query)
        found.append(refs(page))
        if cursor is None:
            return found
        query = replace(query, cursor=cursor)


@pytest.mark.parametrize("filters", [
    {}, {"district": 162}, {"unknown_district": True}, {"department": "police"}, {"status": "new"},
    {"urgent": True}, {"urgent": False, "district": 162}, {"scope_districts": frozenset({162, 144})},
    {"scope_districts": frozenset({162}), "scope_departments": frozenset({"police"})},
    {"department": "police", "scope_districts": frozenset({144, 118})}, {"district": 162, "unknown_district": True},
    {"status": "acknowledged", "scope_departments": frozenset({"police", "water"})},
])
def test_a_listing_shows_what_its_filters_select_newest_first(desk, listed, filters):
    query = ListQuery(**filters, limit=50)
    wanted = [c for c in reversed(listed) if query.matches(c)]
    assert desk.complaints.list(query) == (wanted, None)


def test_a_listing_pages_through_everything_once(desk, listed):
    assert pages(desk, limit=4) == [refs(listed[8:4:-1]), refs(listed[4:0:-1]), refs(listed[:1])]
    assert pages(desk, limit=3, department="police") == [refs([listed[8], listed[6], listed[4]]),
                                                        refs([listed[2], listed[0]])]
    assert pages(desk, limit=9) == [refs(reversed(listed))]


def test_a_page_stays_put_when_newer_complaints_arrive(desk, listed):
    first, cursor = desk.complaints.list(ListQuery(limit=5))
    created(desk, received(50, at=NOW + timedelta(hours=1)))
    rest, cursor = desk.complaints.list(ListQuery(limit=5, cursor=cursor))
    assert refs(first + rest) == refs(reversed(listed)) and cursor is None


def test_complaints_of_the_same_moment_are_paged_without_loss(desk):
    complaints = created(desk, *(received(i, at=NOW) for i in range(1, 8)))
    assert sorted(sum(pages(desk, limit=2), [])) == sorted(refs(complaints))


@pytest.mark.parametrize("tamper", [
    lambda c: c[:-1] + ("A" if c[-1] != "A" else "B"), lambda c: "x" + c, lambda c: "garbage", lambda c: c + ".x",
])
def test_a_tampered_cursor_is_refused(desk, listed, tamper):
    _, cursor = desk.complaints.list(ListQuery(limit=2))
    with pytest.raises(InvalidCursor):
        desk.complaints.list(ListQuery(limit=2, cursor=tamper(cursor)))


def test_a_cursor_resumes_only_the_listing_that_gave_it(desk, listed):
    _, cursor = desk.complaints.list(ListQuery(limit=2, scope_districts=frozenset({162})))
    for other in (ListQuery(cursor=cursor), ListQuery(cursor=cursor, scope_districts=frozenset({144})),
                  ListQuery(cursor=cursor, scope_districts=frozenset({162}), status="new")):
        with pytest.raises(InvalidCursor):
            desk.complaints.list(other)
    assert desk.complaints.list(ListQuery(limit=2, cursor=cursor, scope_districts=frozenset({162})))[0]


# --- numbers, threads, ages ----------------------------------------------------------------------

def test_reference_blocks_never_overlap(desk):
    first = desk.complaints.next_references(162, 2026, 3)
    assert first == ["UP-LKO-26-000001", "UP-LKO-26-000002", "UP-LKO-26-000003"]
    assert desk.complaints.next_references(162, 2026, 2) == ["UP-LKO-26-000004", "UP-LKO-26-000005"]
    assert desk.complaints.next_references(None, 2026, 1) == ["UP-HQ-26-000001"]
    assert desk.complaints.next_references(162, 2027, 1) == ["UP-LKO-27-000001"]
    assert desk.complaints.next_references(162, 2026, 0) == []
    with ThreadPoolExecutor(4) as pool:
        blocks = list(pool.map(lambda _: desk.complaints.next_references(144, 2026, 5), range(8)))
    numbers = [r for block in blocks for r in block]
    assert len(set(numbers)) == 40 and all(len(b) == 5 for b in blocks)


def test_a_citizens_thread_leads_to_their_complaint(desk):
    [c] = created(desk, received(1, conversation=1))
    assert desk.complaints.thread_of("1", c.author_id) == c.ref
    assert desk.complaints.thread_of("1", "u-someone-else") is None
    assert desk.complaints.thread_of("2", c.author_id) is None


def test_an_alert_read_before_a_transfer_cannot_be_claimed_over_the_new_one(desk):
    [c] = created(desk, received(1, claim=None))  # waiting, nobody holds it
    stale = desk.complaints.get(c.ref)  # a sender reads the outbox ...
    moved = act(c, "transfer", to_district=144, claim="api-1")  # ... an officer transfers; the API's send fails
    assert desk.complaints.save(moved)
    assert desk.complaints.save(moved.after.alert_failed("SNS is down", NOW))
    assert not desk.complaints.save(stale.claim_alert("sender-1", NOW))
    waiting = desk.complaints.get(c.ref)
    assert (waiting.alert.event, waiting.district, waiting.alert.claim) == ("transferred", 144, None)


def test_a_follow_up_not_kept_in_a_full_history_is_still_recorded_once(desk):
    [c] = created(desk, received(1))
    unchanged = replace(c.follow_up(mention(2, "x", "lucknowpolice", conversation=1), "again", NOW),
                        after=c)  # what follow_up gives once the history is full: the tweet, no entry
    assert desk.complaints.save(unchanged) and not desk.complaints.save(unchanged)
    assert desk.complaints.get(c.ref).history == ()


def test_a_thread_start_recorded_after_its_follow_up_names_the_complaint_holding_the_thread(desk):
    [follow_up] = created(desk, received(5, conversation=1))  # fetched first: it became the complaint
    root = received(1, conversation=1)
    with pytest.raises(ThreadTaken) as taken:
        desk.complaints.create(root)
    assert taken.value.ref == follow_up.ref and desk.complaints.get(root.after.ref) is None
    assert desk.complaints.create(root, take_thread=True)  # the holder was closed: the post is its own complaint
    assert desk.complaints.thread_of("1", root.after.author_id) == root.after.ref
    assert not desk.complaints.create(root, take_thread=True)  # and still recorded once


def test_replies_held_for_xs_posting_window_read_back_per_handle(desk):
    assert desk.outbox.replies_held() == {}
    desk.outbox.hold_replies("noidapolice", NOW + timedelta(minutes=15))
    desk.outbox.hold_replies("lucknowpolice", NOW + timedelta(minutes=5))
    assert desk.outbox.replies_held() == {"noidapolice": NOW + timedelta(minutes=15),
                                          "lucknowpolice": NOW + timedelta(minutes=5)}


def test_a_reply_backing_off_or_blocked_stays_queued_but_is_not_due_before_its_time(desk):
    a, b = created(desk, received(1, at=NOW), received(2, at=NOW + timedelta(seconds=1)))
    assert desk.complaints.save(a.reply_failed("acknowledged", "503", NOW, from_handle="lucknowpolice"))
    assert desk.complaints.save(b.reply_blocked("acknowledged", "no tagged handle is authorised", NOW))
    assert desk.outbox.pending_replies(NOW) == []
    [due] = desk.outbox.pending_replies(NOW + timedelta(minutes=1))  # the first retry waits a minute
    assert due.ref == a.ref and due.replies["acknowledged"].next_attempt_at == NOW + timedelta(minutes=1)
    # A blocked reply is due at once when a handle its citizen tagged is authorised, else after an hour.
    assert [c.ref for c in desk.outbox.pending_replies(NOW, frozenset({"lucknowpolice"}))] == [b.ref]
    assert [c.ref for c in desk.outbox.pending_replies(NOW + timedelta(hours=1))] == [a.ref, b.ref]
    stored = desk.complaints.get(b.ref).replies["acknowledged"]
    assert (stored.status, stored.blocked_since) == ("blocked", NOW)
    assert desk.stats.read([STATE])[STATE]["replies_blocked"] == 1


def test_the_oldest_open_complaint_per_district_queue_and_state(desk):
    a, b, q, n = created(desk, received(1, at=NOW), received(2, at=NOW + timedelta(hours=1)),
                         received(3, district=None, at=NOW + timedelta(hours=2)),
                         received(4, is_complaint=False, at=NOW - timedelta(hours=1)))
    assert desk.complaints.oldest_open(162) == NOW
    assert desk.complaints.oldest_open(None) == q.created_at
    assert desk.complaints.oldest_open(ALL_DISTRICTS) == NOW
    assert desk.complaints.oldest_open(144) is None
    assert desk.complaints.save(act(a, "reject"))
    assert desk.complaints.oldest_open(162) == b.created_at
    assert desk.complaints.oldest_open(ALL_DISTRICTS) == b.created_at
    assert desk.complaints.save(act(b, "transfer", NOW, claim="api-1"))
    assert desk.complaints.oldest_open(162) is None and desk.complaints.oldest_open(144) == b.created_at


# --- statistics ----------------------------------------------------------------------------------

def test_every_scope_counts_what_the_changes_moved(desk):
    one, two = received(1), received(2, district=None, department="water", urgent=True)
    created(desk, one, two)
    changes = [one, two, act(one.after, "acknowledge", NOW + timedelta(minutes=30))]
    changes.append(act(changes[-1].after, "resolve", NOW + timedelta(hours=5), note="done"))
    changes.append(act(two.after, "transfer", NOW + timedelta(hours=1), claim="api-1"))
    changes.append(changes[-1].after.alert_sent("m-1", NOW + timedelta(hours=1)))
    for change in changes[2:]:
        assert desk.complaints.save(change)
    expected = scopes_of(*changes)
    assert Scope.of_day(NOW.date(), 162) in expected and Scope.of_week((2026, 48), "water") in expected
    # The state queue's counters went up and back to nothing with the transfer; district 118 never moved.
    nothing = {Scope.of_district(None): {}, Scope.of_district(118): {}}
    assert desk.stats.read(list(expected) + list(nothing)) == expected | nothing


# --- reports -------------------------------------------------------------------------------------

DIGEST = Report("digest", "2026-11-29", "162")


def test_a_report_is_claimed_by_one_sender_and_sent_once(desk):
    assert desk.stats.claim_report(DIGEST, "run-a", NOW)
    assert not desk.stats.claim_report(DIGEST, "run-b", NOW + timedelta(minutes=1))
    assert desk.stats.claim_report(DIGEST, "run-a", NOW + timedelta(minutes=1))  # its answer was lost
    assert desk.stats.claim_report(Report("digest", "2026-11-29", "144"), "run-b", NOW)
    desk.stats.report_sent(DIGEST, "run-a", NOW + timedelta(minutes=2))
    for claim in ("run-a", "run-b"):
        assert not desk.stats.claim_report(DIGEST, claim, NOW + timedelta(days=1))


def test_a_crashed_senders_claim_is_taken_over_and_cannot_be_finished_by_it(desk):
    assert desk.stats.claim_report(DIGEST, "crashed", NOW)
    assert not desk.stats.claim_report(DIGEST, "run-b", NOW + REPORT_CLAIM_EXPIRES - timedelta(seconds=1))
    assert desk.stats.claim_report(DIGEST, "run-b", NOW + REPORT_CLAIM_EXPIRES)
    desk.stats.report_sent(DIGEST, "crashed", NOW + REPORT_CLAIM_EXPIRES)
    desk.stats.release_report(DIGEST, "crashed")
    assert not desk.stats.claim_report(DIGEST, "run-c", NOW + REPORT_CLAIM_EXPIRES)
    desk.stats.report_sent(DIGEST, "run-b", NOW + REPORT_CLAIM_EXPIRES)
    assert not desk.stats.claim_report(DIGEST, "run-c", NOW + timedelta(days=1))


def test_a_released_report_is_free_for_the_next_run(desk):
    assert desk.stats.claim_report(DIGEST, "run-a", NOW)
    desk.stats.release_report(DIGEST, "run-a")
    assert desk.stats.claim_report(DIGEST, "run-b", NOW + timedelta(minutes=1))
    desk.stats.report_sent(DIGEST, "run-b", NOW)
    desk.stats.release_report(DIGEST, "run-b")  # too late: it went out
    assert not desk.stats.claim_report(DIGEST, "run-c", NOW + timedelta(minutes=2))


# --- watched handles -----------------------------------------------------------------------------

def test_handle_states_read_back_as_saved(desk):
    assert desk.handles.states(["lucknowpolice", "noidapolice"]) == {"lucknowpolice": HandleState(),
                                                                       "noidapolice": HandleState()}
    saved = HandleState(user_id="42", since_id="1001", outcome="ok", changed_at=NOW.isoformat(),
                        newest_mention_at=NOW.isoformat())
    desk.handles.save("lucknowpolice", saved)
    desk.handles.save("noidapolice", HandleState(user_id="7", outcome="rate_limited", detail="until 06:15"))
    desk.handles.save("noidapolice", HandleState(user_id="7", outcome="ok"))
    assert desk.handles.states(["lucknowpolice", "noidapolice", "up_police"]) == {
        "lucknowpolice": saved, "noidapolice": HandleState(user_id="7", outcome="ok"), "up_police": HandleState()}


def test_each_ingestion_path_remembers_its_last_success(desk):
    assert desk.handles.paths() == {}
    desk.handles.path_succeeded("timelines", NOW)
    desk.handles.path_succeeded("timelines", NOW + timedelta(minutes=1))
    desk.handles.path_succeeded("search", NOW)
    assert desk.handles.paths() == {"timelines": (NOW + timedelta(minutes=1)).isoformat(), "search": NOW.isoformat()}


# --- grants ----------------------------------------------------------------------------------

def a_grant(handle="lucknowpolice", user_id="1001", version=1):
    return Grant(handle, user_id, b"\x00sealed\xff", NOW + timedelta(hours=2), version)


def test_a_grant_reads_back_and_its_handle_is_authorised(desk):
    assert desk.grants.states() == {} and desk.grants.get("1001") is None
    desk.grants.store(a_grant(), NOW)
    assert desk.grants.get("1001") == a_grant()
    assert desk.grants.states() == {"lucknowpolice": GrantState("1001", "authorised", NOW.isoformat())}


def test_one_refresher_holds_the_lease_and_the_rotated_tokens_are_stored_once(desk):
    desk.grants.store(grant := a_grant(), NOW)
    assert desk.grants.take_lease(grant, "a", NOW + timedelta(minutes=1), NOW)
    assert not desk.grants.take_lease(grant, "b", NOW + timedelta(minutes=1), NOW)
    assert desk.grants.renew(grant, b"a's", NOW + timedelta(hours=3))
    renewed = desk.grants.get("1001")
    assert (renewed.sealed, renewed.version, renewed.lease) == (b"a's", 2, None)
    assert not desk.grants.take_lease(grant, "c", NOW + timedelta(minutes=1), NOW)  # read before the renewal
    assert not desk.grants.renew(grant, b"again", NOW + timedelta(hours=3))


def test_a_lapsed_lease_can_be_taken_over_and_the_late_holders_rotation_is_still_stored(desk):
    desk.grants.store(grant := a_grant(), NOW)
    assert desk.grants.take_lease(grant, "slow", NOW + timedelta(minutes=1), NOW)
    later = NOW + timedelta(minutes=2)
    assert desk.grants.take_lease(desk.grants.get("1001"), "b", later + timedelta(minutes=1), later)
    # X rotated the refresh token for the slow holder: only its pair is live, whoever holds the lease now.
    assert desk.grants.renew(grant, b"slow's", NOW + timedelta(hours=3))
    renewed = desk.grants.get("1001")
    assert (renewed.sealed, renewed.version, renewed.lease) == (b"slow's", 2, None)


def test_a_new_consent_is_a_new_version_that_a_refresh_of_the_replaced_grant_cannot_overwrite(desk):
    desk.grants.store(a_grant(), NOW)
    desk.grants.take_lease(replaced := desk.grants.get("1001"), "a", NOW + timedelta(minutes=1), NOW)
    desk.grants.store(Grant("lucknowpolice", "1001", b"new consent", NOW + timedelta(hours=2)), NOW)
    current = desk.grants.get("1001")
    assert (current.version, current.lease, current.sealed) == (2, None, b"new consent")
    assert not desk.grants.renew(replaced, b"old chain's", NOW + timedelta(hours=3))
    assert desk.grants.get("1001").sealed == b"new consent"


def test_needs_authorisation_is_set_once_and_a_new_consent_clears_it(desk):
    desk.grants.store(grant := a_grant(), NOW)
    assert desk.grants.mark_needs_authorisation(grant, "revoked", NOW)
    assert not desk.grants.mark_needs_authorisation(grant, "revoked", NOW)
    assert desk.grants.get("1001").needs_authorisation == "revoked"
    assert desk.grants.states()["lucknowpolice"] == GrantState("1001", "needs_authorisation", NOW.isoformat(), "revoked")
    assert not desk.grants.take_lease(desk.grants.get("1001"), "a", NOW + timedelta(minutes=1), NOW)
    desk.grants.store(a_grant(), NOW)
    assert desk.grants.get("1001").needs_authorisation is None
    assert desk.grants.states()["lucknowpolice"].state == "authorised"


def test_a_renamed_handles_directory_entry_follows_it_and_its_flag_lands_there(desk):
    desk.grants.store(a_grant(), NOW)
    desk.grants.renamed("lucknowpolice", "LKOPolice")
    assert desk.grants.states() == {"lkopolice": GrantState("1001", "authorised", NOW.isoformat())}
    desk.grants.renamed("lucknowpolice", "LKOPolice")  # followed already: nothing to do
    desk.grants.renamed("LKOPolice", "lkopolice")  # a change of case only
    desk.grants.renamed("neverauthorised", "someone")
    assert set(desk.grants.states()) == {"lkopolice"}
    assert desk.grants.mark_needs_authorisation(desk.grants.get("1001"), "revoked", NOW)
    assert desk.grants.states() == {"lkopolice": GrantState("1001", "needs_authorisation", NOW.isoformat(), "revoked")}

def test_an_authorisation_state_is_used_once_and_only_before_it_expires(desk):
    desk.grants.start_authorisation("s1", "lucknowpolice", "v1", NOW + timedelta(minutes=15))
    desk.grants.start_authorisation("s2", "noidapolice", "v2", NOW + timedelta(minutes=15))
    assert desk.grants.finish_authorisation("s1", NOW) == ("lucknowpolice", "v1")
    assert desk.grants.finish_authorisation("s1", NOW) is None
    assert desk.grants.finish_authorisation("s2", NOW + timedelta(minutes=16)) is None
    assert desk.grants.finish_authorisation("nope", NOW) is None


def test_a_follow_up_finding_its_thread_taken_meanwhile_names_the_complaint_instead_of_splitting_it(desk):
    # chaos (kills): a recorder read the follow-up, found no complaint in the thread, and another run recorded
    # the thread's first post before this one wrote: the follow-up must join it, not take the thread away.
    [root] = created(desk, received(1, conversation=1))
    follow_up = received(5, conversation=1)
    with pytest.raises(ThreadTaken) as taken:
        desk.complaints.create(follow_up)
    assert taken.value.ref == root.ref and desk.complaints.get(follow_up.after.ref) is None
    assert desk.complaints.thread_of("1", root.author_id) == root.ref
