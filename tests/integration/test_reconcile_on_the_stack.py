"""The scheduled reconciler on the local stack: recent search through real tweepy against the local X,
cursors in DynamoDB on moto, what it caught in /status, and the timelines filling in after a long outage."""

from dataclasses import replace
from datetime import timedelta

import pytest
from chalice.test import Client

from app import app
from chalicelib import runtime
from chalicelib.domain.search_groups import pack
from tests.integration.local_x import control



@pytest.fixture
def desk(stack):
    control(stack.x, "POST", "reset", {"mentions": False})  # a small desk: moto copies the table on every write
    with Client(app, stage_name="local") as client:
        event = client.events.generate_cw_event(source="aws.events", detail_type="Scheduled Event", detail={},
                                                resources=[])
        client.reconcile = lambda: client.lambda_.invoke("reconcile", event).payload
        yield client


def recorded(tweet_id: str) -> str | None:
    return runtime.storage().complaints.recorded(tweet_id)


def rewind(**changes) -> None:
    """Every query group's cursor changed alike (the seed handles fill more than one group)."""
    searches_store = runtime.storage().searches
    for group_id, cursor in searches_store.load().items():
        searches_store.save(group_id, replace(cursor, **changes))


def searches(stack) -> list[dict]:
    return [c for c in control(stack.x, "GET", "calls") if "/2/tweets/search/recent" in c.get("path", "")]


def test_search_records_what_no_other_path_had_and_counts_it_caught(desk, stack, token, monkeypatch):
    first = desk.reconcile()  # the seed handles went live 30 days ago: their timelines are read, not searched
    assert first["created"] == [] and first["backfilled"] and not searches(stack)
    five_minutes_ago = (runtime.utcnow() - timedelta(minutes=5)).replace(microsecond=0).isoformat()
    rewind(read_to=five_minutes_ago)  # as if it ran then
    [older] = control(stack.x, "POST", "tweets", [
        {"author": "asha_lko", "text": "@lucknowpolice Aliganj me chain snatching hui", "minutes_ago": 2}])
    retweet, fresh = control(stack.x, "POST", "tweets", [
        {"author": "ravi_lko", "retweet_of": older["id"], "minutes_ago": 1},
        {"author": "meena_lko", "text": "@lucknowpolice Hazratganj me jam laga hai", "minutes_ago": 0},
    ])
    second = desk.reconcile()
    assert second["created"] == [recorded(older["id"])] and second["caught"] == 1 and second["backfilled"] == []
    assert recorded(fresh["id"]) is None  # posted under 30 s ago: X may not have indexed it; read next minute
    calls = searches(stack)
    assert len(calls) == len(pack(runtime.registry()))
    assert all("-is:retweet" in c["query"]["query"] and "end_time" in c["query"] for c in calls), calls
    cursor = next(c for c in runtime.storage().searches.load().values() if "lucknowpolice" in c.handles)
    assert cursor.since_id == older["id"] and int(cursor.since_id) < int(fresh["id"])
    status = desk.http.get("/status", headers={"Authorization": f"Bearer {token('admin')}"}).json_body
    assert status["ingestion"]["search"]["caught"] == 1 and status["ingestion"]["search"]["last_success_at"]
    # The retweet was left out by the query itself (X bills every post it returns), not read and skipped.
    assert sum(g["fetched"] for g in second["groups"]) == 1 and "retweet" not in second["skipped"]
    assert recorded(retweet["id"]) is None

    a_minute_later = runtime.utcnow() + timedelta(minutes=1)  # the desk's and the local X's clocks both move on
    control(stack.x, "POST", "clock", {"now": a_minute_later.isoformat()})
    monkeypatch.setattr(runtime, "utcnow", lambda: a_minute_later)
    third = desk.reconcile()
    assert third["created"] == [recorded(fresh["id"])] and third["caught"] == 1


def test_after_an_eight_day_outage_the_timelines_fill_in_what_search_no_longer_reaches(desk, stack):
    desk.reconcile()
    searches_store = runtime.storage().searches
    eight_days_ago = (runtime.utcnow() - timedelta(days=8)).replace(microsecond=0)
    rewind(since_id=None, newest_at=None, read_to=eight_days_ago.isoformat())
    [lost, recent] = control(stack.x, "POST", "tweets", [
        {"author": "asha_lko", "text": "@noidapolice Sector 18 me chori, 7 din pehle", "minutes_ago": 60 * 24 * 7.5},
        {"author": "ravi_lko", "text": "@noidapolice Sector 62 me jam", "minutes_ago": 60 * 24},
    ])
    report = desk.reconcile()
    assert recorded(lost["id"]) and recorded(recent["id"]) and "noidapolice" in report["backfilled"]
    assert report["gaps"] == [] and all(g["outcome"] == "ok" for g in report["groups"])
    assert stack.received("ops") == []  # nothing was lost: ops hear nothing
    assert all(moved.read_to > eight_days_ago.isoformat() for moved in searches_store.load().values())
    assert desk.reconcile()["backfilled"] == []


def test_a_gap_is_kept_on_the_handle_shown_in_status_and_told_on_the_ops_topic_once(desk, stack, token):
    from chalicelib.services.reconcile import reconcile

    def run():  # the runtime's adapters, with X's timeline cap of 800 played by 2
        return reconcile(runtime.registry(), runtime.source(), runtime.source(), runtime.storage(), runtime.alerts(),
                         runtime.replies(), runtime.ops_notices(), runtime.utcnow, runtime.policies(), timeline_cap=2)

    desk.reconcile()
    searches_store = runtime.storage().searches
    eight_days_ago = (runtime.utcnow() - timedelta(days=8)).replace(microsecond=0)
    rewind(since_id=None, newest_at=None, read_to=eight_days_ago.isoformat())
    control(stack.x, "POST", "tweets", [
        {"author": f"citizen_{i}", "text": f"@noidapolice Sector {i} me chori", "minutes_ago": 60 * 24 * 7.5 - i}
        for i in range(3)])
    assert run().gaps == ["noidapolice"]
    [notice] = stack.received("ops")
    assert "@noidapolice" in notice["subject"] and "cannot be read" in notice["message"]
    status = desk.http.get("/status", headers={"Authorization": f"Bearer {token('admin')}"}).json_body
    [shown] = [h for h in status["handles"] if h["handle"] == "noidapolice"]
    assert shown["gap"].startswith(f"2 or more mentions since {eight_days_ago.isoformat()}")
    assert run().gaps == [] and stack.received("ops") == []
