"""A small fault-injecting HTTP proxy in front of the local AWS (moto) server, for tests and the chaos suite.

Point AWS_ENDPOINT_URL (or one client's endpoint_url) at `proxy.url` and real boto3 talks to it as it
would to DynamoDB, SNS and SQS (and KMS, SSM, Cognito, which pass through). Every request is forwarded
to moto unless a fault meets its operation: the X-Amz-Target header's for the JSON protocols
(`DynamoDB_20120810.UpdateItem`, `AmazonSQS.ReceiveMessage`), the form's Action= for the query
protocol (SNS's `Publish`). Faults come two ways:

  proxy.queue(throttled("GetItem"), lost("TransactWriteItems"))   # one per matching request, in order
  proxy.chance(["TransactWriteItems", "UpdateItem"], 0.1, ["throttled", "500", "drop", "lost", "conflict"], seed=7)

A chance rule fails a share of the requests of its operations, the kind picked by a seeded generator
(aws_faults.KINDS says what each does). `proxy.injected` counts what was injected, by operation and kind;
`proxy.seen` lists every operation in order.
"""

from __future__ import annotations

import json
import random
import socket
import sys
import threading
import time
from collections import Counter, deque
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

import requests

from devtools.aws_faults import (DYNAMODB_ERROR, KINDS, Fault, cancelled, dropped, kind, lost, server_error, throttled,
                                 throttling, xml_error)

# The faults a test queues, importable from here as before the kinds moved to aws_faults.py.
__all__ = ["DYNAMODB_ERROR", "Fault", "FaultProxy", "cancelled", "dropped", "lost", "server_error", "throttled",
           "throttling"]

EARLIER = 50  # messages remembered from ReceiveMessage answers, for redeliveries


@dataclass
class Chance:
    operations: frozenset[str]
    probability: float
    kinds: tuple[str, ...]
    rng: random.Random


class FaultProxy:
    def __init__(self, upstream: str):
        self.upstream = upstream.rstrip("/")
        self.faults: list[Fault] = []
        self.chances: list[Chance] = []
        self.seen: list[str] = []  # the operations of every request, in order
        self.injected: Counter = Counter()  # (operation, kind) -> how many
        self.earlier: deque = deque(maxlen=EARLIER)
        self.twins: list[dict] = []  # copies of messages for the next receiver (kind "duplicate")
        self._lock = threading.Lock()
        self._local = threading.local()
        self._server = _Server(("127.0.0.1", 0), _handler(self))
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"

    def queue(self, *faults: Fault) -> None:
        with self._lock:
            self.faults.extend(faults)

    def chance(self, operations, probability: float, kinds, seed: int = 0) -> None:
        if not 0 < probability <= 1:
            raise ValueError("probability is above 0 and at most 1")
        if not kinds or set(kinds) - set(KINDS):
            raise ValueError(f"kinds are some of {KINDS}")
        with self._lock:
            self.chances.append(Chance(frozenset(operations), probability, tuple(kinds), random.Random(seed)))

    def clear(self) -> None:
        """No queued faults and no chance rules: everything goes through."""
        with self._lock:
            self.faults.clear()
            self.chances.clear()

    def _take(self, operation: str, request: dict) -> Fault | None:
        with self._lock:
            self.seen.append(operation)
            for i, fault in enumerate(self.faults):
                if fault.operation == operation:
                    self.injected[operation, "queued"] += 1
                    return self.faults.pop(i)
            for rule in self.chances:
                if operation in rule.operations and rule.rng.random() < rule.probability:
                    name = rule.rng.choice(rule.kinds)
                    fault = kind(name, operation, request, rule.rng, list(self.earlier), self.twins)
                    if fault is not None:
                        self.injected[operation, name] += 1
                        return fault
        return None

    def _waiting_twins(self) -> list[dict]:
        with self._lock:
            twins, self.twins[:] = list(self.twins), []
        return twins

    def _delivered(self, data: bytes, twins: list[dict]) -> bytes:
        """A ReceiveMessage answer with the copies that waited for the next receiver, each message once (one
        answer never holds a message twice); its messages remembered for redeliveries."""
        answer = _json(data)
        messages = (answer.get("Messages") or []) + twins
        with self._lock:
            seen, once = set(), []
            for m in messages:
                if m.get("MessageId") not in seen:
                    seen.add(m.get("MessageId"))
                    once.append(m)
            self.earlier.extend(once)
        if len(once) == len(answer.get("Messages") or []):
            return data
        return json.dumps(answer | {"Messages": once}).encode()

    def _forward(self, method: str, path: str, body: bytes, headers) -> requests.Response:
        session = getattr(self._local, "session", None)
        if session is None:
            session = self._local.session = requests.Session()
        headers = {k: v for k, v in headers.items() if k.lower() not in ("host", "content-length")}
        return session.request(method, self.upstream + path, data=body, headers=headers, timeout=60,
                               allow_redirects=False)

    def __enter__(self) -> "FaultProxy":
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        if isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
            return  # the client gave up (its read timeout): nothing to report
        super().handle_error(request, client_address)


def operation_of(headers, body: bytes) -> tuple[str, str | None]:
    """The operation a request asks for and its protocol: "json", "query" or None (moto's own, Cognito's keys)."""
    target = headers.get("X-Amz-Target")
    if target:
        return target.rpartition(".")[2], "json"
    if body and "x-www-form-urlencoded" in (headers.get("Content-Type") or ""):
        action = parse_qs(body.decode("utf-8", "replace")).get("Action")
        if action:
            return action[0], "query"
    return "", None


def _json(data: bytes) -> dict:
    try:
        parsed = json.loads(data or b"{}")
    except ValueError:
        return {}
    return parsed if isinstance(parsed, dict) else {}


def _handler(proxy: FaultProxy):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True

        def do_POST(self):
            self._handle("POST")

        def do_GET(self):
            self._handle("GET")

        def do_PUT(self):
            self._handle("PUT")

        def do_DELETE(self):
            self._handle("DELETE")

        def _handle(self, method: str) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            operation, protocol = operation_of(self.headers, body)
            request = _json(body) if protocol == "json" else {}
            fault = proxy._take(operation, request) if protocol else None
            if fault is None:
                return self._pass(method, body, operation)
            if fault.delay_seconds:
                time.sleep(fault.delay_seconds)
            if fault.drop and not fault.after_forward:
                return self._drop()
            if fault.after_forward or fault.body is None:
                if fault.rewrite:
                    body = json.dumps(fault.rewrite(request)).encode()
                answer = proxy._forward(method, self.path, body, self.headers)
                if fault.drop:
                    return self._drop()
                if fault.body is None:
                    data, twins = answer.content, proxy._waiting_twins()
                    if fault.transform and answer.status_code == 200:
                        data = json.dumps(fault.transform(_json(data))).encode()
                    if operation == "ReceiveMessage" and answer.status_code == 200:
                        data = proxy._delivered(data, twins)
                    return self._send(answer.status_code, data, answer.headers.get("Content-Type"))
            if protocol == "query":
                return self._send(fault.status, xml_error(fault.status, fault.body), "text/xml")
            self._send(fault.status, json.dumps(fault.body).encode(), "application/x-amz-json-1.0")

        def _pass(self, method: str, body: bytes, operation: str) -> None:
            answer = proxy._forward(method, self.path, body, self.headers)
            data = answer.content
            if operation == "ReceiveMessage" and answer.status_code == 200:
                data = proxy._delivered(data, proxy._waiting_twins())
            extra = {k: v for k, v in answer.headers.items() if k.lower() in ("x-amz-crc32", "x-amzn-requestid")}
            self._send(answer.status_code, data, answer.headers.get("Content-Type"), extra)

        def _drop(self) -> None:
            self.close_connection = True
            try:
                self.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

        def _send(self, status: int, data: bytes, content_type: str | None, extra: dict | None = None) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type or "application/x-amz-json-1.0")
            self.send_header("Content-Length", str(len(data)))
            for name, value in (extra or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format, *args):
            pass

    return Handler
