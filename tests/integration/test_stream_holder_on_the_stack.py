"""The stream holder on the local stack: real tweepy.StreamingClient against the local X's filtered stream,
the lease in DynamoDB and the queue on SQS (moto), the recorder through Chalice's test client."""

from __future__ import annotations

import threading
import time

import pytest
from chalice.test import Client

from app import app
from chalicelib import runtime
from chalicelib.services import status as status_service
from chalicelib.services.stream import wanted_rules
from devtools.mentions_consumer import consume_once
from tests.integration.local_x import get_json

WAIT = 15.0  # seconds any one step may take on a loaded machine


def until(condition, what: str):
    deadline = time.monotonic() + WAIT
    while not (found := condition()):
        assert time.monotonic() < deadline, f"never: {what}"
        time.sleep(0.05)
    return found


class Holding:
    """A holder in a thread, as the scheduled function runs, until the test stops it."""

    def __init__(self):
        self.stop = threading.Event()
        self.report: dict | None = None
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        self.report = runtime.run_stream_holder(stop=self.stop)

    def end(self) -> dict:
        self.stop.set()
        self.thread.join(WAIT * 2)
        assert not self.thread.is_alive(), "the holder did not hand over"
        return self.report


@pytest.fixture
def holding(stack):
    stack.x.set_stream(keepalive_seconds=0.2)  # tweepy notices a planned disconnect at the next keep-alive
    started = []

    def start() -> Holding:
        h = Holding()
        started.append(h)
        return h

    yield start
    for h in started:
        h.stop.set()
        h.thread.join(WAIT * 2)


@pytest.fixture
def consume(stack):
    sqs = stack.client("sqs")
    url = sqs.get_queue_url(QueueName=stack.env["MENTIONS_QUEUE_URL"].rsplit("/", 1)[1])["QueueUrl"]
    with Client(app, stage_name="local") as client:
        yield lambda: consume_once(sqs, url, lambda event: client.lambda_.invoke("record_mentions", event).payload)


def connects(stack) -> int:
    status = stack.x.stream_status()
    return status["connects"] if status["connected"] else 0


def stream_status() -> dict:
    return status_service.status(runtime.storage(), runtime.registry(), runtime.utcnow)["ingestion"]["stream"]


def test_a_post_tagging_a_watched_handle_is_streamed_queued_recorded_and_alerted_once(stack, x_control, holding,
                                                                                       consume):
    holder = holding()
    until(lambda: connects(stack), "the holder connected")
    rules = get_json(stack.x, "/2/tweets/search/stream/rules")["data"]
    assert sorted(r["value"] for r in rules) == sorted(wanted_rules(runtime.registry(), runtime.utcnow()))
    [tweet_id, _] = x_control.tweets({"author": "citizen_1", "text": "@lucknowpolice Hazratganj me chain snatching hui abhi"},
                                     {"author": "citizen_2", "text": "@someone_else nothing to do with the desk"})
    answer = until(consume, "the post reached the queue")
    assert answer == {"batchItemFailures": []}
    ref = runtime.storage().complaints.recorded(tweet_id)
    assert ref and [a for a in stack.received("lucknow-police") if ref in a["message"]]
    # The timelines read it again (the search reconciler goes through the same way in): still one complaint.
    polled = runtime.run_poll()
    assert polled["skipped"].get("already_recorded", 0) >= 1
    assert not [a for a in stack.received("lucknow-police") if ref in a["message"]]
    report = holder.end()
    assert report["outcome"] == "stopped" and report["queued"] == 1 and report["disconnects"] == 0
    shown = stream_status()
    assert shown["last_delivery_at"] and not shown["connected"] and shown["disconnects"] == 0


def test_a_disconnect_on_demand_is_reported_and_the_holder_reconnects_and_keeps_delivering(stack, x_control, holding,
                                                                                           consume):
    holder = holding()
    first = until(lambda: connects(stack), "the holder connected")
    stack.x.set_stream(disconnect=True)
    until(lambda: connects(stack) > first, "tweepy reconnected")
    x_control.tweets({"author": "citizen_3", "text": "@noidapolice Sector 62 me bijli nahi hai teen ghante se"})
    assert until(consume, "the post after the reconnect reached the queue") == {"batchItemFailures": []}
    report = holder.end()
    # On a loaded machine a late keep-alive can cost one more reconnect: each disconnect is followed by a connect.
    assert report["disconnects"] >= 1 and report["connects"] == report["disconnects"] + 1 and report["queued"] == 1
    assert stream_status()["disconnects"] == report["disconnects"]


def test_of_two_holders_one_holds_and_the_next_takes_over_with_its_gap_measured(stack, holding):
    first = holding()
    until(lambda: connects(stack), "the first holder connected")
    second = holding()
    until(lambda: second.report, "the second holder gave up")
    assert second.report["outcome"] == "held_elsewhere" and stack.x.stream_status()["connects"] == 1
    released = first.end()
    assert released["outcome"] == "stopped"
    until(lambda: not stack.x.stream_status()["connected"], "the local X saw the first holder go")
    third = holding()
    until(lambda: stream_status()["connected"], "the third holder connected")
    gap = stream_status()["last_handover_gap_s"]
    assert gap is not None and 0 < gap < WAIT
    assert third.end()["handover_gap_s"] == gap


def test_a_post_cut_mid_delivery_is_lost_to_the_stream_only_and_the_timelines_record_it_once(stack, x_control,
                                                                                             holding, consume):
    holder = holding()
    first = until(lambda: connects(stack), "the holder connected")
    stack.x.set_stream(cut_next=1)  # half of the next post's JSON line, then the connection closes
    [cut] = x_control.tweets({"author": "citizen_4", "text": "@lucknowpolice Aminabad me chain snatching hui abhi"})
    until(lambda: connects(stack) > first, "tweepy reconnected after the cut")
    [after] = x_control.tweets({"author": "citizen_5", "text": "@noidapolice Sector 18 me chori ho gayi"})
    assert until(consume, "the post after the cut reached the queue") == {"batchItemFailures": []}
    assert runtime.storage().complaints.recorded(cut) is None  # the stream lost it
    runtime.run_poll()  # the timelines (as the reconciler's search) read what the stream lost
    complaints = runtime.storage().complaints
    assert complaints.recorded(cut) and complaints.recorded(after)
    assert len([a for a in stack.received("lucknow-police") if complaints.recorded(cut) in a["message"]]) == 1
    report = holder.end()
    assert report["disconnects"] >= 1 and report["queued"] == 1
