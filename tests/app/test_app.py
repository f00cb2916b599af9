"""The Chalice app end to end on the local stack: the scheduled poll function and GET /status."""

import time
from datetime import datetime

import pytest
from chalice.test import Client

from app import app
from chalicelib import runtime


@pytest.fixture
def client(stack):
    stack.authorise_seeded()
    with Client(app, stage_name="local") as client:
        yield client


def run_poll(client) -> dict:
    event = client.events.generate_cw_event(source="aws.events", detail_type="Scheduled Event", detail={}, resources=[])
    return client.lambda_.invoke("poll", event).payload


def test_the_scheduled_poll_turns_the_sample_mentions_into_complaints_once(client, stack):
    first = run_poll(client)
    assert len(first["created"]) >= 40
    assert first["alerts_sent"] > 0 and first["alerts_failed"] == 0
    # The seed's @lucknowpolice reply in a citizen's thread is an officer's reply: recorded, not skipped.
    assert first["skipped"].get("retweet", 0) >= 1 and first["skipped"].get("officer_reply", 0) >= 1
    assert all(h["outcome"] == "ok" for h in first["handles"])
    second = run_poll(client)
    assert second["created"] == [] and second["alerts_sent"] == 0


def test_officers_receive_only_the_alerts_for_their_district(client, stack):
    first = run_poll(client)
    lucknow = stack.received("lucknow-police")
    noida = stack.received("noida-police")
    triage = stack.received("state-triage")
    assert lucknow and noida and triage
    assert {a["attributes"]["district"] for a in lucknow} == {"162"}
    assert {a["attributes"]["department"] for a in lucknow} == {"police"}
    assert {a["attributes"]["district"] for a in noida} == {"144"}
    assert {a["attributes"]["district"] for a in triage} == {"unknown"}
    complaints = runtime.storage().complaints
    expected_lucknow = {
        ref for ref in first["created"]
        if (c := complaints.get(ref)).district == 162 and c.department == "police" and c.alert.state == "sent"
    }
    assert {a["message"].splitlines()[0].rsplit(" ", 1)[1] for a in lucknow} == expected_lucknow
    run_poll(client)
    assert stack.received("lucknow-police") == []


def test_a_failure_mid_page_leaves_the_cursor_and_the_next_poll_completes_the_work(client, stack, x_control):
    run_poll(client)
    state = runtime.storage().handles.states(["meerutpolice"])["meerutpolice"]
    user_id, cursor = state.user_id, state.since_id
    x_control.tweets(*[{"author": "meerut_citizen", "text": f"@meerutpolice Meerut shikayat {i}"} for i in range(120)])
    x_control.fault(path_prefix=f"/2/users/{user_id}/mentions", status=503, times=1, skip=1)
    failed = run_poll(client)
    meerut = next(h for h in failed["handles"] if h["handle"] == "meerutpolice")
    assert meerut["outcome"] == "error" and meerut["created"] == 100
    assert runtime.storage().handles.states(["meerutpolice"])["meerutpolice"].since_id == cursor
    completed = run_poll(client)
    assert len(completed["created"]) == 20
    assert runtime.storage().handles.states(["meerutpolice"])["meerutpolice"].since_id != cursor


def test_a_429_holds_the_family_for_every_handle_until_its_reset_then_the_poll_retries(client, stack, x_control,
                                                                                        token):
    x_control.fault(path_prefix="/2/users/by/username/lucknowpolice", status=429, times=1, reset_in_seconds=15)
    first = run_poll(client)
    outcomes = {h["handle"]: h["outcome"] for h in first["handles"]}
    # X's user look-ups are one window for the whole app: after its 429 no other look-up is asked for, and
    # each handle still to be looked up waits; the handles whose ids the desk knows read their mentions.
    lookups = [c for c in x_control.calls() if c["path"].startswith("/2/users/by/username/")]
    refused = next(i for i, c in enumerate(lookups) if c["status"] == 429)
    assert lookups[refused]["path"].endswith("/lucknowpolice") and refused == len(lookups) - 1
    waiting = {h for h, outcome in outcomes.items() if outcome == "rate_limited"}
    assert "lucknowpolice" in waiting and len(waiting) > 1 and set(outcomes.values()) == {"rate_limited", "ok"}
    shown = client.http.get("/status", headers={"Authorization": f"Bearer {token('admin')}"}).json_body["x_budget"]
    assert shown["users"]["waiting"] is True and shown["users"]["remaining"] == 0 and shown["users"]["reset"]
    assert shown["mentions"]["waiting"] is False and shown["mentions"]["limit"] == 450
    reset = datetime.fromisoformat(shown["users"]["reset"])
    time.sleep(max(0.0, (reset - runtime.utcnow()).total_seconds()) + 1)  # X's window resets
    second = run_poll(client)
    lucknow = next(h for h in second["handles"] if h["handle"] == "lucknowpolice")
    assert lucknow["outcome"] == "ok" and lucknow["fetched"] > 0


def test_status_reports_counts_alerts_and_every_handles_last_poll(client, stack, token):
    first = run_poll(client)
    response = client.http.get("/status", headers={"Authorization": f"Bearer {token('admin')}"})
    assert response.status_code == 200
    body = response.json_body
    assert body["complaints"]["total"] == len(first["created"])
    assert sum(body["complaints"]["by_status"].values()) == len(first["created"])
    assert body["complaints"]["by_district"]["162"]["name"] == "Lucknow"
    # Alerts no example officer's filter takes went to the state desk too, and are counted.
    unrouted = len(stack.received("state-desk"))
    assert body["alerts"] == {"sent": first["alerts_sent"], "failed": 0, "unrouted": unrouted} and 0 < unrouted
    assert body["replies"] == {"posting": "on", "sent": first["replies_sent"], "failed": 0, "blocked": 0,
                               "undeliverable": 0} and first["replies_sent"] > 0
    assert body["complaints"]["oldest_open_age_seconds"] is not None
    handles = {h["handle"]: h for h in body["handles"]}
    assert handles["lucknowpolice"]["outcome"] == "ok" and handles["lucknowpolice"]["last_success_at"]
    assert body["ingestion"]["timelines"]["last_success_at"] == handles["lucknowpolice"]["last_success_at"]


def test_status_before_any_poll_is_empty_not_an_error(client, token):
    body = client.http.get("/status", headers={"Authorization": f"Bearer {token('admin')}"}).json_body
    assert body["complaints"]["total"] == 0 and body["complaints"]["oldest_open_age_seconds"] is None


def test_the_poll_keeps_to_lambdas_clock_but_not_to_chalices_local_stand_in():
    from chalice.local import LambdaContext

    class Context:  # what Lambda hands the function: the time it has left
        def get_remaining_time_in_millis(self):
            return 42_000

    assert runtime.time_left(LambdaContext("poll", memory_size=128)) is None  # it claims 3 s whatever the timeout
    assert runtime.time_left(Context())() == 42.0
