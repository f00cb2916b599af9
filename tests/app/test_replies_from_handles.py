"""Replies go from a handle the citizen tagged, with its own OAuth 2.0 token, on the local stack with the strict
local X (a reply only where the parent tagged the replying account); and the authorisation callback route."""

import pytest
import requests
from chalice.test import Client

from app import app
from chalicelib import runtime


@pytest.fixture
def desk(stack):
    requests.post(f"{stack.x.url}/_control/reset", json={"mentions": False}, timeout=5).raise_for_status()
    with Client(app, stage_name="local") as client:
        event = client.events.generate_cw_event(source="aws.events", detail_type="Scheduled Event", detail={}, resources=[])
        client.poll = lambda: client.lambda_.invoke("poll", event).payload
        yield client


def tweet(stack, text, author="asha_lko"):
    answer = requests.post(f"{stack.x.url}/_control/tweets", json=[{"author": author, "text": text}], timeout=5)
    answer.raise_for_status()
    return answer.json()[0]["id"]


def posts(stack):
    return requests.get(f"{stack.x.url}/_control/posts", timeout=5).json()


def admin_get(desk, token, path):
    return desk.http.get(path, headers={"Authorization": f"Bearer {token('admin')}"}).json_body


def test_the_reply_goes_from_the_tagged_handle_owning_the_complaint(desk, stack, token):
    stack.authorise("Uppolice"), stack.authorise("lucknowpolice")
    tweet(stack, "@Uppolice @lucknowpolice Hazratganj Lucknow me chain snatching hui")
    [ref] = desk.poll()["created"]
    [post] = posts(stack)
    assert post["author_id"] == stack.x.state.users["lucknowpolice"].id
    complaint = admin_get(desk, token, f"/complaints/{ref}")
    assert complaint["replies"]["acknowledged"]["from_handle"] == "lucknowpolice"
    assert complaint["history"][-1]["action"] == "reply_sent" and complaint["history"][-1]["by"] == "@lucknowpolice"


def test_with_no_tagged_handle_authorised_the_reply_is_blocked_and_shown(desk, stack, token):
    stack.authorise("noidapolice")
    tweet(stack, "@lucknowpolice Hazratganj Lucknow me chain snatching hui")
    report = desk.poll()
    [ref] = report["created"]
    assert report["replies_blocked"] == 1 and posts(stack) == []
    reply = admin_get(desk, token, f"/complaints/{ref}")["replies"]["acknowledged"]
    assert reply["status"] == "blocked"
    assert reply["reason"] == "no tagged handle is authorised: @lucknowpolice needs authorisation"
    status = admin_get(desk, token, "/status")
    assert status["replies"]["blocked"] == 1
    handles = {h["handle"]: h for h in status["handles"]}
    assert handles["lucknowpolice"]["authorisation"] == "not_authorised"
    assert handles["noidapolice"]["authorisation"] == "authorised"
    assert desk.poll()["replies_blocked"] == 0  # looked at again in an hour, not every minute
    stack.authorise("lucknowpolice")  # ... or as soon as a handle it tagged is authorised
    assert desk.poll()["replies_sent"] == 1 and len(posts(stack)) == 1


def test_a_reply_to_a_post_deleted_meanwhile_is_undeliverable(desk, stack, token):
    stack.authorise("lucknowpolice")
    tweet_id = tweet(stack, "@lucknowpolice Hazratganj Lucknow me chain snatching hui")
    requests.post(f"{stack.x.url}/_control/faults", json={"path_prefix": "/2/tweets", "status": 503, "times": 1},
                  timeout=5).raise_for_status()
    [ref] = desk.poll()["created"]  # X failed the first attempt: the reply waits its minute
    requests.delete(f"{stack.x.url}/_control/tweets/{tweet_id}", timeout=5).raise_for_status()
    stack.client("dynamodb").update_item(  # as if the minute passed
        TableName=stack.env["TABLE_NAME"], Key={"pk": {"S": f"C#{ref}"}, "sk": {"S": "C"}},
        UpdateExpression="SET replies.acknowledged.next_attempt_at = :t", ExpressionAttributeValues={":t": {"N": "0"}})
    report = desk.poll()
    assert report["replies_undeliverable"] == 1 and posts(stack) == []
    reply = admin_get(desk, token, f"/complaints/{ref}")["replies"]["acknowledged"]
    assert reply["status"] == "undeliverable" and "deleted or not visible" in reply["reason"]
    assert desk.poll()["replies_undeliverable"] == 0  # never tried again


def test_posting_switched_off_posts_nothing_and_says_so(desk, stack, token, monkeypatch):
    stack.authorise("lucknowpolice")
    monkeypatch.setenv("X_POSTING_ENABLED", "false")
    runtime.config.cache_clear(), runtime.replies.cache_clear()
    try:
        tweet(stack, "@lucknowpolice Hazratganj Lucknow me chain snatching hui")
        report = desk.poll()
        assert report["posting"] == "posting to X is switched off in this stage" and posts(stack) == []
        [ref] = report["created"]
        assert admin_get(desk, token, f"/complaints/{ref}")["replies"]["acknowledged"]["status"] == "pending"
        assert admin_get(desk, token, "/status")["replies"]["posting"] == "posting to X is switched off in this stage"
    finally:
        monkeypatch.undo()
        runtime.config.cache_clear(), runtime.replies.cache_clear()
    assert desk.poll()["replies_sent"] == 1


# --- the callback ------------------------------------------------------------------------------

def consent(stack, handle, as_user=None, approve=True) -> str:
    """The path X sends the owner's browser to (what the callback route receives)."""
    link = runtime.authorisation_link(handle)
    answer = requests.post(f"{stack.x.url}/_control/oauth2/consent", timeout=5,
                           json={"authorize_url": link, "username": as_user or handle, "approve": approve})
    answer.raise_for_status()
    return "/x/callback?" + answer.json()["location"].split("?", 1)[1]


def test_the_callback_route_authorises_the_handle_without_a_bearer_token(desk, stack):
    answer = desk.http.get(consent(stack, "lucknowpolice"))
    assert answer.status_code == 200 and answer.json_body["handle"] == "lucknowpolice"
    assert runtime.storage().grants.states()["lucknowpolice"].state == "authorised"


@pytest.mark.parametrize("case", ["bad state", "reused state", "wrong account", "access_denied", "no state"])
def test_a_callback_failing_a_check_is_a_400_json_answer_and_stores_nothing(desk, stack, case):
    path = consent(stack, "lucknowpolice", as_user="noidapolice" if case == "wrong account" else None,
                   approve=case != "access_denied")
    if case == "reused state":
        assert desk.http.get(path).status_code == 200
        stack.client("dynamodb").delete_item(TableName=stack.env["TABLE_NAME"],
                                             Key={"pk": {"S": "XG#DIRECTORY"}, "sk": {"S": "G"}})
    if case == "bad state":
        path = path.replace("state=", "state=forged")
    if case == "no state":
        path = "/x/callback?code=abc"
    answer = desk.http.get(path)
    assert answer.status_code == 400 and answer.json_body["error"] == "bad_request", answer.json_body
    assert runtime.storage().grants.states() == {}
    if case == "wrong account":
        assert "@noidapolice, not @lucknowpolice" in answer.json_body["message"]
