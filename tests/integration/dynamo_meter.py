"""What DynamoDB would charge for the writes a client makes, measured on the local stack.

moto does not count capacity, so the meter does, by DynamoDB's published rules: a write costs one
unit per started KB of the larger of the item's old and new image, twice inside a transaction;
each index whose entry appears, changes or disappears costs one unit per started KB of its entry
(a moved entry is a delete and a put). Item sizes follow DynamoDB's sizing rules.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

TABLE = json.loads((Path(__file__).resolve().parents[2] / "infra" / "complaints_table.json").read_text())
KB = 1024


def size(value: dict) -> int:
    [(kind, v)] = value.items()
    if kind == "S":
        return len(v.encode())
    if kind == "N":
        return len(v.strip("-").replace(".", "").lstrip("0")) // 2 + 2
    if kind in ("BOOL", "NULL"):
        return 1
    if kind == "L":
        return 3 + sum(1 + size(e) for e in v)
    if kind == "M":
        return 3 + sum(1 + len(k.encode()) + size(e) for k, e in v.items())
    raise ValueError(kind)


def item_size(item: dict | None) -> int:
    return sum(len(k.encode()) + size(v) for k, v in (item or {}).items())


def units(n_bytes: int) -> int:
    return max(1, math.ceil(n_bytes / KB))


def index_entry(index: dict, item: dict | None) -> dict | None:
    keys = [k["AttributeName"] for k in index["KeySchema"]]
    if not item or any(k not in item for k in keys):
        return None
    kept = {"pk", "sk", *keys, *index["Projection"].get("NonKeyAttributes", [])}
    return {k: v for k, v in item.items() if k in kept}


def write_units(before: dict | None, after: dict | None, transactional: bool) -> tuple[int, int]:
    """(table units, index units) of one item written from `before` to `after`."""
    table = units(max(item_size(before), item_size(after))) * (2 if transactional else 1)
    indexes = 0
    for index in TABLE["GlobalSecondaryIndexes"]:
        old, new = index_entry(index, before), index_entry(index, after)
        keys = [k["AttributeName"] for k in index["KeySchema"]]
        if old == new:
            continue
        moved = old and new and any(old[k] != new[k] for k in keys)
        if old and (moved or not new):
            indexes += units(item_size(old))
        if new:
            indexes += units(item_size(new))
    return table, indexes


class Meter:
    """Counts the calls a client makes and the write units they cost; `reader` reads items unmetered."""

    def __init__(self, client, reader, table_name: str):
        self.reader, self.table_name = reader, table_name
        self.calls: list[str] = []
        self.table_units = self.index_units = 0
        self._before: list = []
        client.meta.events.register("before-parameter-build.dynamodb", self._before_call)
        client.meta.events.register("after-call.dynamodb", self._after_call)

    @property
    def write_units(self) -> int:
        return self.table_units + self.index_units

    def reset(self) -> None:
        self.calls, self.table_units, self.index_units = [], 0, 0

    def _keys(self, model, params) -> list[tuple[dict, bool]]:
        if model.name == "TransactWriteItems":
            return [(self._key_of(body), True) for action in params["TransactItems"] for body in action.values()]
        if model.name in ("PutItem", "UpdateItem", "DeleteItem"):
            return [(self._key_of(params), False)]
        return []

    @staticmethod
    def _key_of(body: dict) -> dict:
        source = body.get("Key") or body["Item"]
        return {"pk": source["pk"], "sk": source["sk"]}

    def _get(self, key: dict) -> dict | None:
        return self.reader.get_item(TableName=self.table_name, Key=key, ConsistentRead=True).get("Item")

    def _before_call(self, model, params, **_):
        self.calls.append(model.name)
        self._before = [(key, transactional, self._get(key)) for key, transactional in self._keys(model, params)]

    def _after_call(self, http_response, **_):
        if http_response.status_code >= 300:
            return  # refused or failed: nothing was written
        for key, transactional, before in self._before:
            table, indexes = write_units(before, self._get(key), transactional)
            self.table_units += table
            self.index_units += indexes
