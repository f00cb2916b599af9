"""The one DynamoDB table every storage adapter shares: its client, item keys, expressions and writes.

The client is created on first use (cold starts pay for nothing they do not call), or injected.
A write names its outcome by DynamoDB's error codes, never by message text: a failed condition
is `Refused`, a transaction cancelled by a conflict or throttling is retried with backoff, and
everything else is left to botocore's own retry mode (adapters/aws.py).
"""

from __future__ import annotations

import random
import time
from contextlib import contextmanager
from functools import cache
from typing import Callable, Iterator

from ..services.ports import StorageRejected, StorageUnavailable

ATTEMPTS = 5
BACKOFF_BASE = 0.05  # seconds; doubled each attempt, full jitter
BACKOFF_CAP = 2.0
# Cancellation reason codes of a transaction worth trying again: nothing was written.
RETRIED = frozenset({"TransactionConflict", "ThrottlingError", "ProvisionedThroughputExceeded"})
BATCH_GET_MAX = 100
# Errors no retry can mend: an item over 400 KB, a key too long, a request DynamoDB finds malformed.
REFUSED_FOR_GOOD = frozenset({"ValidationException", "ValidationError", "ItemCollectionSizeLimitExceededException",
                              "ItemCollectionSizeLimitExceeded"})


class Refused(Exception):
    """A write's condition did not hold. `current`, per action: the item as it stood when its own
    condition failed (when the action asked for it with ReturnValuesOnConditionCheckFailure)."""

    def __init__(self, current: list[dict | None], failed: list[bool] | None = None):
        super().__init__("condition not met")
        self.current = current
        self.failed = failed or [True] * len(current)  # per action: did its own condition fail


@cache
def _types():
    from boto3.dynamodb.types import TypeDeserializer, TypeSerializer

    return TypeSerializer(), TypeDeserializer()


def serialize(value) -> dict:
    return _types()[0].serialize(value)


def deserialize(attribute: dict):
    return _types()[1].deserialize(attribute)


def key(pk: str, sk: str) -> dict:
    return {"pk": {"S": pk}, "sk": {"S": sk}}


def backoff(attempt: int) -> float:
    return random.uniform(0, min(BACKOFF_CAP, BACKOFF_BASE * 2**attempt))


@contextmanager
def _unavailable():
    """What DynamoDB could not do after botocore's and our retries reaches the services in their words."""
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        yield
    except ClientError as e:
        reasons = {r.get("Code") for r in e.response.get("CancellationReasons") or []}
        if e.response.get("Error", {}).get("Code") in REFUSED_FOR_GOOD or reasons & REFUSED_FOR_GOOD:
            raise StorageRejected(f"DynamoDB: {e}") from e
        raise StorageUnavailable(f"DynamoDB: {e}") from e
    except BotoCoreError as e:
        raise StorageUnavailable(f"DynamoDB: {e}") from e


class Expression:
    """Placeholders for the names and values of one request, created only where they are used:
    DynamoDB refuses a request that declares a name or value its expressions do not use."""

    def __init__(self):
        self.names: dict[str, str] = {}
        self.values: dict[str, dict] = {}

    def name(self, path: str) -> str:
        """`replies.acknowledged.status` -> `#n0.#n1.#n2`; every part a placeholder (no reserved words)."""
        placeholders = []
        for part in path.split("."):
            found = next((p for p, n in self.names.items() if n == part), None)
            if found is None:
                found = f"#n{len(self.names)}"
                self.names[found] = part
            placeholders.append(found)
        return ".".join(placeholders)

    def value(self, value) -> str:
        placeholder = f":v{len(self.values)}"
        self.values[placeholder] = serialize(value)
        return placeholder

    def params(self) -> dict:
        params = {}
        if self.names:
            params["ExpressionAttributeNames"] = self.names
        if self.values:
            params["ExpressionAttributeValues"] = self.values
        return params


class Table:
    def __init__(self, name: str, client=None, sleep: Callable[[float], None] = time.sleep):
        self.name = name
        self._client = client
        self._sleep = sleep

    @property
    def db(self):
        if self._client is None:
            from .aws import client

            self._client = client("dynamodb")
        return self._client

    def write(self, actions: list[dict]) -> None:
        """Apply the actions ({"Put": ...} / {"Update": ...}) all or none: one action is one plain
        request (half the cost of a transaction), several are one transaction. Raises Refused."""
        with _unavailable():
            self._write(actions)

    def _write(self, actions: list[dict]) -> None:
        if len(actions) == 1:
            [(kind, request)] = actions[0].items()
            call = {"Put": self.db.put_item, "Update": self.db.update_item}[kind]
            try:
                call(**request)
            except self.db.exceptions.ConditionalCheckFailedException as e:
                raise Refused([e.response.get("Item")]) from None
            return
        self._transact(actions)

    def transact(self, actions: list[dict]) -> None:
        with _unavailable():
            self._transact(actions)

    def _transact(self, actions: list[dict]) -> None:
        for attempt in range(ATTEMPTS):
            try:
                self.db.transact_write_items(TransactItems=actions)
                return
            except self.db.exceptions.TransactionCanceledException as e:
                # DynamoDB (and moto 5.2.5, moto/dynamodb/models transact_write_items) give one
                # reason per action, "None" where that action was fine.
                reasons = e.response.get("CancellationReasons") or []
                failed = {r.get("Code") for r in reasons} - {"None", None}
                if "ConditionalCheckFailed" in failed:
                    failures = [r.get("Code") == "ConditionalCheckFailed" for r in reasons]
                    raise Refused([r.get("Item") if f else None for r, f in zip(reasons, failures)], failures) from None
                if not failed or not failed <= RETRIED or attempt == ATTEMPTS - 1:
                    raise
            self._sleep(backoff(attempt))

    def update(self, **request) -> dict:
        """A plain UpdateItem; its answer (Attributes when ReturnValues asks). Raises Refused."""
        with _unavailable():
            try:
                return self.db.update_item(TableName=self.name, **request)
            except self.db.exceptions.ConditionalCheckFailedException as e:
                raise Refused([e.response.get("Item")]) from None

    def delete(self, item_key: dict) -> None:
        with _unavailable():
            self.db.delete_item(TableName=self.name, Key=item_key)

    def get(self, item_key: dict) -> dict | None:
        with _unavailable():
            return self.db.get_item(TableName=self.name, Key=item_key, ConsistentRead=True).get("Item")

    def batch_get(self, keys: list[dict], consistent: bool = False) -> list[dict | None]:
        """The items of `keys`, in the same order (None where there is none)."""
        found: dict[tuple, dict] = {}
        unique = list({(k["pk"]["S"], k["sk"]["S"]): k for k in keys}.values())  # DynamoDB refuses repeats
        for start in range(0, len(unique), BATCH_GET_MAX):
            request = {self.name: {"Keys": unique[start : start + BATCH_GET_MAX], "ConsistentRead": consistent}}
            for attempt in range(ATTEMPTS + 5):
                with _unavailable():
                    answer = self.db.batch_get_item(RequestItems=request)
                for item in answer["Responses"].get(self.name, []):
                    found[(item["pk"]["S"], item["sk"]["S"])] = item
                request = answer.get("UnprocessedKeys")
                if not request:
                    break
                self._sleep(backoff(attempt))  # DynamoDB left some keys for later: capacity was short
            else:
                raise StorageUnavailable("DynamoDB kept keys unprocessed; try again later")
        return [found.get((k["pk"]["S"], k["sk"]["S"])) for k in keys]

    def query(self, **request) -> Iterator[dict]:
        """Each page of a query's answer, following LastEvaluatedKey until the caller stops."""
        while True:
            with _unavailable():
                answer = self.db.query(TableName=self.name, **request)
            yield answer
            if "LastEvaluatedKey" not in answer:
                return
            request["ExclusiveStartKey"] = answer["LastEvaluatedKey"]
