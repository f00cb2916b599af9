"""Fixtures for the tests of the local X API server: one server per module, reset for each test."""

from __future__ import annotations

import pytest

from devtools.xapi import XApiServer
from tests.integration.local_x import APP_BEARER_TOKEN, tweepy_client


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
