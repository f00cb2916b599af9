"""The scheduled sweep, daily digest and weekly summary functions on the local stack."""

from datetime import timedelta

import pytest
import requests
from chalice.test import Client

from app import app
from chalicelib import runtime
from chalicelib.services.reports import weekly_summary


@pytest.fixture
def client(stack):
    with Client(app, stage_name="local") as client:
        event = client.events.generate_cw_event(source="aws.events", detail_type="Scheduled Event", detail={}, resources=[])
        client.run = lambda name: client.lambda_.invoke(name, event).payload
        yield client


def test_the_sweep_function_runs_on_its_schedule_and_finds_nothing_due_yet(client):
    client.run("poll")
    assert client.run("sweep") | {} == {"checked": 0, "reminders": 0, "escalations": 0, "lost_races": 0,
                                        "failed": 0, "alerts_sent": 0, "alerts_failed": 0}


def test_the_daily_digest_reaches_the_district_heads_once(client, stack, token):
    client.run("poll")
    admin = {"Authorization": f"Bearer {token('admin')}"}
    lucknow = client.http.get("/complaints?district=162&limit=100", headers=admin).json_body["complaints"]
    open_in_lucknow = sum(c["status"] == "new" for c in lucknow)
    first = client.run("daily_digest")
    assert "162" in first["sent"] and "144" in first["sent"]
    [digest] = stack.received("ssp-lucknow")
    assert digest["attributes"] == {"district": "162", "department": "all", "urgency": "normal", "event": "digest", "level": "L2"}
    assert f"Open complaints: {open_in_lucknow}" in digest["message"] and open_in_lucknow < len(lucknow) and "लखनऊ / Lucknow" in digest["message"]
    again = client.run("daily_digest")
    assert again["sent"] == [] and again["already_sent"] == len(first["sent"])
    assert stack.received("ssp-lucknow") == []


def test_the_weekly_summary_is_off_unless_enabled_while_the_state_report_reaches_the_admins_once(client, stack):
    run = client.run("weekly_summary")
    assert run["skipped"] == "WEEKLY_SUMMARY_ENABLED is off" and run["state_report"]["sent"] == ["state"]
    [report] = stack.received("ops")
    assert report["subject"].startswith("UP complaint desk: weekly state report")
    assert "Unnao" in report["message"] and "Departments" in report["message"]
    assert client.run("weekly_summary")["state_report"]["already_sent"] == 1 and stack.received("ops") == []


def test_the_weekly_summary_posts_once_per_department_on_x_from_its_own_handle(client, stack, token):
    stack.authorise("Uppolice"), stack.authorise("UPPCLLKO")
    client.run("poll")
    admin = {"Authorization": f"Bearer {token('admin')}"}
    [one, *_] = client.http.get("/complaints?department=electricity", headers=admin).json_body["complaints"]
    client.http.post(f"/complaints/{one['ref']}/actions", headers=admin | {"Content-Type": "application/json"},
                     body='{"action": "resolve", "note": "Transformer replaced"}')
    next_week = runtime.utcnow() + timedelta(days=7)
    run = weekly_summary(runtime.storage(), runtime.replies().post, runtime.registry(), runtime.policies(),
                         lambda: next_week)
    assert "electricity" in run.sent and "police" in run.sent
    posts = [p for p in requests.get(f"{stack.x.url}/_control/posts", timeout=5).json() if "week" in p["text"]]
    electricity = next(p for p in posts if "UP electricity department" in p["text"])
    assert electricity["author_id"] == stack.x.state.users["uppcllko"].id
    electricity = electricity["text"]
    assert "complaints received on X, 1 resolved" in electricity and "http" not in electricity
    again = weekly_summary(runtime.storage(), runtime.replies().post, runtime.registry(), runtime.policies(),
                         lambda: next_week)
    assert again.sent == [] and again.already_sent == len(run.sent)
