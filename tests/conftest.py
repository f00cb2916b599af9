"""Shared fixtures. The local stack (moto server + local X server) starts once per test session,
only when a test asks for it, and every test that uses it starts from a clean, provisioned state."""

from __future__ import annotations

import pytest
import requests

pytest_plugins = ["tests.policy_recorder"]


@pytest.fixture(scope="session")
def _running_stack():
    from devtools.stack import LocalStack

    with LocalStack() as stack:
        yield stack


@pytest.fixture
def stack(_running_stack):
    from chalicelib import runtime

    _running_stack.reset()
    runtime.registry.cache_clear()  # the registry was seeded again: a copy read before is stale
    runtime.subscriptions.cache_clear()  # so were the alert topic's subscriptions
    # The handles' tokens are kept in memory for a container's life: a clean stack starts a new container.
    runtime.replies.cache_clear()
    runtime.user_tokens.cache_clear()
    # The X budget is held in memory for a run: a clean stack starts without it (and the clients holding it).
    # The officers' user pool is created again with new ids (in the environment): read the config afresh.
    for held in (runtime.config, runtime.cognito_keys, runtime.officers_pool):
        held.cache_clear()
    for held in (runtime.x_budget, runtime.source, runtime.x_authorisation):
        held.cache_clear()
    return _running_stack


@pytest.fixture
def x_control(stack):
    """Talk to the local X server's control endpoints: add tweets, inject faults, read posts."""

    class Control:
        url = stack.x.url

        def tweets(self, *tweets: dict) -> list[str]:
            answer = requests.post(f"{self.url}/_control/tweets", json=list(tweets), timeout=5)
            answer.raise_for_status()
            return [t["id"] for t in answer.json()]

        def fault(self, **fault) -> None:
            requests.post(f"{self.url}/_control/faults", json=fault, timeout=5).raise_for_status()

        def calls(self) -> list[dict]:
            return requests.get(f"{self.url}/_control/calls", timeout=5).json()

    return Control()


@pytest.fixture
def token():
    """Sign a bearer token with the local stack's key: token("admin") or token("officer", [162], ["police"])."""
    from chalicelib import auth, runtime
    from devtools.stack import DUMMY_SIGNING_KEY

    def sign(role, districts=(), departments=(), hours=12.0, subject=None, key=DUMMY_SIGNING_KEY, now=None):
        subject = subject or f"{role}-{'-'.join(map(str, [*districts, *departments]))}".rstrip("-")
        return auth.issue(key, subject, role, districts, departments, now=now or runtime.utcnow(), hours=hours)

    return sign
