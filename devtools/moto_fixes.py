"""Two fixes to moto 5 so a long-running local stack keeps flat memory and time per DynamoDB write.

1. moto records every model instance it creates (`BaseModel.__new__` appends it to its class's
   `instances_tracked`, kept until a reset) for its dashboard, `/moto-api/data.json`, which
   nothing here reads. A DynamoDB transaction deep-copies the whole table first, so every
   transaction added a copy of every item to those lists: 150 complaints took the process from
   255 MB to 1.5 GB, and runs of 1,000 were killed at 23 GB. Instances are no longer recorded,
   except S3's: its reset closes the temporary files of keys through that list.
2. That whole-table copy (kept to roll back a failed transaction) also made each transaction cost
   time in proportion to the table: 0.6 s with 1,000 items, 1.7 s with 4,000. Instead, copies of
   just the items the transaction names are kept and put back if moto would have rolled back:
   the same result, because a transaction writes only those items and MotoServer serves one
   request at a time. Tables with a stream (whose records moto's rollback also undoes) and
   requests moto refuses without rolling back (an entry with two operations) keep moto's own way.

`apply()` is idempotent; devtools.stack.MotoServer calls it before serving.
"""

from __future__ import annotations

import copy
from contextlib import contextmanager

_applied = False


def apply() -> None:
    global _applied
    if _applied:
        return
    from moto.core.common_models import BaseModel
    from moto.dynamodb import models as dynamodb

    def untracked_new(cls, *args, **kwargs):
        instance = super(BaseModel, cls).__new__(cls)
        if cls.__module__.startswith("moto.s3."):
            cls.instances_tracked.append(instance)
        return instance

    BaseModel.__new__ = staticmethod(untracked_new)

    transact = dynamodb.DynamoDBBackend.transact_write_items

    def transact_write_items(self, transact_items):
        saved = _named_items(self, transact_items)
        if saved is None:
            return transact(self, transact_items)
        try:
            with _tables_not_copied(dynamodb):
                return transact(self, transact_items)
        except Exception:
            # moto rolls back on every error it raises once the entries are checked for one operation each.
            _put_back(saved)
            raise

    dynamodb.DynamoDBBackend.transact_write_items = transact_write_items
    _applied = True


def _named_items(backend, transact_items) -> list | None:
    """(table, hash key, range key, copy of the item or None) for every item the transaction
    names; None when moto's own whole-table copy is needed."""
    from moto.dynamodb.models.dynamo_type import DynamoType

    saved = []
    for entry in transact_items:
        if len(entry) != 1:
            return None
        kind, op = next(iter(entry.items()))
        table = backend.tables.get(op.get("TableName")) if isinstance(op, dict) else None
        if table is None:
            continue
        if table.stream_shard is not None:
            return None
        key = op.get("Item" if kind == "Put" else "Key") or {}
        try:
            hash_key = DynamoType(key[table.hash_key_attr])
            range_key = DynamoType(key[table.range_key_attr]) if table.range_key_attr else None
            current = table.get_item(hash_key, range_key)
        except Exception:
            continue  # a key moto cannot read: it writes nothing for this entry
        saved.append((table, hash_key, range_key, copy.deepcopy(current)))
    return saved


def _put_back(saved: list) -> None:
    for table, hash_key, range_key, item in saved:
        partition = table.items if range_key is None else table.items[hash_key]
        slot = hash_key if range_key is None else range_key
        if item is None:
            partition.pop(slot, None)
        else:
            partition[slot] = item


class _CopyKeepingTables:
    """Stands in for the `copy` module inside moto.dynamodb.models: hands tables back uncopied."""

    def __getattr__(self, name):
        return getattr(copy, name)

    @staticmethod
    def deepcopy(value, memo=None):
        from moto.dynamodb.models.table import Table

        return value if isinstance(value, Table) else copy.deepcopy(value, memo)


@contextmanager
def _tables_not_copied(module):
    module.copy = _CopyKeepingTables()
    try:
        yield
    finally:
        module.copy = copy
