"""A requests adapter for tweepy's session: a default timeout, and a base URL for the local X server.

tweepy hard-codes https://api.twitter.com and sets no timeout, so a hung connection would
hold a poll until Lambda kills it. Production mounts this adapter too, for the timeout.
"""

from __future__ import annotations

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


def mount(session: requests.Session, base_url: str | None, timeout: float) -> None:
    session.mount(X_API, XApiAdapter(base_url, timeout))
