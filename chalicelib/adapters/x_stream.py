"""X's filtered stream and its rules through tweepy's StreamingClient, for the app (bearer token).

tweepy reconnects by X's rules for a dropped stream (its BaseStream._connect): network errors back off
linearly, 250 ms more each time up to 16 s; HTTP errors exponentially from 5 s up to 320 s; a 429 from
60 s. Each delivery is handed on as a one-post X body ({"data": [post], "includes": ...}), the shape
x_source.mentions_from reads, and each unplanned drop or refused connect is reported with its reason.
"""

from __future__ import annotations

import json
import logging
import threading
from typing import Callable

from ..domain.stream_rules import RULE_TAG, StreamRule
from ..services.ports import SourceUnavailable
from . import x_http
from .x_source import TWEET_FIELDS, USER_FIELDS

log = logging.getLogger(__name__)
HARMLESS_RULE_ERRORS = {"DuplicateRule"}  # X already holds that value: what the sync wanted


def one_post_body(delivery: dict) -> dict | None:
    """A stream delivery as a one-post body; None for a message without a post (X's errors, a notice)."""
    post = delivery.get("data")
    if not isinstance(post, dict):
        return None
    return {"data": [post], **{k: delivery[k] for k in ("includes", "errors", "matching_rules") if k in delivery}}


def _shape(delivery) -> dict:
    """What a message that holds no post is, for the log: its keys and X's error titles, never a post's
    words (a message cut short may still carry a citizen's text and number)."""
    if not isinstance(delivery, dict):
        return {"kind": type(delivery).__name__}
    errors = delivery.get("errors") if isinstance(delivery.get("errors"), list) else []
    return {"keys": sorted(map(str, delivery))[:10],
            "errors": [str(e.get("title")) for e in errors[:5] if isinstance(e, dict)]}


def _streaming_client(bearer_token: str, base_url: str | None, timeout: float, callbacks):
    import tweepy

    on_post, on_connect, on_disconnect, stopping = callbacks

    class Client(tweepy.StreamingClient):
        def on_connect(self):
            if not stopping.is_set():
                on_connect()

        def on_data(self, raw_data):
            try:
                delivery = json.loads(raw_data)
                body = one_post_body(delivery) if isinstance(delivery, dict) else None
                if body is not None:
                    on_post(body)
                else:  # e.g. X's operational-disconnect notice before it closes the connection
                    log.warning("stream message without a post", extra=_shape(delivery))
            except Exception as e:  # one bad message must not end tweepy's loop (and the stream with it)
                log.error("stream message not handled", extra={"characters": len(raw_data),
                                                               "problem": f"{type(e).__name__}: {e}"})

        def on_closed(self, response):
            if not stopping.is_set():
                on_disconnect("X closed the connection")

        def on_connection_error(self):
            if not stopping.is_set():
                on_disconnect("connection error or read timeout (no keep-alive)")

        def on_request_error(self, status_code):
            if not stopping.is_set():
                on_disconnect(f"X refused the connection: HTTP {status_code}")

        def on_exception(self, exception):
            if not stopping.is_set():
                log.error("stream failed", extra={"problem": f"{type(exception).__name__}: {exception}"})
                on_disconnect(f"{type(exception).__name__}: {exception}")

    client = Client(bearer_token, return_type=dict, daemon=True)
    # The stream and the rules calls share tweepy's one session: the base URL and timeout apply to both
    # (tweepy asks 21 s for the stream's reads: X sends a keep-alive every 20 s).
    client.session.mount(x_http.X_API, x_http.XApiAdapter(base_url, timeout))
    return client


class TweepyFilteredStream:
    """`bearer_token` is a callable so a rotated secret is picked up at the next connect."""

    def __init__(self, bearer_token: Callable[[], str], base_url: str | None, timeout: float, gate=None):
        self._bearer_token, self._base_url, self._timeout = bearer_token, base_url, timeout
        self._gate = gate  # the shared X budget (x_budget.XBudgetGate): a spent connect window is not asked
        self._client = None
        self._stopping = threading.Event()

    def _rules_client(self):
        return _streaming_client(self._bearer_token(), self._base_url, self._timeout,
                                 (None, None, None, threading.Event()))

    def _call(self, call) -> dict:
        with x_http.read_errors():
            body = call()
        if not isinstance(body, dict):
            raise SourceUnavailable(f"X answered {type(body).__name__}, not an object")
        shapes = {"data": list, "errors": list, "meta": dict}
        wrong = [k for k, shape in shapes.items() if k in body and not isinstance(body[k], shape)]
        if wrong:
            raise SourceUnavailable(f"X answered rules whose {', '.join(wrong)} is of the wrong type")
        return body

    def rules(self) -> list[StreamRule]:
        client = self._rules_client()
        body = self._call(client.get_rules)
        return [StreamRule(str(r["id"]), r["value"], r.get("tag")) for r in body.get("data") or []]

    def change_rules(self, add: list[str], delete: list[str]) -> None:
        import tweepy

        client = self._rules_client()
        if add:
            body = self._call(lambda: client.add_rules([tweepy.StreamRule(v, tag=RULE_TAG) for v in add]))
            errors = [e for e in body.get("errors") or [] if e.get("title") not in HARMLESS_RULE_ERRORS]
            if errors:
                raise SourceUnavailable(f"X refused stream rules: {errors}")
        if delete:
            self._call(lambda: client.delete_rules(list(delete)))

    def start(self, on_post, on_connect, on_disconnect) -> None:
        """RateLimited when the budget's stream_connect window is spent. tweepy's own reconnects are not
        counted: they follow X's back-off, and one holder at a time (the lease) connects at all."""
        if self._gate is not None:
            self._gate.ask("stream_connect")
        self._stopping.clear()
        self._client = _streaming_client(self._bearer_token(), self._base_url, self._timeout,
                                         (on_post, on_connect, on_disconnect, self._stopping))
        self._client.filter(threaded=True, tweet_fields=TWEET_FIELDS, expansions=["author_id"],
                            user_fields=USER_FIELDS)

    def alive(self) -> bool:
        return self._client is not None and self._client.thread is not None and self._client.thread.is_alive()

    def stop(self, wait_seconds: float) -> None:
        """tweepy ends at the next message or keep-alive (X sends one every 20 s); a back-off sleep
        in progress ends on its own, and tweepy then stops without connecting again."""
        client, self._client = self._client, None
        if client is None:
            return
        self._stopping.set()
        client.disconnect()
        if client.thread is not None:
            client.thread.join(wait_seconds)
