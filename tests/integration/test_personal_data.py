"""Personal data planted in citizens' posts (devtools/chaos/pii.py) reaches no log record, metric, alert, SMS,
post on X or error body, through every path a post takes on the local stack: the poll, the queued recorder
(and its rejections), the search reconciler, follow-ups and edits, the sweep's escalation, officers' actions
through the API and an alert link, the review queue's outside-jurisdiction answer, the daily digest and the
weekly report. Everything the desk let out is captured and scanned with find_leaks.

Not scanned, by the product's intent (README, Officers on their phones): GET /complaints/{ref}'s raw_text and
the signed-in officer's complaint page, which show the citizen's words to officers in scope."""

from __future__ import annotations

import json
import logging
import random
import re
import threading
import time
from datetime import timedelta

import pytest
import requests
from chalice.test import Client

from app import app
from chalicelib import observability, runtime
from chalicelib.adapters.aws import client as aws_client
from chalicelib.services.reports import weekly_summary
from devtools.chaos.pii import find_leaks, plant
from devtools.mentions_consumer import consume_once
from devtools.stack import EXAMPLE_OFFICERS

JSON = {"Content-Type": "application/json"}
DETAIL = re.compile(r"/complaints/[^/?]+(/actions)?")  # a complaint as officers in scope see it, raw_text and all


class Captured(logging.Handler):
    """Everything the desk lets out, as (where, text): log records as the desk's formatter writes them, every
    SNS publish (alerts with their SMS text, digests, ops notices), and what the test adds."""

    def __init__(self):
        super().__init__(logging.INFO)
        self.setFormatter(observability.logger().registered_formatter)
        self.texts: list[tuple[str, str]] = []

    def emit(self, record):
        self.texts.append((f"log:{record.name}", self.format(record)))

    def published(self, params, **_):
        self.texts.append((f"sns:publish {params.get('Subject', '')}", json.dumps(params, ensure_ascii=False)))
        if params.get("MessageStructure") == "json":
            for protocol, text in json.loads(params["Message"]).items():
                self.texts.append((f"sns:{protocol}", text))

    def add(self, where: str, text: str):
        self.texts.append((where, text))


@pytest.fixture
def captured(stack, monkeypatch):
    monkeypatch.setenv("POWERTOOLS_METRICS_DISABLED", "false")  # EMF lines on stdout, as on a stage
    capture = Captured()
    loggers = [logging.getLogger(name) for name in ("chalicelib", observability.SERVICE, "")]
    levels = [log.level for log in loggers]
    for log in loggers:
        log.addHandler(capture)
        log.setLevel(logging.INFO)  # a stage's level (the local stage's is WARNING)
    sns = aws_client("sns")
    sns.meta.events.register("provide-client-params.sns.Publish", capture.published)
    yield capture
    sns.meta.events.unregister("provide-client-params.sns.Publish", capture.published)
    for log, level in zip(loggers, levels):
        log.removeHandler(capture)
        log.setLevel(level)


class Citizens:
    """Posts carrying planted personal data; `planted` holds every value written."""

    def __init__(self, seed: int):
        self.rng, self.planted = random.Random(seed), []

    def say(self, text: str) -> str:
        fragment, values = plant(self.rng)
        self.planted += values
        return f"{text} {fragment}"


def delivery(tweet_id: str, text: str, handle: str, author="7001") -> dict:
    """One post as the filtered stream delivers it (the shape the stream holder queues)."""
    at = text.index(f"@{handle}")
    return {"data": [{"id": tweet_id, "text": text, "author_id": author, "created_at": "2026-11-29T05:59:00.000Z",
                      "conversation_id": tweet_id, "edit_history_tweet_ids": [tweet_id],
                      "entities": {"mentions": [{"start": at, "end": at + len(handle) + 1, "username": handle,
                                                 "id": "9" + tweet_id[-9:]}]}}],
            "includes": {"users": [{"id": author, "username": "sunita_lko"}]},
            "matching_rules": [{"id": "1", "tag": "complaint-desk"}]}


def x_post(stack, *specs) -> list[str]:
    answer = requests.post(f"{stack.x.url}/_control/tweets", json=list(specs), timeout=5)
    answer.raise_for_status()
    return [t["id"] for t in answer.json()]


def test_planted_personal_data_reaches_no_log_metric_alert_sms_post_or_error(stack, captured, token, capsys):
    people = Citizens(16)
    requests.post(f"{stack.x.url}/_control/reset", json={"mentions": False}, timeout=5).raise_for_status()
    for handle in ("lucknowpolice", "noidapolice", "Uppolice"):
        stack.authorise(handle)
    admin = {"Authorization": f"Bearer {token('admin')}"} | JSON
    lucknow = {"Authorization": f"Bearer {token('officer', [162], ['police'])}"} | JSON

    # The poll: complaints in Hindi, Hinglish and English, urgent and not, one outside the state's reach.
    chain, urgent, noida, state, railways, vague, hindi = x_post(
        stack,
        {"author": "asha_lko", "text": people.say("@lucknowpolice Hazratganj market me chain snatching hui,")},
        {"author": "meena_lko", "text": people.say(
            "@lucknowpolice Hazratganj Lucknow me abhi accident hua hai, do log ghayal hain, ambulance bhejo")},
        {"author": "ravi_noida", "text": people.say("@noidapolice Sector 18 Noida me meri bike chori ho gayi")},
        {"author": "kamla_up", "text": people.say("@Uppolice light nahi aa rahi hai 3 din se")},
        {"author": "yatri_1", "text": people.say("@lucknowpolice Lucknow Mail train 5 ghante late hai, coach me paani nahi")},
        {"author": "confused_1", "text": people.say("@lucknowpolice ye kya ho raha hai sir?? please dekhiye")},
        {"author": "ramesh_lko", "text": people.say("@lucknowpolice गोमती नगर लखनऊ में तीन दिन से बिजली नहीं है")},
    )
    created = runtime.run_poll()["created"]
    refs = {tweet: runtime.storage().complaints.recorded(tweet) for tweet in (chain, urgent, noida, state, railways,
                                                                                vague, hindi)}
    assert len(created) >= 4

    # A follow-up in the thread, the officer's answer there and an edit of the Noida post, read by the next poll.
    x_post(stack, {"author": "asha_lko", "in_reply_to": chain, "text": people.say("@lucknowpolice abhi tak koi nahi aaya")},
           {"author": "lucknowpolice", "in_reply_to": chain, "text": people.say("@asha_lko humne aapko call kiya")})
    requests.post(f"{stack.x.url}/_control/tweets/{noida}/edit", timeout=5,
                  json={"text": people.say("@noidapolice Sector 18 Noida me meri bike chori ho gayi, UP16 AB 1234")})
    runtime.run_poll()

    # The streamed path: two posts through the queue, and a message it cannot read (a post cut short).
    posts = [delivery(str(1869000000000000100 + i), people.say(f"@lucknowpolice Aliganj me chori hui {i}"),
                      "lucknowpolice") for i in range(2)]
    cut = json.dumps(delivery("1869000000000000199", people.say("@lucknowpolice Aminabad me jhagda"), "lucknowpolice"),
                     ensure_ascii=False)[:-60]
    bodies = [("m1", json.dumps(posts[0])), ("m2", json.dumps(posts[1], ensure_ascii=False)), ("m3", cut)]
    assert runtime.run_record_mentions(bodies) == {"batchItemFailures": [{"itemIdentifier": "m3"}]}

    # The search reconciler catches a post no other path had.
    requests.post(f"{stack.x.url}/_control/search", json={"index_delay_seconds": 0}, timeout=5).raise_for_status()
    x_post(stack, {"author": "gopal_lko", "text": people.say("@lucknowpolice Chowk me naali jam hai, badbu aa rahi hai")})
    runtime.run_reconcile()

    # The sweep: the urgent complaint escalates, the others are reminded.
    now = runtime.utcnow()
    for later in (now + timedelta(minutes=16), now + timedelta(days=2)):
        runtime.run_sweep(clock=lambda later=later: later)

    with Client(app, stage_name="local") as client:
        def http(method, path, headers, body=None):
            answer = getattr(client.http, method)(path, headers=headers, **({"body": json.dumps(body)} if body else {}))
            text = answer.body.decode() if isinstance(answer.body, bytes) else str(answer.body)
            if answer.status_code >= 300 or not DETAIL.fullmatch(path):  # the detail shows the words, by intent
                captured.add(f"api:{answer.status_code} {method.upper()} {path.split('?')[0]}", text)
            return answer

        def act(ref, headers, **request):
            version = http("get", f"/complaints/{ref}", headers).json_body["version"]
            return http("post", f"/complaints/{ref}/actions", headers, request | {"version": version})

        # Officers act: acknowledge, resolve with a note naming the citizen's number, transfer, reject.
        assert act(refs[chain], lucknow, action="acknowledge").status_code == 200
        assert act(refs[chain], lucknow, action="resolve", note=people.say("Spoke to the citizen,")).status_code == 200
        assert act(refs[hindi], admin, action="transfer", to_district=144,
                   note=people.say("Noida ka mamla hai, citizen ne bataya")).status_code == 200
        assert act(refs[state], admin, action="reject", reason="not_actionable",
                   note=people.say("duplicate of an earlier call")).status_code == 200
        # The review queue's post is answered as outside the state's reach.
        assert refs[vague] in [c["ref"] for c in http("get", "/review", admin).json_body["complaints"]]
        assert act(refs[vague], admin, action="review", outcome="outside_jurisdiction",
                   channel="railways").status_code == 200
        # The transferred complaint's alert link, opened without signing in: its history holds the officer's note.
        alerts = [a for a in stack.received("noida-police") if refs[hindi] in a["subject"]]
        link = re.search(r"/app/a/(\S+)", alerts[-1]["message"]).group(1)
        assert refs[hindi] in http("get", f"/app/a/{link}", {}).body.decode()
        captured.add("sns:officer-noida-police", "\n".join(a["message"] for a in alerts))
        # What officers read in lists and exports is masked.
        http("get", "/complaints?limit=100", admin)
        today = runtime.utcnow().date().isoformat()
        http("get", f"/complaints.csv?from={today}&to={today}", admin)
        # Errors: nothing a request carried is echoed back.
        phone, *_ = [v for v in people.planted if "@" not in v]
        http("get", f"/complaints/{requests.utils.quote(phone)}", admin)
        http("post", f"/complaints/{refs[urgent]}/actions", lucknow, {"action": "resolve", "note": phone * 300})
        http("post", f"/complaints/{refs[urgent]}/actions", lucknow, {"action": "resolve", phone: "x"})
        http("get", f"/complaints.csv?from={requests.utils.quote(phone)}&to={today}", admin)
        http("get", f"/complaints/{refs[noida]}", lucknow)  # outside the Lucknow officer's scope

    runtime.run_daily_digest()
    runtime.run_weekly_summary()
    next_week = runtime.utcnow() + timedelta(days=7)
    weekly_summary(runtime.storage(), runtime.replies().post, runtime.registry(), runtime.policies(), lambda: next_week)

    posted = collect(stack, captured, capsys)
    assert len(posted) >= 5 and any(where.startswith("sns:sms") for where, _ in captured.texts)
    assert_no_leaks(captured, people.planted)


def test_the_seed_mentions_numbers_reach_nothing_the_desk_lets_out(stack, captured, token, capsys):
    """The demo's day as seeded (three posts carry a citizen's mobile number): found by the scan's generic
    patterns, as nothing was planted."""
    for handle in ("lucknowpolice", "noidapolice", "Uppolice"):
        stack.authorise(handle)
    assert runtime.run_poll()["created"]
    runtime.run_sweep(clock=lambda: runtime.utcnow() + timedelta(days=2))
    runtime.run_daily_digest()
    with Client(app, stage_name="local") as client:
        listing = client.http.get("/complaints?limit=100", headers={"Authorization": f"Bearer {token('admin')}"})
        captured.add("api:200 GET /complaints", listing.body.decode())
    assert collect(stack, captured, capsys)
    assert_no_leaks(captured, [])


def test_posts_read_from_the_stream_leak_nothing_through_the_holder_or_the_recorder(stack, captured, capsys):
    people = Citizens(61)
    stack.x.set_stream(keepalive_seconds=0.2)  # tweepy notices a planned disconnect at the next keep-alive
    stop = threading.Event()
    holder = threading.Thread(target=lambda: runtime.run_stream_holder(stop=stop), daemon=True)
    holder.start()
    sqs = stack.client("sqs")
    url = sqs.get_queue_url(QueueName=stack.env["MENTIONS_QUEUE_URL"].rsplit("/", 1)[1])["QueueUrl"]
    try:
        until(lambda: stack.x.stream_status()["connected"], "the holder connected")
        first = stack.x.stream_status()["connects"]
        [first_post] = x_post(stack, {"author": "citizen_1",
                                      "text": people.say("@lucknowpolice Hazratganj me chain snatching hui abhi")})
        stack.x.set_stream(disconnect=True)
        until(lambda: stack.x.stream_status()["connects"] > first, "tweepy reconnected")
        [second_post] = x_post(stack, {"author": "citizen_2",
                                       "text": people.say("@noidapolice Sector 62 me bijli nahi hai teen ghante se")})
        with Client(app, stage_name="local") as client:
            def recorded():
                consume_once(sqs, url, lambda event: client.lambda_.invoke("record_mentions", event).payload)
                return all(runtime.storage().complaints.recorded(t) for t in (first_post, second_post))
            until(recorded, "both posts streamed, queued and recorded")
    finally:
        stop.set()
        holder.join(30)
    collect(stack, captured, capsys)
    assert any(where.startswith("sns:sms") for where, _ in captured.texts)
    assert_no_leaks(captured, people.planted)


def until(condition, what: str, wait: float = 15.0):
    deadline = time.monotonic() + wait
    while not (found := condition()):
        assert time.monotonic() < deadline, f"never: {what}"
        time.sleep(0.05)
    return found


def collect(stack, captured: Captured, capsys) -> list[dict]:
    """What reached the officers' queues and the ops inbox, the desk's posts on X and stdout (EMF, logs)."""
    for officer in [*EXAMPLE_OFFICERS, type("Ops", (), {"name": "ops"})]:
        for alert in stack.received(officer.name):
            captured.add(f"sns:officer-{officer.name}", f"{alert['subject']}\n{alert['message']}")
    posted = requests.get(f"{stack.x.url}/_control/posts", timeout=5).json()
    for post in posted:
        captured.add("x:post", post["text"])
    for line in capsys.readouterr().out.splitlines():
        captured.add("stdout", line)
    return posted


def assert_no_leaks(captured: Captured, planted: list[str]):
    leaks = find_leaks(captured.texts, planted)
    assert not leaks, "\n".join(f"{leak['where']}: {leak['kind']} {leak['value']}" for leak in leaks)
