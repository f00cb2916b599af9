"""The registry's admin routes on the local stack: GET/POST /handles, PATCH /handles/{handle} and
POST /handles/import, for admins only, with bad input named in a 400."""

from __future__ import annotations

import json

import pytest
from chalice.test import Client

from app import app

CSV = "handle,kind,department,district,owner_contact\n"


@pytest.fixture
def client(stack):
    with Client(app, stage_name="local") as client:
        yield client


@pytest.fixture
def admin(token):
    return {"Authorization": f"Bearer {token('admin')}"}


def post(client, path, headers, body, content_type="application/json"):
    data = body if isinstance(body, str) else json.dumps(body)
    return client.http.post(path, headers=headers | {"Content-Type": content_type}, body=data)


def test_officers_are_refused_every_registry_route(client, token):
    officer = {"Authorization": f"Bearer {token('officer', [162], ['police'])}"}
    answers = [client.http.get("/handles", headers=officer),
               post(client, "/handles", officer, {"handle": "UPJalNigam", "kind": "state", "department": "water"}),
               client.http.patch("/handles/lucknowpolice", headers=officer | {"Content-Type": "application/json"},
                                 body=json.dumps({"enabled": False})),
               post(client, "/handles/import", officer, CSV + "UPJalNigam,state,water,,\n", "text/csv")]
    assert [a.status_code for a in answers] == [403] * 4
    assert {a.json_body["error"] for a in answers} == {"forbidden"}


def test_an_admin_lists_adds_changes_and_disables_handles(client, admin, x_control):
    listed = client.http.get("/handles", headers=admin).json_body["handles"]
    assert {"lucknowpolice", "UPSRTCHQ"} <= {h["handle"] for h in listed}
    x_control.tweets({"author": "UPJalNigam", "text": "Jal Nigam helpline 1916"})
    added = post(client, "/handles", admin, {"handle": "@UPJalNigam", "kind": "department", "department": "water",
                                             "owner_contact": "jal.nigam@up.gov.in", "start_at": "2026-12-01T09:00+05:30"})
    assert added.status_code == 200, added.json_body
    assert added.json_body["user_id"] and added.json_body["start_at"] == "2026-12-01T09:00:00+05:30"
    again = post(client, "/handles", admin, {"handle": "upjalnigam", "kind": "department", "department": "water"})
    assert (again.status_code, again.json_body["error"]) == (409, "handle_exists")

    patch = {**admin, "Content-Type": "application/json"}
    changed = client.http.patch("/handles/UPJALNIGAM", headers=patch, body=json.dumps({"district": 162, "enabled": False}))
    assert changed.status_code == 200 and changed.json_body["district"] == 162 and changed.json_body["enabled"] is False
    status = client.http.get("/status", headers=admin).json_body
    assert next(h for h in status["handles"] if h["handle"] == "UPJalNigam")["enabled"] is False
    missing = client.http.patch("/handles/nobody", headers=patch, body=json.dumps({"enabled": True}))
    assert missing.status_code == 404


@pytest.mark.parametrize("body, named", [
    ({"handle": "UPJalNigam", "kind": "district_police", "department": "police"}, "needs its district"),
    ({"handle": "UPJalNigam", "kind": "state", "department": "water", "owner_contact": "call the office"}, "owner contact"),
    ({"handle": "UPJalNigam", "kind": "state", "department": "water", "start_at": "2026-12-01T09:00"}, "time zone"),
    ({"handle": "UP Jal", "kind": "state", "department": "water"}, "body.handle"),
    ({"handle": "UPJalNigam", "kind": "zone", "department": "water"}, "body.kind"),
    ({"handle": "UPJalNigam", "kind": "state", "department": "water", "colour": "blue"}, "body"),
])
def test_a_bad_handle_is_a_400_naming_the_field(client, admin, body, named):
    answer = post(client, "/handles", admin, body)
    assert answer.status_code == 400 and named in answer.json_body["message"], answer.json_body


def test_a_handle_x_does_not_know_is_refused(client, admin):
    answer = post(client, "/handles", admin, {"handle": "nosuchaccount", "kind": "state", "department": "police"})
    assert (answer.status_code, answer.json_body["error"]) == (400, "unknown_on_x")


def test_an_import_dry_run_answers_the_plan_and_a_bad_import_is_a_400_naming_the_row(client, admin, x_control):
    x_control.tweets({"author": "UPJalNigam", "text": "Jal Nigam helpline 1916"})
    good = CSV + "UPJalNigam,department,water,,jal.nigam@up.gov.in\nlucknowpolice,district_police,police,162,+919876543210\n"
    dry = post(client, "/handles/import?dry_run=true", admin, good, "text/csv")
    assert dry.status_code == 200 and not dry.json_body["written"]
    assert [h["handle"] for h in dry.json_body["added"]] == ["UPJalNigam"]
    assert [c["handle"] for c in dry.json_body["changed"]] == ["lucknowpolice"]
    assert "upjalnigam" not in {h["handle"].lower() for h in client.http.get("/handles", headers=admin).json_body["handles"]}

    bad = good + "hapurpolice,district_police,police,,\n"
    refused = post(client, "/handles/import", admin, bad, "text/csv")
    assert refused.status_code == 400 and "row 4, district" in refused.json_body["message"]
    assert post(client, "/handles/import?dry_run=maybe", admin, good, "text/csv").status_code == 400

    done = post(client, "/handles/import", admin, good, "text/csv")
    assert done.status_code == 200 and done.json_body["written"]
    listed = {h["handle"]: h for h in client.http.get("/handles", headers=admin).json_body["handles"]}
    assert listed["UPJalNigam"]["user_id"] and listed["lucknowpolice"]["owner_contact"] == "+919876543210"


def test_registry_answers_carry_every_documented_required_field(client, admin):
    from tests.app.test_openapi import required_fields

    spec = client.http.get("/openapi.json").json_body
    listed = client.http.get("/handles", headers=admin).json_body
    needed = required_fields(spec, spec["components"]["schemas"]["WatchedHandle"])
    assert listed["handles"] and all(needed <= set(h) for h in listed["handles"])
    plan = post(client, "/handles/import?dry_run=true", admin, CSV + "lucknowpolice,district_police,police,162,\n",
                "text/csv").json_body
    assert required_fields(spec, spec["components"]["schemas"]["ImportResult"]) <= set(plan)
