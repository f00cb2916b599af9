"""A small fault-injecting HTTP proxy in front of the local AWS (moto) server, for tests.

Real boto3 talks to it as it would to DynamoDB; it forwards every request to moto unless a
queued fault matches the request's operation (the X-Amz-Target header, e.g. `TransactWriteItems`).
A fault answers with an error DynamoDB gives (throttling, a cancelled transaction with its
reasons, a 500), drops the connection, or lets the request through and then loses the answer
(the write committed, the caller never hears so). Faults are consumed in order, one per request.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import requests

DYNAMODB_ERROR = "com.amazonaws.dynamodb.v20120810#"


@dataclass
class Fault:
    operation: str  # TransactWriteItems, UpdateItem, ...
    status: int = 400
    body: dict | None = None  # the error answer; None with drop=True: no answer at all
    drop: bool = False  # close the connection without answering
    after_forward: bool = False  # forward first (the write happens), then answer with the fault


def throttled(operation: str) -> Fault:
    return Fault(operation, 400, {"__type": DYNAMODB_ERROR + "ProvisionedThroughputExceededException",
                                  "message": "The level of configured provisioned throughput for the table was exceeded."})


def cancelled(operation: str, *codes: str) -> Fault:
    """A transaction cancelled with one reason per action ("None" where the action was fine)."""
    return Fault(operation, 400, {"__type": DYNAMODB_ERROR + "TransactionCanceledException",
                                  "message": f"Transaction cancelled, please refer cancellation reasons for specific "
                                             f"reasons [{', '.join(codes)}]",
                                  "CancellationReasons": [{"Code": c} for c in codes]})


def server_error(operation: str, after_forward: bool = False) -> Fault:
    return Fault(operation, 500, {"__type": DYNAMODB_ERROR + "InternalServerError", "message": "Internal server error"},
                 after_forward=after_forward)


class FaultProxy:
    def __init__(self, upstream: str):
        self.upstream = upstream.rstrip("/")
        self.faults: list[Fault] = []
        self.seen: list[str] = []  # the operations of every request, in order
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"

    def queue(self, *faults: Fault) -> None:
        with self._lock:
            self.faults.extend(faults)

    def _take(self, operation: str) -> Fault | None:
        with self._lock:
            self.seen.append(operation)
            for i, fault in enumerate(self.faults):
                if fault.operation == operation:
                    return self.faults.pop(i)
        return None

    def __enter__(self) -> "FaultProxy":
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()


def _handler(proxy: FaultProxy):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            operation = self.headers.get("X-Amz-Target", "").rpartition(".")[2]
            fault = proxy._take(operation)
            if fault and fault.after_forward or not fault:
                answer = requests.post(proxy.upstream + self.path, data=body, timeout=30,
                                       headers={k: v for k, v in self.headers.items() if k.lower() != "host"})
                if not fault:
                    return self._send(answer.status_code, answer.content, answer.headers.get("Content-Type"))
            if fault.drop:
                self.close_connection = True
                self.connection.shutdown(2)
                return
            self._send(fault.status, json.dumps(fault.body).encode(), "application/x-amz-json-1.0")

        def _send(self, status: int, data: bytes, content_type: str | None) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type or "application/x-amz-json-1.0")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format, *args):
            pass

    return Handler
