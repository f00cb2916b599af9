"""The faults devtools/fault_proxy.py injects, as AWS gives them: DynamoDB's throttling, cancelled
transactions and 500s; SNS's throttling and internal errors; SQS's duplicate, repeated, out-of-order
deliveries and a visibility timeout that runs out while a batch is being recorded; dropped
connections and answers lost after the request was carried out.

A Fault answers in the protocol of the request it meets: JSON (`__type`, `message`) for DynamoDB and
SQS, the query protocol's XML error for SNS. A kind (KINDS) is a Fault made for one request, for the
proxy's chance rules: `proxy.chance(["Publish"], 0.2, ["throttling", "500"], seed=7)`.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Callable
from xml.sax.saxutils import escape

DYNAMODB_ERROR = "com.amazonaws.dynamodb.v20120810#"


@dataclass
class Fault:
    operation: str  # TransactWriteItems, UpdateItem, Publish, ReceiveMessage, ...
    status: int = 400
    body: dict | None = None  # the error answer ({"__type", "message", ...}); None: forward (or drop)
    drop: bool = False  # close the connection without answering
    after_forward: bool = False  # forward first (the write happens), then answer with the fault (or drop)
    delay_seconds: float = 0.0  # wait this long before anything else
    rewrite: Callable[[dict], dict] | None = None  # the JSON request as it is forwarded
    transform: Callable[[dict], dict] | None = None  # the JSON answer of a forwarded request, as returned


def error(operation: str, status: int, code: str, message: str, dynamodb: bool = True, **extra) -> Fault:
    return Fault(operation, status, {"__type": (DYNAMODB_ERROR if dynamodb else "") + code, "message": message, **extra})


def throttled(operation: str) -> Fault:
    return error(operation, 400, "ProvisionedThroughputExceededException",
                 "The level of configured provisioned throughput for the table was exceeded.")


def throttling(operation: str) -> Fault:
    """DynamoDB's ThrottlingException (control plane and on-demand bursts); SNS's and SQS's Throttling."""
    if operation in SNS_OPERATIONS:
        return error(operation, 400, "Throttling", "Rate exceeded", dynamodb=False)
    if operation in SQS_OPERATIONS:
        return error(operation, 400, "RequestThrottled", "Rate exceeded", dynamodb=False)
    return Fault(operation, 400, {"__type": "com.amazon.coral.availability#ThrottlingException",
                                  "message": "Rate of requests exceeds the allowed throughput."})


def cancelled(operation: str, *codes: str) -> Fault:
    """A transaction cancelled with one reason per action ("None" where the action was fine)."""
    return error(operation, 400, "TransactionCanceledException",
                 f"Transaction cancelled, please refer cancellation reasons for specific reasons [{', '.join(codes)}]",
                 CancellationReasons=[{"Code": c} for c in codes])


def server_error(operation: str, after_forward: bool = False) -> Fault:
    dynamodb = operation not in SNS_OPERATIONS and operation not in SQS_OPERATIONS
    fault = error(operation, 500, "InternalServerError" if dynamodb else "InternalFailure",
                  "Internal server error" if dynamodb else "The request processing has failed because of an "
                                                           "unknown error, exception or failure.", dynamodb)
    fault.after_forward = after_forward
    return fault


def dropped(operation: str) -> Fault:
    """The connection closes before the request reaches the service."""
    return Fault(operation, drop=True)


def lost(operation: str) -> Fault:
    """The request is carried out (a write is made, a message published), its answer never arrives."""
    return Fault(operation, drop=True, after_forward=True)


def conflict(operation: str, request: dict) -> Fault:
    """TransactWriteItems cancelled by another transaction on its first item."""
    actions = len(request.get("TransactItems") or [None])
    return cancelled(operation, "TransactionConflict", *["None"] * (actions - 1))


# --- SQS deliveries ------------------------------------------------------------------------------

def duplicate(rng: random.Random, twins: list[dict]) -> Callable[[dict], dict]:
    """One message of this ReceiveMessage answer is handed to the next receiver too, while this one records it
    (SQS delivers at least once: a copy on another server can be received again)."""
    def change(answer: dict) -> dict:
        messages = answer.get("Messages") or []
        if messages:
            twins.append(dict(rng.choice(messages)))
        return answer
    return change


def shuffled(rng: random.Random) -> Callable[[dict], dict]:
    """A ReceiveMessage answer whose messages come out of order."""
    def change(answer: dict) -> dict:
        rng.shuffle(answer.get("Messages") or [])
        return answer
    return change


def redelivered(rng: random.Random, earlier: list[dict]) -> Callable[[dict], dict]:
    """A ReceiveMessage answer that brings back a message an earlier answer delivered (SQS delivers at
    least once: a message deleted may still come again)."""
    def change(answer: dict) -> dict:
        if earlier:
            answer.setdefault("Messages", []).append(dict(rng.choice(earlier)))  # the proxy drops a second copy
        return answer
    return change


def visibility(seconds: int) -> Callable[[dict], dict]:
    """ReceiveMessage asking for a short visibility timeout: a slow batch comes again while it is recorded."""
    def change(request: dict) -> dict:
        return request | {"VisibilityTimeout": seconds}
    return change


SNS_OPERATIONS = frozenset({"Publish", "PublishBatch", "Subscribe", "ListSubscriptionsByTopic", "CreateTopic"})
SQS_OPERATIONS = frozenset({"SendMessage", "SendMessageBatch", "ReceiveMessage", "DeleteMessage", "DeleteMessageBatch",
                            "GetQueueUrl", "GetQueueAttributes", "ChangeMessageVisibility"})


def kind(name: str, operation: str, request: dict, rng: random.Random, earlier: list[dict],
         twins: list[dict]) -> Fault | None:
    """The fault a chance rule's kind stands for, for this request; None when it has no meaning here."""
    if name == "throttled":
        return throttled(operation)
    if name == "throttling":
        return throttling(operation)
    if name == "500":
        return server_error(operation)
    if name == "lost_500":
        return server_error(operation, after_forward=True)
    if name == "drop":
        return dropped(operation)
    if name == "lost":
        return lost(operation)
    if name == "conflict":
        return conflict(operation, request) if operation == "TransactWriteItems" else None
    if operation != "ReceiveMessage":
        return None
    if name == "duplicate":
        return Fault(operation, transform=duplicate(rng, twins))
    if name == "shuffle":
        return Fault(operation, transform=shuffled(rng))
    if name == "redeliver":
        return Fault(operation, transform=redelivered(rng, earlier))
    if name == "visibility":
        return Fault(operation, rewrite=visibility(1))
    raise ValueError(f"unknown fault kind {name!r}")


KINDS = ("throttled", "throttling", "500", "lost_500", "drop", "lost", "conflict", "duplicate", "shuffle", "redeliver",
         "visibility")


def xml_error(status: int, body: dict) -> bytes:
    """The query protocol's error (SNS) for a fault written as JSON."""
    code = str(body.get("__type", "InternalFailure")).rpartition("#")[2]
    side = "Receiver" if status >= 500 else "Sender"
    return (f'<ErrorResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><Error><Type>{side}</Type>'
            f"<Code>{escape(code)}</Code><Message>{escape(str(body.get('message', '')))}</Message></Error>"
            f"<RequestId>00000000-0000-0000-0000-000000000000</RequestId></ErrorResponse>").encode()
