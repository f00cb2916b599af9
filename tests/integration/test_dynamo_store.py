"""The DynamoDB store against the moto server, over real HTTP."""

from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import datetime, timedelta, timezone

import pytest

from chalicelib.adapters.dynamo_store import DynamoComplaintStore
from chalicelib.domain.complaint import Complaint, Status
from chalicelib.domain.tally import tally

NOW = datetime(2026, 11, 29, 6, 0, tzinfo=timezone.utc)
HINDI = "गोमती नगर में रात से बिजली नहीं है, कृपया मदद करें 🙏 (ज़रूरी)"


IST = timezone(timedelta(hours=5, minutes=30))


class Store(DynamoComplaintStore):
    """The real store; `record` writes a complaint with the counters the services would give it."""

    def record(self, complaint):
        return self.record_new(complaint, tally(None, complaint, NOW, IST))


@pytest.fixture
def store(stack):
    return Store(stack.env["TABLE_NAME"], stack.client("dynamodb"))


def complaint(ref: str, tweet_id: str, district=162, department="police", text="chori", **kw) -> Complaint:
    return Complaint(
        ref=ref, tweet_id=tweet_id, text=text, masked_text=text, author_id="9", author_username="citizen",
        tweet_url=f"https://x.com/citizen/status/{tweet_id}", conversation_id=tweet_id,
        tweeted_at=NOW - timedelta(minutes=5), created_at=kw.pop("created_at", NOW), district=district,
        department=department, urgent=kw.pop("urgent", False), confidence=0.9, handles=("lucknowpolice",), **kw,
    )


def test_a_tweet_is_recorded_once_even_when_two_writers_race(store):
    def write(i):
        return store.record(complaint(f"UP-LKO-26-00000{i}", "555"))

    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(write, range(4)))
    assert results.count(True) == 1
    assert store.is_recorded("555")
    assert store.counters()["total"] == 1


def test_references_are_allocated_in_sequence_per_district_and_year(store):
    refs = [store.next_reference(162, 2026) for _ in range(3)] + [store.next_reference(None, 2026)]
    assert refs == ["UP-LKO-26-000001", "UP-LKO-26-000002", "UP-LKO-26-000003", "UP-HQ-26-000001"]
    assert store.next_reference(162, 2027) == "UP-LKO-27-000001"


def test_references_stay_unique_under_concurrent_allocation(store):
    with ThreadPoolExecutor(8) as pool:
        refs = list(pool.map(lambda _: store.next_reference(144, 2026), range(40)))
    assert len(set(refs)) == 40


def test_counters_follow_status_district_and_department_in_the_same_write(store):
    store.record(complaint("UP-LKO-26-000001", "1"))
    store.record(complaint("UP-HQ-26-000001", "2", district=None, department="electricity", urgent=True))
    store.record(complaint("UP-LKO-26-000002", "3", status=Status.NOT_ACTIONABLE, alert="not_needed"))
    counts = store.counters()
    assert counts["total"] == 3 and counts["urgent"] == 1
    assert counts["status#new"] == 2 and counts["status#not_actionable"] == 1
    assert counts["district#162"] == 2 and counts["district#unknown"] == 1
    assert counts["department#police"] == 2 and counts["department#electricity"] == 1


def test_devanagari_text_survives_the_round_trip_byte_for_byte(store):
    store.record(complaint("UP-LKO-26-000001", "7", text=HINDI))
    assert store.get("UP-LKO-26-000001").text.encode() == HINDI.encode()


def test_a_complaint_reads_back_as_it_was_written(store):
    written = complaint("UP-LKO-26-000001", "8", urgent=True)
    store.record(written)
    assert store.get("UP-LKO-26-000001") == written


def test_pending_alerts_are_found_by_index_until_sent(store):
    store.record(complaint("UP-LKO-26-000001", "1"))
    store.record(complaint("UP-LKO-26-000002", "2", status=Status.NOT_ACTIONABLE, alert="not_needed"))
    assert [c.ref for c in store.pending_alerts()] == ["UP-LKO-26-000001"]
    assert store.claim_alert("UP-LKO-26-000001", "sender-a", NOW)
    assert not store.claim_alert("UP-LKO-26-000001", "sender-b", NOW)  # held by sender-a
    store.alert_failed("UP-LKO-26-000001", "sender-a", "SNS down", NOW)
    assert [c.alert_attempts for c in store.pending_alerts()] == [1]
    assert store.claim_alert("UP-LKO-26-000001", "sender-b", NOW)
    store.alert_sent("UP-LKO-26-000001", "sender-a", "m-0", NOW)  # not the holder: changes nothing
    store.alert_sent("UP-LKO-26-000001", "sender-b", "m-1", NOW)
    store.alert_sent("UP-LKO-26-000001", "sender-b", "m-1", NOW)  # a repeat changes nothing
    assert store.pending_alerts() == []
    assert store.get("UP-LKO-26-000001").alert == "sent"
    assert (store.counters()["alerts#sent"], store.counters()["alerts#failed"]) == (1, 1)


def test_a_handles_cursor_and_user_id_are_kept(store):
    store.remember_user_id("lucknowpolice", "1009")
    store.advance_cursor("lucknowpolice", "1860000000000000123", NOW, 42.0)
    store.record_poll_failure("noidapolice", NOW, "rate_limited", "until 06:15")
    state = store.handle_state("lucknowpolice")
    assert (state.user_id, state.since_id, state.lag_seconds, state.last_outcome) == (
        "1009", "1860000000000000123", 42.0, "ok"
    )
    states = store.handle_states(["lucknowpolice", "noidapolice", "meerutpolice"])
    assert states["noidapolice"].last_outcome == "rate_limited" and states["meerutpolice"].last_poll_at is None


def test_the_oldest_open_complaint_is_found_by_index(store):
    assert store.oldest_open_since() is None
    store.record(complaint("UP-LKO-26-000001", "1", created_at=NOW))
    store.record(complaint("UP-LKO-26-000002", "2", created_at=NOW - timedelta(hours=3)))
    store.record(complaint("UP-LKO-26-000003", "3", created_at=NOW - timedelta(days=2), status=Status.NOT_ACTIONABLE))
    assert store.oldest_open_since() == NOW - timedelta(hours=3)


def test_a_claim_left_by_a_crashed_sender_can_be_taken_over_after_five_minutes(store):
    store.record(complaint("UP-LKO-26-000001", "1"))
    assert store.claim_alert("UP-LKO-26-000001", "crashed", NOW)
    assert not store.claim_alert("UP-LKO-26-000001", "next", NOW + timedelta(minutes=4))
    assert store.claim_alert("UP-LKO-26-000001", "next", NOW + timedelta(minutes=6))


def test_a_reply_rewritten_while_it_was_being_posted_stays_pending(store):
    written = complaint("UP-LKO-26-000001", "1")
    written.replies["resolved"] = {"status": "pending", "text": "first text"}
    store.record(written)
    rewritten = store.get("UP-LKO-26-000001")
    rewritten.replies["resolved"] = {"status": "pending", "text": "second text"}
    store.save_change(store.get("UP-LKO-26-000001"), replace(rewritten, version=2), {})
    store.reply_sent("UP-LKO-26-000001", "resolved", "first text", "post-1", NOW)
    assert store.get("UP-LKO-26-000001").replies["resolved"]["status"] == "pending"
    assert [c.ref for c in store.pending_replies()] == ["UP-LKO-26-000001"]
    store.reply_sent("UP-LKO-26-000001", "resolved", "second text", "post-2", NOW)
    assert store.get("UP-LKO-26-000001").replies["resolved"]["post_id"] == "post-2"
    assert store.pending_replies() == []
