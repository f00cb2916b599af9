"""The scheduled poll on the local stack (moto, the local X through real tweepy) with what X really sends:
a long post, HTML-escaped text, an edit, a tagged account X cannot show, and a watched account suspended."""

import pytest
import requests
from chalice.test import Client

from app import app
from chalicelib import runtime
from tests.integration.local_x import control
from tests.integration.test_x_source import LONG

ESCAPED = "@lucknowpolice Aliganj me <b>DJ</b> & shor raat 1 baje tak, likha tha &amp; -> band karo"



@pytest.fixture
def desk(stack):
    control(stack.x, "POST", "reset", {"mentions": False})  # a small desk: moto copies the table on every write
    with Client(app, stage_name="local") as client:
        event = client.events.generate_cw_event(source="aws.events", detail_type="Scheduled Event", detail={},
                                                resources=[])
        client.poll = lambda: client.lambda_.invoke("poll", event).payload
        yield client


def recorded(tweet_id: str):
    complaints = runtime.storage().complaints
    return complaints.get(complaints.recorded(tweet_id))


def test_long_escaped_and_edited_posts_and_an_unshown_tagged_account(desk, stack):
    control(stack.x, "POST", "users", {"username": "DM_Lucknow"})
    control(stack.x, "POST", "users", {"username": "citizen_2"})
    control(stack.x, "POST", "users/citizen_2/suspend")
    long_id, escaped_id, tagging_id = (t["id"] for t in control(stack.x, "POST", "tweets", [
        {"author": "asha_lko", "text": LONG},
        {"author": "ravi_lko", "text": ESCAPED},
        {"author": "meena_lko", "text": "@lucknowpolice @citizen_2 ne bhi dekha, Hazratganj me chain snatching"},
    ]))
    first = desk.poll()
    assert len(first["created"]) == 3

    long = recorded(long_id)
    assert long.text == LONG and long.district == 162 and set(long.handles) == {"Uppolice", "lucknowpolice"}
    escaped = recorded(escaped_id)
    assert escaped.text == ESCAPED
    assert recorded(tagging_id).author_username == "meena_lko"
    alerted = stack.received("lucknow-police")
    assert any("<b>DJ</b> & shor" in a["message"] for a in alerted) and not any("&amp;amp;" in a["message"] for a in alerted)

    edited = control(stack.x, "POST", f"tweets/{escaped_id}/edit", {"text": ESCAPED + ", 2 ghante se"})
    second = desk.poll()
    assert second["created"] == [] and second["skipped"].get("edited") == 1
    now = recorded(edited["id"])
    assert now.ref == escaped.ref and now.text == ESCAPED + ", 2 ghante se"
    assert now.history[-1].action == "edited" and now.history[-1].details["tweet_id"] == edited["id"]
    assert stack.received("lucknow-police") == []  # no second alert
    answered = [r["id"] for p in control(stack.x, "GET", "posts") for r in p.get("referenced_tweets", [])
                if r["type"] == "replied_to"]
    # The complaint's one acknowledgement is all there is: the edit is answered by nothing.
    assert edited["id"] not in answered and answered.count(escaped_id) <= 1 and list(now.replies) == ["acknowledged"]


def test_a_suspended_watched_account_is_unavailable_and_left_alone(desk, stack):
    desk.poll()
    control(stack.x, "POST", "users/noidapolice/suspend")
    first = desk.poll()
    noida = next(h for h in first["handles"] if h["handle"] == "noidapolice")
    assert noida["outcome"] == "unavailable" and "User has been suspended" in noida["detail"]
    assert {h["outcome"] for h in first["handles"] if h["handle"] != "noidapolice"} == {"ok"}
    user_id = runtime.storage().handles.states(["noidapolice"])["noidapolice"].user_id
    requests.delete(f"{stack.x.url}/_control/calls", timeout=5).raise_for_status()
    second = desk.poll()
    assert next(h for h in second["handles"] if h["handle"] == "noidapolice")["outcome"] == "unavailable"
    asked = [c["path"] for c in control(stack.x, "GET", "calls")]
    assert asked and not [p for p in asked if user_id in p or "noidapolice" in p]  # not asked again within the day
