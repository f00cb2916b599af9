"""A requests adapter for tweepy's session: a default timeout, and a base URL for the local X server.

tweepy hard-codes https://api.twitter.com and sets no timeout, so a hung connection would
hold a poll until Lambda kills it. Production mounts this adapter too, for the timeout.
"""

from __future__ import annotations

from contextlib import contextmanager
from typing import Callable, Iterator

import requests
from requests.adapters import HTTPAdapter

from ..services.ports import RateLimited, SourceUnavailable

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


@contextmanager
def read_errors(on_rate_limited: Callable[[], None] = lambda: None) -> Iterator[None]:
    """A read from X, its failures in the ports' words: a 429 is RateLimited until X's reset; a 5xx, a
    network failure or a malformed body (ValueError) is SourceUnavailable, as is any other refusal."""
    import tweepy

    from .x_budget import reset_of

    try:
        yield
    except tweepy.TooManyRequests as e:
        on_rate_limited()
        raise RateLimited(reset_of(e.response.headers)) from e
    except (tweepy.TwitterServerError, requests.RequestException, ValueError) as e:
        raise SourceUnavailable(f"{type(e).__name__}: {e}") from e
    except tweepy.HTTPException as e:
        raise SourceUnavailable(f"X answered {e.response.status_code}: {e}") from e
