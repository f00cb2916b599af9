"""The registry on the local stack: a handle an admin adds with the admin command is polled by the next
scheduled poll, without a redeploy, from the moment it was added; a disabled handle is not polled."""

from __future__ import annotations

import time

import pytest
from chalice.test import Client

from app import app
from chalicelib import admin, runtime


@pytest.fixture
def client(stack):
    with Client(app, stage_name="local") as client:
        yield client


def run_poll(client) -> dict:
    event = client.events.generate_cw_event(source="aws.events", detail_type="Scheduled Event", detail={}, resources=[])
    return client.lambda_.invoke("poll", event).payload


def a_minute_later(monkeypatch) -> None:
    """The warm container's copy of the registry ages past its limit, as a minute between polls does."""
    monkeypatch.setattr(runtime.registry, "clock", lambda: time.monotonic() + runtime.REGISTRY_MAX_AGE_SECONDS + 5)


def mentions_calls(x_control, user_id: str) -> list[dict]:
    return [c for c in x_control.calls() if c["path"] == f"/2/users/{user_id}/mentions"]


def test_a_handle_added_by_the_admin_command_is_polled_next_without_its_older_mentions(client, x_control, monkeypatch,
                                                                                       capsys):
    run_poll(client)  # the container holds the registry as it was
    x_control.tweets({"author": "UPJalNigam", "text": "Jal Nigam helpline 1916 par call karein"})
    [older] = x_control.tweets({"author": "citizen_old", "minutes_ago": 90,
                                "text": "@UPJalNigam Aliganj Lucknow me 3 din se paani nahi aa raha"})

    assert admin.main(["handles", "add", "UPJalNigam", "--kind", "department", "--department", "water",
                       "--owner", "jal.nigam@up.gov.in"]) == 0
    assert "Added @UPJalNigam" in capsys.readouterr().out
    [newer] = x_control.tweets({"author": "citizen_new", "text": "@UPJalNigam Gomti Nagar Lucknow me paani nahi aa raha"})
    a_minute_later(monkeypatch)
    report = run_poll(client)

    jal = next(h for h in report["handles"] if h["handle"] == "UPJalNigam")
    assert jal["outcome"] == "ok" and jal["fetched"] == 1
    entry = runtime.storage().registry.load().get("upjalnigam")
    [call] = mentions_calls(x_control, entry.user_id)
    assert call["query"]["start_time"] == entry.start_at.strftime("%Y-%m-%dT%H:%M:%SZ")
    recorded = {runtime.storage().complaints.get(ref).tweet_id for ref in report["created"]}
    assert newer in recorded and older not in recorded
    assert runtime.storage().handles.states(["upjalnigam"])["upjalnigam"].since_id == newer


def test_a_disabled_handle_is_not_polled_and_shows_as_disabled_on_status(client, x_control, monkeypatch, token, capsys):
    run_poll(client)
    lucknow = runtime.storage().registry.load().get("lucknowpolice")
    assert lucknow.user_id  # the first poll found its account and wrote it into the registry
    assert admin.main(["handles", "disable", "@LucknowPolice"]) == 0
    assert "DISABLED" in capsys.readouterr().out
    x_control.tweets({"author": "citizen9", "text": "@lucknowpolice Hazratganj me jhagda ho raha hai"})
    x_control.calls()  # the log so far
    before = len(mentions_calls(x_control, lucknow.user_id))
    a_minute_later(monkeypatch)
    report = run_poll(client)

    assert "lucknowpolice" not in {h["handle"] for h in report["handles"]}
    assert len(mentions_calls(x_control, lucknow.user_id)) == before
    status = client.http.get("/status", headers={"Authorization": f"Bearer {token('admin')}"}).json_body
    shown = {h["handle"]: h for h in status["handles"]}
    assert shown["lucknowpolice"]["enabled"] is False and shown["noidapolice"]["enabled"] is True


def test_the_admin_command_names_a_bad_field_and_an_unknown_account(client, capsys):
    assert admin.main(["handles", "add", "hapur_police2", "--kind", "district_police", "--department", "police"]) == 2
    assert "needs its district" in capsys.readouterr().err
    assert admin.main(["handles", "add", "nosuchaccount", "--kind", "state", "--department", "police"]) == 2
    assert "X has no account @nosuchaccount" in capsys.readouterr().err
    assert runtime.storage().registry.load().get("nosuchaccount") is None
