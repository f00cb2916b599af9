"""A requests adapter for tweepy's session: a default timeout, and a base URL for the local X server.

tweepy hard-codes https://api.twitter.com and sets no timeout, so a hung connection would
hold a poll until Lambda kills it. Production mounts this adapter too, for the timeout.
"""

from __future__ import annotations

from typing import Callable

import requests
from requests.adapters import HTTPAdapter

X_API = "https://api.twitter.com"


class XApiAdapter(HTTPAdapter):
    def __init__(self, base_url: str | None = None, timeout: float = 10.0):
        super().__init__()
        self.base_url = base_url.rstrip("/") if base_url else None
        self.timeout = timeout

    def send(self, request, timeout=None, **kwargs):
        if self.base_url and request.url.startswith(X_API):
            request.url = self.base_url + request.url[len(X_API):]
        return super().send(request, timeout=timeout or self.timeout, **kwargs)


class TweepyClient:
    """A tweepy client with this adapter mounted, built again whenever the credentials change,
    so a rotated secret is picked up without a redeploy."""

    def __init__(self, credentials: Callable[[], dict], base_url: str | None, timeout: float):
        self._credentials = credentials
        self._base_url = base_url
        self._timeout = timeout
        self._client = None
        self._current: dict | None = None

    def get(self):
        import tweepy

        credentials = self._credentials()
        if self._client is None or credentials != self._current:
            self._client = tweepy.Client(**credentials, return_type=requests.Response)
            self._client.session.mount(X_API, XApiAdapter(self._base_url, self._timeout))
            self._current = credentials
        return self._client
