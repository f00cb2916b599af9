"""The desk's real reconciler (search, backfill, sending) run minute after minute while the local X fails a
share of its requests in each way X fails, then once more after the faults stop: every complaint post
ends with exactly one complaint, its alert sent and exactly one acknowledgement on X."""

from __future__ import annotations

import time
from collections import Counter
from datetime import timedelta

import pytest

from chalicelib import runtime
from tests.integration.local_x import control

HANDLES = ("lucknowpolice", "noidapolice", "Uppolice")
TEXTS = ("Aliganj me chain snatching hui, FIR nahi likh rahe", "हज़रतगंज में मेरा फोन चोरी हो गया",
         "Sector 62 me chori ho gayi, police nahi aayi", "my bike was stolen near the railway station")


@pytest.fixture
def desk(stack, monkeypatch):
    """A small desk (no seed mentions), its handles authorised, search finding posts at once, a 2-second
    HTTP timeout (the local X's timeouts are longer), and one clock for the desk and the local X."""
    control(stack.x, "POST", "reset", {"mentions": False})
    monkeypatch.setenv("HTTP_TIMEOUT_SECONDS", "2")
    for held in (runtime.config, runtime.source, runtime.x_authorisation, runtime.replies, runtime.user_tokens):
        held.cache_clear()
    for handle in HANDLES:
        stack.authorise(handle)
    stack.x.set_index_delay(0)
    now = [runtime.utcnow()]
    monkeypatch.setattr(runtime, "utcnow", lambda: now[0])

    class Desk:
        def run(self, minutes: float = 1) -> dict:
            """One reconcile, then the clocks move on (past a 429's one-minute hold, and to the next run)."""
            report = runtime.run_reconcile()
            now[0] += timedelta(minutes=minutes)
            control(stack.x, "POST", "clock", {"now": now[0].isoformat()})
            return report

    desk = Desk()
    desk.run()  # the handles' cursors start (the registry's handles went live 30 days ago)
    yield desk
    for held in (runtime.config, runtime.source, runtime.x_authorisation, runtime.replies, runtime.user_tokens):
        held.cache_clear()


def complaint_posts(stack, n: int) -> list[str]:
    specs = [{"author": f"citizen_{i}", "text": f"@{HANDLES[i % len(HANDLES)]} {TEXTS[i % len(TEXTS)]} #{i}",
              "minutes_ago": 0.5} for i in range(n)]
    return [t["id"] for t in control(stack.x, "POST", "tweets", specs)]


def assert_each_post_one_complaint_alerted_and_acknowledged_once(stack, posts: list[str]) -> None:
    complaints = runtime.storage().complaints
    refs = [complaints.recorded(p) for p in posts]
    assert None not in refs, f"lost: {[p for p, r in zip(posts, refs) if r is None]}"
    assert len(set(refs)) == len(posts)
    db = stack.client("dynamodb")
    items = db.scan(TableName=stack.env["TABLE_NAME"], FilterExpression="sk = :c",
                    ExpressionAttributeValues={":c": {"S": "C"}})["Items"]
    assert len([i for i in items if i["pk"]["S"].startswith("C#")]) == len(posts)  # nothing doubled
    assert all(complaints.get(r).alert.state == "sent" for r in refs)
    replies = Counter(r["id"] for p in stack.x.posts() for r in p.get("referenced_tweets", [])
                      if r["type"] == "replied_to")
    assert {p: replies[p] for p in posts} == {p: 1 for p in posts}


KINDS = {
    "429 with and without reset": ["429", "429_no_reset"],
    "5xx": ["500", "503"],
    "timeouts": ["timeout"],
    "malformed and truncated": ["truncated", "html", "wrong_shape"],
    "dropped connections and lost answers": ["drop", "answer_lost"],
}


@pytest.mark.parametrize("kinds", KINDS.values(), ids=KINDS.keys())
def test_reads_and_replies_through_x_faults_lose_and_double_nothing(stack, desk, kinds):
    posts = complaint_posts(stack, 8)
    control(stack.x, "POST", "faults", {"path_prefix": "/2/", "probability": 0.4, "kinds": kinds, "seed": 16,
                                        "delay_seconds": 2.5})
    for _ in range(6):
        desk.run()
    injected = control(stack.x, "GET", "faults")["chances"][0]["hits"]
    control(stack.x, "DELETE", "faults")
    for _ in range(3):
        desk.run(minutes=16)  # past any 429's window and the replies' holds
    assert injected > 0
    assert_each_post_one_complaint_alerted_and_acknowledged_once(stack, posts)


def test_replies_wait_while_the_token_endpoint_fails_and_go_out_once_after(stack, desk):
    """Failures before X rotates the refresh token (5xx, a connection dropped): the chain is whole."""
    for handle in HANDLES:
        control(stack.x, "POST", "oauth2/expire", {"username": handle})  # every reply needs a refresh first
    posts = complaint_posts(stack, 6)
    control(stack.x, "POST", "faults", {"path_prefix": "/2/oauth2/token", "probability": 1.0, "seed": 3,
                                        "kinds": ["500", "503", "drop"]})
    desk.run()
    desk.run()
    assert runtime.storage().complaints.recorded(posts[0]) and stack.x.posts() == []
    control(stack.x, "DELETE", "faults")
    desk.run(minutes=16)
    assert_each_post_one_complaint_alerted_and_acknowledged_once(stack, posts)
    assert all(g["refreshes"] == 1 for g in control(stack.x, "GET", "oauth2/grants"))  # one chain each


CHAIN_BREAKERS = {"refused (invalid_grant)": {"oauth_error": "invalid_grant"},
                  # X rotated the refresh token, the desk never heard the new one: X keeps no grace period
                  # for the old one, so the chain is broken for good, as when the owner revokes the grant.
                  "answer lost": {"answer_lost": True}, "timeout": {"delay_seconds": 2.5}}


def x_rotated(stack, username: str) -> None:
    """Wait (at most 10 s) until X has rotated the handle's refresh token."""
    for _ in range(100):
        if next(g for g in control(stack.x, "GET", "oauth2/grants") if g["username"] == username)["refreshes"]:
            return
        time.sleep(0.1)


@pytest.mark.parametrize("fault", CHAIN_BREAKERS.values(), ids=CHAIN_BREAKERS.keys())
def test_a_broken_refresh_chain_flags_the_handle_once_and_its_replies_go_out_once_it_is_authorised_again(
        stack, desk, fault):
    control(stack.x, "POST", "oauth2/expire", {"username": "lucknowpolice"})
    posts = complaint_posts(stack, 6)
    control(stack.x, "POST", "faults", {"path_prefix": "/2/oauth2/token", **fault})
    desk.run()
    desk.run(minutes=16)  # a reply that failed is tried again after a pause
    if "delay_seconds" in fault:
        x_rotated(stack, "lucknowpolice")  # the timed-out refresh is still under way at X when the run ends
    desk.run()
    assert runtime.storage().grants.states()["lucknowpolice"].state == "needs_authorisation"
    assert [n["subject"] for n in stack.received("ops")] == ["@lucknowpolice needs authorisation"]
    stack.authorise("lucknowpolice")
    desk.run(minutes=61)  # blocked replies are looked at again hourly, or when the handle is authorised
    assert_each_post_one_complaint_alerted_and_acknowledged_once(stack, posts)
