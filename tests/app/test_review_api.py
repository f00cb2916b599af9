"""Triage's outcomes through the HTTP API on the local stack (moto, the local X): the review queue,
a reviewer's decision, the RailMadad answer on X, urgency, and the corrections export."""

import json
from dataclasses import replace

import pytest
import requests
from chalice.test import Client

from app import app
from chalicelib import admin, runtime
from chalicelib.services import poll as poll_service
from chalicelib.triage import triage

TWEETS = [
    {"author": "asha_lko", "text": "@lucknowpolice Hazratganj market me abhi chain snatching hui, 9876543210 pe call karo"},
    {"author": "ravi_lko", "text": "@lucknowpolice pata nahi kya ho raha hai Aliganj me"},
    {"author": "meena_lko", "text": "@lucknowpolice Lucknow Mail train 5 ghante late hai, coach me paani nahi"},
]


def classify(text, tagged, speaker):
    """Triage as it is, with the outcomes these tests need (triage's rules are another helper's work)."""
    decided = triage(text, tagged, speaker)
    if "train" in text:
        return replace(decided, outcome="outside_jurisdiction", channel="railways", is_complaint=False)
    if "pata nahi" in text:
        return replace(decided, outcome="needs_review", is_complaint=False)
    return decided


@pytest.fixture
def desk(stack):
    with Client(app, stage_name="local") as client:
        requests.post(f"{stack.x.url}/_control/reset", json={"mentions": False}, timeout=5).raise_for_status()
        ids = [t["id"] for t in requests.post(f"{stack.x.url}/_control/tweets", json=TWEETS, timeout=5).json()]
        stack.authorise("lucknowpolice")
        client.poll = lambda: poll_service.poll(runtime.registry(), runtime.source(), runtime.storage(), runtime.alerts(),
                                                runtime.replies(), runtime.utcnow, runtime.policies(), classify=classify)
        created = client.poll().created
        client.refs = dict(zip(("complaint", "review", "outside"),
                               (runtime.storage().complaints.recorded(i) for i in ids)))
        client.tweet_ids = dict(zip(("complaint", "review", "outside"), ids))
        assert sorted(created) == sorted(client.refs.values())
        yield client


def call(client, method, path, token, body=None):
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    return getattr(client.http, method)(path, headers=headers, **({"body": json.dumps(body)} if body else {}))


def test_only_the_complaint_rings_a_phone_and_the_railways_post_is_told_about_railmadad(desk, stack):
    alerted = [a["subject"] for a in stack.received("lucknow-police")]
    assert len(alerted) == 1 and desk.refs["complaint"] in alerted[0]
    posts = requests.get(f"{stack.x.url}/_control/posts", timeout=5).json()
    [answer] = [p for p in posts if any(r["id"] == desk.tweet_ids["outside"] for r in p.get("referenced_tweets", []))]
    assert "RailMadad 139" in answer["text"] and "http" not in answer["text"]
    assert not [p for p in posts if any(r["id"] == desk.tweet_ids["review"] for r in p.get("referenced_tweets", []))]


def test_the_review_queue_is_listed_for_admins_and_counted_in_status(desk, token):
    admin_token = token("admin")
    queue = call(desk, "get", "/review?limit=10", admin_token)
    assert queue.status_code == 200 and queue.json_body["waiting"] == 1 and queue.json_body["next_cursor"] is None
    assert [c["ref"] for c in queue.json_body["complaints"]] == [desk.refs["review"]]
    assert call(desk, "get", "/review", token("officer", [162], ["police"])).status_code == 403
    bad = call(desk, "get", "/review?limit=0", admin_token)
    assert bad.status_code == 400 and bad.json_body["error"] == "bad_request"
    board = call(desk, "get", "/status", admin_token).json_body
    assert board["review"] == {"waiting": 1, "decided": 0}
    assert board["complaints"]["by_status"]["outside_jurisdiction"] == 1


def test_a_reviewers_decision_routes_and_alerts_and_the_export_holds_the_example(desk, token, stack, tmp_path):
    admin_token, ref = token("admin"), desk.refs["review"]
    refused = call(desk, "post", f"/complaints/{ref}/actions", token("officer", [162], ["police"]),
                   {"action": "review", "outcome": "not_actionable"})
    assert refused.status_code == 403
    vague = call(desk, "post", f"/complaints/{ref}/actions", admin_token, {"action": "review", "outcome": "complaint"})
    assert vague.status_code == 400 and "to_district and to_department" in vague.json_body["message"]
    stack.received("lucknow-police")  # the first poll's alert
    decided = call(desk, "post", f"/complaints/{ref}/actions", admin_token,
                   {"action": "review", "outcome": "complaint", "to_district": 162, "to_department": "police",
                    "note": "noise complaint, Aliganj"})
    assert decided.status_code == 200 and decided.json_body["status"] == "transferred"
    assert decided.json_body["alert"] == "sent" and decided.json_body["history"][-1]["outcome"] == "complaint"
    [alert] = stack.received("lucknow-police")
    assert ref in alert["subject"]
    assert call(desk, "get", "/status", admin_token).json_body["review"] == {"waiting": 0, "decided": 1}
    before = call(desk, "get", f"/complaints/{desk.refs['complaint']}", admin_token).json_body
    urgent = call(desk, "post", f"/complaints/{desk.refs['complaint']}/actions", admin_token,
                  {"action": "urgency", "urgent": not before["urgent"], "version": before["version"]})
    assert urgent.status_code == 200 and urgent.json_body["urgent"] is not before["urgent"]

    out = tmp_path / "corrections.jsonl"
    assert admin.main(["corrections", "export", "--out", str(out)]) == 0
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [(e["kind"], e["outcome"], e["district"], e["department"]) for e in lines] == [
        ("review", "complaint", 162, "police"), ("urgency", "complaint", 162, "police")]
    assert "[phone]" in lines[1]["text"] and "9876543210" not in out.read_text(encoding="utf-8")
    assert set(lines[0]) == {"text", "district", "department", "outcome", "urgent", "kind", "at"}
    assert admin.main(["corrections", "export", "--out", str(out), "--since", "2026-12-01T00:00"]) == 2  # no zone
    assert admin.main(["corrections", "export", "--out", str(out), "--since", "2099-01-01T00:00Z"]) == 0
    assert out.read_text(encoding="utf-8") == "" and not out.with_name(out.name + ".part").exists()
