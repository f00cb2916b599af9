"""Fixtures for the tests of the local X API server: one server per module, reset for each test."""

from __future__ import annotations

import pytest

from devtools.xapi import XApiServer
from tests.integration.local_x import APP_BEARER_TOKEN, tweepy_client, user_tokens


@pytest.fixture(scope="module")
def running_server():
    with XApiServer() as server:
        yield server


@pytest.fixture
def server(running_server):
    running_server.reset()
    return running_server


@pytest.fixture
def app(server):
    """App-only (Bearer) client, as the poller uses."""
    return tweepy_client(server.url, bearer_token=APP_BEARER_TOKEN)


@pytest.fixture
def bot(server):
    """User-context (OAuth 1.0a) client acting as the first watched handle, as the reply sender did."""
    oauth = {"consumer_key": "ck", "consumer_secret": "cs", "access_token": "at", "access_token_secret": "ats"}
    return tweepy_client(server.url, **oauth)


@pytest.fixture
def lucknow(server):
    """@lucknowpolice acting through an OAuth 2.0 user access token, as the desk does per handle."""
    return tweepy_client(server.url, bearer_token=user_tokens(server, "lucknowpolice")["access_token"])


@pytest.fixture
def instant_search(server):
    """Recent search finds a post as soon as it is posted, for tests that search what they just
    added (X takes about 30 seconds, the local X's default)."""
    server.set_index_delay(0)
    return server
