"""The handles' OAuth 2.0 grants on the local stack: the real flow (admin link, consent on the local X,
callback), tokens sealed by KMS in DynamoDB, refreshed under a lease, and replies posted as the handle."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
import requests

from chalicelib import runtime
from chalicelib.adapters.sns_alerts import SnsOpsNotices
from chalicelib.adapters.x_replies import TweepyReplies
from chalicelib.services.ports import NeedsAuthorisation, RateLimited
from chalicelib.services.tokens import UserTokens


def grants(stack) -> dict[str, dict]:
    live = requests.get(f"{stack.x.url}/_control/oauth2/grants", timeout=5).json()
    return {g["username"].lower(): g for g in (live["grants"] if isinstance(live, dict) else live)}


def control(stack, name: str, **body) -> dict:
    answer = requests.post(f"{stack.x.url}/_control/oauth2/{name}", json=body, timeout=5)
    answer.raise_for_status()
    return answer.json()


def a_function():
    """What a new Lambda container builds: its own in-memory cache, the same table, key and X."""
    return UserTokens(runtime.storage().grants, runtime.cipher(), runtime.x_authorisation(),
                      SnsOpsNotices(runtime.config().ops_topic_arn), runtime.utcnow)


def whoami(stack, access_token: str) -> requests.Response:
    return requests.get(f"{stack.x.url}/2/users/me", headers={"Authorization": f"Bearer {access_token}"}, timeout=5)


def test_the_flow_stores_the_tokens_sealed_under_the_handles_user_id(stack):
    answer = stack.authorise("lucknowpolice")
    user_id = stack.x.state.users["lucknowpolice"].id
    assert answer == {"handle": "lucknowpolice", "user_id": user_id, "authorised": True, "message": answer["message"]}
    item = stack.client("dynamodb").get_item(TableName=stack.env["TABLE_NAME"],
                                             Key={"pk": {"S": f"XG#{user_id}"}, "sk": {"S": "G"}})["Item"]
    sealed = item["sealed"]["B"]
    assert b"access" not in sealed and "expires_at" not in item  # ciphertext; and the table's TTL must not see it
    token = a_function().access_token("lucknowpolice")
    assert whoami(stack, token).json()["data"]["username"] == "lucknowpolice"


def test_two_functions_refreshing_at_once_keep_one_chain_and_both_end_with_a_valid_token(stack):
    stack.authorise("lucknowpolice")
    control(stack, "expire", username="lucknowpolice")
    first, second = a_function(), a_function()
    for f in (first, second):  # both believe the token is due: it expired early (as the control made it)
        f.clock = lambda: runtime.utcnow() + timedelta(hours=2)
    # X answers the refresh slowly, so that both functions are at it at once.
    requests.post(f"{stack.x.url}/_control/faults", json={"path_prefix": "/2/oauth2/token", "delay_seconds": 1.0,
                                                          "times": 2}, timeout=5).raise_for_status()
    barrier, got = threading.Barrier(2), []

    def run(f):
        barrier.wait(timeout=5)
        got.append(f.access_token("lucknowpolice"))

    workers = [threading.Thread(target=run, args=(f,)) for f in (first, second)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(timeout=30)
    assert len(got) == 2 and got[0] == got[1]
    assert grants(stack)["lucknowpolice"]["refreshes"] == 1  # one refresh: the chain was not forked
    assert whoami(stack, got[0]).status_code == 200
    # The stored refresh token is the live one: a later refresh works.
    later = a_function()
    later.clock = lambda: runtime.utcnow() + timedelta(hours=4)
    assert whoami(stack, later.access_token("lucknowpolice")).status_code == 200


def test_an_expired_access_token_is_refreshed_when_x_refuses_it_and_the_reply_goes_out(stack, x_control):
    stack.authorise("lucknowpolice")
    [tweet] = x_control.tweets({"author": "asha_lko", "text": "@lucknowpolice Aminabad me jeb kat gayi"})
    replies = TweepyReplies(a_function(), stack.env["X_API_BASE_URL"], 5)
    replies.post_reply("lucknowpolice", tweet, "Complaint noted")
    control(stack, "expire", username="lucknowpolice")
    replies.post_reply("lucknowpolice", tweet, "Complaint noted again")
    posts = requests.get(f"{stack.x.url}/_control/posts", timeout=5).json()
    assert [p["author_id"] for p in posts] == [stack.x.state.users["lucknowpolice"].id] * 2
    assert grants(stack)["lucknowpolice"]["refreshes"] == 1


def test_a_revoked_grant_marks_the_handle_and_tells_ops_once(stack, x_control):
    stack.authorise("lucknowpolice")
    [tweet] = x_control.tweets({"author": "asha_lko", "text": "@lucknowpolice Aminabad me jeb kat gayi"})
    control(stack, "revoke_grant", username="lucknowpolice")
    for f in (a_function(), a_function()):  # two containers find out
        with pytest.raises(NeedsAuthorisation):
            TweepyReplies(f, stack.env["X_API_BASE_URL"], 5).post_reply("lucknowpolice", tweet, "Complaint noted")
    assert runtime.storage().grants.states()["lucknowpolice"].state == "needs_authorisation"
    [notice] = stack.received("ops")
    assert notice["subject"] == "@lucknowpolice needs authorisation"
    stack.authorise("lucknowpolice")  # the owner authorises again: the handle is usable again
    assert runtime.storage().grants.states()["lucknowpolice"].state == "authorised"
    TweepyReplies(a_function(), stack.env["X_API_BASE_URL"], 5).post_reply("lucknowpolice", tweet, "Complaint noted")


def test_the_apps_exhausted_day_holds_the_reply_until_the_day_resets_not_the_users_window(stack, x_control):
    stack.authorise("lucknowpolice")
    [tweet] = x_control.tweets({"author": "asha_lko", "text": "@lucknowpolice Aminabad me jeb kat gayi"})
    requests.post(f"{stack.x.url}/_control/rate_limits", timeout=5,
                  json={"family": "post", "limit": 10_000, "remaining": 0, "scope": "app"}).raise_for_status()
    with pytest.raises(RateLimited) as held:
        TweepyReplies(a_function(), stack.env["X_API_BASE_URL"], 5).post_reply("lucknowpolice", tweet, "Complaint noted")
    assert held.value.reset_at > runtime.utcnow() + timedelta(hours=23)  # the user's 15-minute window is not it


@pytest.mark.parametrize("malformed", ["truncated", "html", "wrong_shape"])
def test_a_garbled_answer_to_a_reply_is_a_failed_reply_and_the_retry_meets_xs_duplicate_refusal(
        stack, x_control, malformed):
    from chalicelib.services.ports import DuplicateReply, ReplyFailed

    stack.authorise("lucknowpolice")
    [tweet] = x_control.tweets({"author": "asha_lko", "text": "@lucknowpolice Aminabad me jeb kat gayi"})
    replies = TweepyReplies(a_function(), stack.env["X_API_BASE_URL"], 5)
    x_control.fault(path_prefix="/2/tweets", malformed=malformed)  # X posted it; the answer came back garbled
    with pytest.raises(ReplyFailed) as failed:
        replies.post_reply("lucknowpolice", tweet, "Complaint noted")
    assert not failed.value.final
    with pytest.raises(DuplicateReply):
        replies.post_reply("lucknowpolice", tweet, "Complaint noted")
