"""Counting AWS calls and estimating DynamoDB write units from botocore's event hooks (see store_costs.py).

The hooks go into botocore's list of built-in handlers, which every botocore session registers
when it is created: every client made afterwards, however the product makes it, is counted;
clients made before `Recorder.install()` (the un-hooked reader) are not.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field

KB = 1024
WRITES = ("PutItem", "UpdateItem", "DeleteItem", "TransactWriteItems", "BatchWriteItem")


# --- item sizes, after DynamoDB's documented sizing rules ----------------------------------


def number_size(text: str) -> int:
    """About one byte per two significant digits, plus one."""
    mantissa = text.lstrip("+-").lower().split("e")[0].replace(".", "")
    significant = mantissa.strip("0") or "0"
    return math.ceil(len(significant) / 2) + 1


def value_size(value: dict) -> int:
    (kind, v), = value.items()
    if kind == "S":
        return len(v.encode())
    if kind == "N":
        return number_size(v)
    if kind == "B":
        return len(v)
    if kind in ("BOOL", "NULL"):
        return 1
    if kind == "SS":
        return sum(len(s.encode()) for s in v)
    if kind == "NS":
        return sum(number_size(n) for n in v)
    if kind == "BS":
        return sum(len(b) for b in v)
    # Lists and maps: 3 bytes, plus one byte per element; a map's keys count like attribute names.
    if kind == "L":
        return 3 + sum(value_size(e) + 1 for e in v)
    if kind == "M":
        return 3 + sum(len(k.encode()) + value_size(e) + 1 for k, e in v.items())
    raise ValueError(f"unknown attribute type {kind}")


def item_size(item: dict | None) -> int:
    return sum(len(name.encode()) + value_size(v) for name, v in (item or {}).items())


def units(size: int) -> int:
    """Write units for an item of this size: 1 KB each, at least one."""
    return max(1, math.ceil(size / KB))


# --- the table's shape ---------------------------------------------------------------------


@dataclass(frozen=True)
class Index:
    name: str
    keys: tuple[str, ...]
    projected: frozenset[str] | None  # None: ALL

    def entry(self, item: dict | None) -> dict | None:
        """The item's copy in this index, or None when the item lacks a key (sparse index)."""
        if item is None or any(k not in item for k in self.keys):
            return None
        return item if self.projected is None else {k: v for k, v in item.items() if k in self.projected}


@dataclass(frozen=True)
class Table:
    keys: tuple[str, ...]
    indexes: tuple[Index, ...]

    @classmethod
    def describe(cls, dynamodb, name: str) -> "Table":
        desc = dynamodb.describe_table(TableName=name)["Table"]
        keys = tuple(k["AttributeName"] for k in desc["KeySchema"])
        indexes = []
        for gsi in desc.get("GlobalSecondaryIndexes", []):
            index_keys = tuple(k["AttributeName"] for k in gsi["KeySchema"])
            projection = gsi["Projection"]
            projected = None
            if projection["ProjectionType"] != "ALL":
                projected = frozenset(keys + index_keys + tuple(projection.get("NonKeyAttributes", ())))
            indexes.append(Index(gsi["IndexName"], index_keys, projected))
        return cls(keys, tuple(indexes))

    def key(self, item: dict) -> dict:
        return {k: item[k] for k in self.keys}


def kind_of(key: dict) -> str:
    """A label for the breakdown: the partition key up to its first '#' (C#…, T#…, STATS)."""
    first = next(iter(key.values()))
    return next(iter(first.values())).split("#")[0]


@dataclass
class Write:
    """One item written by one call, with its state before and after."""

    table_name: str
    table: Table
    key: dict
    op: str  # Put | Update | Delete | ConditionCheck
    transactional: bool
    put_item: dict | None = None
    before: dict | None = None
    after: dict | None = None


@dataclass(frozen=True)
class Written:
    """What the floor needs to know of a write, without keeping the items."""

    op: str
    key: tuple
    before: int  # bytes; 0 when the item did not exist
    after: int
    indexes: int  # how many indexes hold the item afterwards

    @classmethod
    def of(cls, w: Write) -> "Written":
        held = sum(index.entry(w.after) is not None for index in w.table.indexes)
        return cls(w.op, _plain(w.key), item_size(w.before), item_size(w.after), held)


def cost(w: Write, failed: bool) -> Counter:
    """Write units by where they go: ("table", item kind) and ("index", index name)."""
    spent = Counter()
    if failed:
        # A refused write still costs the item's size; nothing reaches the indexes.
        spent[("table", kind_of(w.key))] += units(max(item_size(w.before), item_size(w.put_item)))
        return spent
    spent[("table", kind_of(w.key))] += units(max(item_size(w.before), item_size(w.after))) * (2 if w.transactional else 1)
    for index in w.table.indexes:
        old, new = index.entry(w.before), index.entry(w.after)
        if old is None and new is None or old == new:
            continue
        if old is None or new is None:
            spent[("index", index.name)] += units(item_size(old if new is None else new))
        elif any(old[k] != new[k] for k in index.keys):
            spent[("index", index.name)] += units(item_size(old)) + units(item_size(new))  # delete + put
        else:
            spent[("index", index.name)] += units(max(item_size(old), item_size(new)))
    return spent


# --- the hooks -----------------------------------------------------------------------------


@dataclass
class Recorder:
    """AWS calls by (service, operation), and write units of DynamoDB writes while `sizing` is on."""

    reader: object  # an un-hooked DynamoDB client, for reading items before and after each write
    calls: Counter = field(default_factory=Counter)
    wcu: Counter = field(default_factory=Counter)
    writes: list[tuple[str, bool, list[Written]]] = field(default_factory=list)  # (operation, failed, items)
    sizing: bool = True
    _tables: dict[str, Table] = field(default_factory=dict)

    def install(self) -> "Recorder":
        from botocore import handlers

        handlers.BUILTIN_HANDLERS.extend(
            [("before-parameter-build", self._params), ("before-call", self._before), ("after-call", self._after)]
        )
        return self

    def reset(self) -> None:
        self.calls.clear()
        self.wcu.clear()
        self.writes.clear()

    def _params(self, params, model, context, **_):
        if model.service_model.service_name == "dynamodb" and model.name in WRITES:
            context["bench_params"] = params

    def _before(self, model, context, **_):
        self.calls[(model.service_model.service_name, model.name)] += 1
        params = context.get("bench_params")
        if self.sizing and params is not None:
            context["bench_writes"] = writes = self._writes(model.name, params)
            for w, item in zip(writes, self._read(writes)):
                w.before = item

    def _after(self, parsed, model, context, **_):
        writes = context.get("bench_writes")
        if writes is None:
            return
        failed = "Error" in parsed
        unprocessed = parsed.get("UnprocessedItems") or {}
        if unprocessed:  # a batch's unprocessed items were not written
            left = {
                (name, _plain(self._tables[name].key(r["PutRequest"]["Item"]) if "PutRequest" in r else r["DeleteRequest"]["Key"]))
                for name, requests in unprocessed.items() for r in requests
            }
            writes = [w for w in writes if (w.table_name, _plain(w.key)) not in left]
        for w, item in zip(writes, [w.before for w in writes] if failed else self._read(writes)):
            w.after = item
            self.wcu.update(cost(w, failed))
        self.writes.append((model.name, failed, [Written.of(w) for w in writes]))

    def table(self, name: str) -> Table:
        if name not in self._tables:
            self._tables[name] = Table.describe(self.reader, name)
        return self._tables[name]

    def _writes(self, operation: str, params: dict) -> list[Write]:
        def write(op: str, spec: dict, transactional: bool) -> Write:
            name = spec["TableName"]
            table = self.table(name)
            if op == "Put":
                return Write(name, table, table.key(spec["Item"]), op, transactional, put_item=spec["Item"])
            return Write(name, table, spec["Key"], op, transactional)

        if operation == "TransactWriteItems":
            return [write(op, spec, True) for entry in params["TransactItems"] for op, spec in entry.items()]
        if operation == "BatchWriteItem":
            out = []
            for name, requests in params["RequestItems"].items():
                for r in requests:
                    op, spec = ("Put", r["PutRequest"]) if "PutRequest" in r else ("Delete", r["DeleteRequest"])
                    out.append(write(op, {"TableName": name, **spec}, False))
            return out
        return [write(operation.removesuffix("Item"), params, False)]

    def _read(self, writes: list[Write]) -> list[dict | None]:
        """The items as they are now, in the order of `writes` (one BatchGetItem, strongly consistent)."""
        keys = {(w.table_name, _plain(w.key)): w.key for w in writes}  # a batch must not repeat a key
        request = {}
        for (name, _), key in keys.items():
            request.setdefault(name, {"Keys": [], "ConsistentRead": True})["Keys"].append(key)
        found = {}
        while request:
            answer = self.reader.batch_get_item(RequestItems=request)
            for name, items in answer["Responses"].items():
                table = self._tables[name]
                found.update({(name, _plain(table.key(i))): i for i in items})
            request = answer.get("UnprocessedKeys")
        return [found.get((w.table_name, _plain(w.key))) for w in writes]


def _plain(key: dict) -> tuple:
    return tuple((name, next(iter(v.values()))) for name, v in sorted(key.items()))
