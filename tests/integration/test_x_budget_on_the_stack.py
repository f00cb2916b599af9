"""The X budget on the local stack: real tweepy against the local X with its rate windows, the budget
in DynamoDB on moto, each 'function' its own adapters over the same table."""

from __future__ import annotations

import pytest
import requests

from chalicelib import runtime
from chalicelib.adapters.dynamo_budget import DynamoXBudget
from chalicelib.adapters.dynamo_table import Table
from chalicelib.adapters.x_replies import TweepyReplies
from chalicelib.adapters.x_source import TweepyMentionSource
from chalicelib.services.ports import RateLimited


def a_function(stack):
    """What one Lambda container builds: its own budget copy and X client, the shared table."""
    budget = DynamoXBudget(Table(stack.env["TABLE_NAME"], stack.client("dynamodb")))
    return TweepyMentionSource(lambda: "local-dummy-bearer-token", stack.x.url, 2.0, budget, runtime.utcnow)


def limit(stack, **body) -> None:
    requests.post(f"{stack.x.url}/_control/rate_limits", json=body, timeout=5).raise_for_status()


def x_calls(x_control, prefix: str) -> list[dict]:
    return [c for c in x_control.calls() if c["path"].startswith(prefix)]


def test_after_xs_429_every_later_call_of_the_family_waits_for_the_reset_without_calling_x(stack, x_control):
    source = a_function(stack)
    ids = [source.resolve_user_id(h) for h in ("lucknowpolice", "meerutpolice", "noidapolice")]
    limit(stack, family="mentions", limit=1, scope="app")
    list(source.pages(ids[0], None))
    with pytest.raises(RateLimited) as refused_by_x:
        list(source.pages(ids[1], None))
    asked = len(x_calls(x_control, "/2/users/"))
    with pytest.raises(RateLimited) as waited:
        list(source.pages(ids[2], None))
    assert len(x_calls(x_control, "/2/users/")) == asked  # X was not asked
    assert waited.value.reset_at == refused_by_x.value.reset_at is not None
    source.resolve_user_id("agrapolice")  # another family goes on


def test_two_functions_share_the_budget(stack, x_control):
    poller, other = a_function(stack), a_function(stack)
    user_id = poller.resolve_user_id("lucknowpolice")
    list(other.pages(user_id, None))  # the other function read the budget for this minute's run already
    limit(stack, family="mentions", limit=0, scope="app")
    with pytest.raises(RateLimited):
        list(poller.pages(user_id, None))
    asked = len(x_calls(x_control, "/2/users/"))
    later = a_function(stack)  # the next run of the other function reads the budget afresh
    with pytest.raises(RateLimited):
        list(later.pages(user_id, None))
    assert len(x_calls(x_control, "/2/users/")) == asked
    windows = {w.family: w for w in later.gate.budget.windows(runtime.utcnow())}
    assert windows["mentions"].remaining == 0 and windows["mentions"].limit == 0


def test_one_handles_spent_posting_window_holds_its_replies_while_others_post(stack, x_control):
    stack.authorise("lucknowpolice")
    stack.authorise("meerutpolice")
    [a, b, c, d] = x_control.tweets(*[{"author": "citizen_1", "text": f"@lucknowpolice @meerutpolice madad {i}"}
                                      for i in range(4)])
    limit(stack, family="post", limit=1, scope="user", username="lucknowpolice")
    budget = DynamoXBudget(Table(stack.env["TABLE_NAME"], stack.client("dynamodb")))
    replies = TweepyReplies(runtime.user_tokens(), stack.x.url, 2.0, budget, runtime.utcnow)
    replies.post_reply("lucknowpolice", a, "Noted")
    with pytest.raises(RateLimited):
        replies.post_reply("lucknowpolice", b, "Noted")
    posts = len([call for call in x_calls(x_control, "/2/tweets") if call["method"] == "POST"])
    with pytest.raises(RateLimited):
        replies.post_reply("lucknowpolice", c, "Noted")
    assert len([call for call in x_calls(x_control, "/2/tweets") if call["method"] == "POST"]) == posts
    assert replies.post_reply("meerutpolice", d, "Noted")
    held = {(w.family, w.user): w.waiting_until(runtime.utcnow()) for w in budget.windows(runtime.utcnow())}
    assert held[("post", "lucknowpolice")] is not None and held.get(("post", "meerutpolice")) is None
