"""The streamed path's recorder: SQS batches of one-post X bodies, through the one way in."""

import json

import pytest

from chalicelib.adapters.x_source import mentions_from
from chalicelib.domain.handles import load_registry
from chalicelib.services.ingest import ingest
from chalicelib.services.poll import poll
from chalicelib.services.queued import record
from chalicelib.triage import triage
from tests.fakes import POLICIES, FakeAlerts, FakeClock, FakeDesk, FakeReplies, FakeSource

REGISTRY = load_registry()


def delivery(tweet_id: int, text: str, *tagged: str, author="501") -> str:
    """A message as the holder queues it: one post as the filtered stream delivers it."""
    at = 0
    mentions = []
    for handle in tagged:
        at = text.index(f"@{handle}", at)
        mentions.append({"start": at, "end": at + len(handle) + 1, "username": handle, "id": f"id-{handle.lower()}"})
    return json.dumps({
        "data": {"id": str(tweet_id), "text": text, "author_id": author, "created_at": "2026-11-29T05:59:00.000Z",
                 "conversation_id": str(tweet_id), "edit_history_tweet_ids": [str(tweet_id)],
                 "entities": {"mentions": mentions}},
        "includes": {"users": [{"id": author, "username": "asha_verma"}]},
        "matching_rules": [{"id": "1", "tag": "complaint-desk"}],
    })


@pytest.fixture
def desk():
    store, alerts, replies, clock = FakeDesk(), FakeAlerts(), FakeReplies(), FakeClock()
    store.grants.authorise(*(h.handle for h in REGISTRY))

    def run(*messages, keep_going=lambda: True):
        return record(list(messages), REGISTRY, store, alerts, replies, clock, POLICIES, triage, mentions_from,
                      keep_going)

    return store, alerts, run


def test_a_queued_post_becomes_a_complaint_and_an_alert(desk):
    store, alerts, run = desk
    report = run(("m1", delivery(101, "@lucknowpolice Gomti Nagar me chain snatching hui", "lucknowpolice")))
    assert report.response() == {"batchItemFailures": []}
    assert len(report.created) == 1 and [c.ref for c in alerts.sent] == report.created
    assert store.complaints.complaints[report.created[0]].tweet_id == "101"


def test_an_unreadable_message_fails_alone_and_is_counted(desk):
    store, alerts, run = desk
    report = run(("bad", "not json"), ("empty", json.dumps({"data": {"id": "5"}})),
                 ("ok", delivery(102, "@noidapolice bijli gayab", "noidapolice")))
    assert report.response() == {"batchItemFailures": [{"itemIdentifier": "bad"}, {"itemIdentifier": "empty"}]}
    assert report.unparseable == 2 and len(report.created) == 1
    assert report.metrics()["QueuedMessagesUnparseable"] == ("Count", 2)


def test_a_post_the_store_could_not_take_is_a_batch_item_failure_and_recorded_on_redelivery(desk):
    store, alerts, run = desk
    first, second = delivery(201, "@lucknowpolice chori", "lucknowpolice"), delivery(202, "@noidapolice chori", "noidapolice")
    store.complaints.fail_on("202")
    report = run(("m1", first), ("m2", second))
    assert report.failed == ["m2"] and len(report.created) == 1
    store.complaints.fail_on()
    again = run(("m2", second))  # SQS delivers it again
    assert again.failed == [] and len(again.created) == 1 and len(alerts.sent) == 2


def test_a_post_read_by_the_stream_search_and_timelines_is_one_complaint_and_one_alert(desk):
    store, alerts, run = desk
    body = delivery(301, "@lucknowpolice @noidapolice mera phone chori ho gaya", "lucknowpolice", "noidapolice")
    streamed = run(("m1", body), ("m2", body))  # delivered twice (X's at-least-once), and each rule matched
    [m], _ = mentions_from({**json.loads(body), "data": [json.loads(body)["data"]]})
    searched = ingest([m, m], REGISTRY, store, alerts, None, FakeClock(), POLICIES, triage)  # the reconciler's way in
    source = FakeSource()
    source.add("lucknowpolice", m)
    source.add("noidapolice", m)
    polled = poll(REGISTRY, source, store, alerts, None, FakeClock(), POLICIES)
    assert len(streamed.created) == 1 and searched.created == [] and polled.created == []
    assert len(store.complaints.complaints) == 1 and len(alerts.sent) == 1


def test_out_of_time_the_rest_of_the_batch_is_left_for_redelivery(desk):
    store, alerts, run = desk
    report = run(("m1", delivery(401, "@lucknowpolice chori", "lucknowpolice")), keep_going=lambda: False)
    assert report.failed == ["m1"] and report.created == []
