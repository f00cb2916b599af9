"""Fixes to moto 5: a long-running local stack keeps flat memory and time per write (1-4), and the
local user pool refuses a bad sign-in session as Cognito does (5).

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

3. Every Query listed the whole table, sorted (`Table.all_items`), to pick the partition it asked
   for: time in proportion to n log n items per query, where DynamoDB reads the partition alone.
   A query on the table now looks its partition up; one on an index looks it up in a map of the
   index's partitions (in index order), built by one pass over the table and kept until the next
   write to any table; a plain read of an index's first or last few entries gets just those. moto's
   own code then filters, sorts and pages those candidates as before: the same answers.

4. Every SNS topic kept every message published to it (`Topic.sent_notifications`, for moto's internal
   API, which nothing here reads), and every SQS queue every receipt handle of every message deleted
   from it (`Queue.deleted_messages`, so a second delete with the same handle succeeds, as on AWS):
   about 2 KB per alert and 0.3 KB per message for as long as the server ran. Topics now keep none;
   queues keep the last DELETED_HANDLES_KEPT handles of deleted messages (a repeated delete comes
   seconds after the first, not thousands of messages later).

5. A challenge answer (a new password, an authenticator code) carries the session Cognito handed out with
   the challenge. Given a session it never handed out, or one that has expired, Cognito answers
   NotAuthorizedException ("Invalid session for the user."), which the pages show as a refused sign-in;
   moto answered ResourceNotFoundException, which means a missing pool or client and which the desk
   rightly calls an outage (503). The abuse run (devtools/chaos/abuse.py) found the difference.

`apply()` is idempotent; devtools.stack.MotoServer calls it before serving.
"""

from __future__ import annotations

import copy
import inspect
import threading
from collections import OrderedDict, deque
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
    _partitioned_queries(dynamodb)
    _bounded_message_records()
    _cognito_refuses_unknown_sessions()
    _applied = True


DELETED_HANDLES_KEPT = 4_000  # a message has a handle per receive: a thousand messages or more


class RecentHandles(OrderedDict):
    """The receipt handles of a queue's most recently deleted messages, at most DELETED_HANDLES_KEPT:
    what moto asks of its `deleted_messages` set (`in`, `update`)."""

    def update(self, handles) -> None:
        for handle in handles:
            self[handle] = None
        while len(self) > DELETED_HANDLES_KEPT:
            self.popitem(last=False)


def _bounded_message_records() -> None:
    from moto.sns.models import Topic
    from moto.sqs.models import Queue

    topic_init, queue_init = Topic.__init__, Queue.__init__

    def topic_keeping_no_messages(self, *args, **kwargs):
        topic_init(self, *args, **kwargs)
        self.sent_notifications = deque(maxlen=0)

    def queue_keeping_recent_handles(self, *args, **kwargs):
        queue_init(self, *args, **kwargs)
        self.deleted_messages = RecentHandles()

    Topic.__init__ = topic_keeping_no_messages
    Queue.__init__ = queue_keeping_recent_handles


_writes = [0]  # writes to any table so far: an index's map of partitions is good until the next
_candidates = threading.local()  # the items one Query in this thread may answer with


def _cognito_refuses_unknown_sessions() -> None:
    from moto.cognitoidp import models
    from moto.cognitoidp.exceptions import NotAuthorizedError

    respond = models.CognitoIdpBackend.respond_to_auth_challenge

    def respond_to_auth_challenge(self, session, client_id, challenge_name, challenge_responses):
        known = challenge_responses.get("PASSWORD_CLAIM_SECRET_BLOCK") if challenge_name == "PASSWORD_VERIFIER" else session
        if known not in self.sessions:
            raise NotAuthorizedError("Invalid session for the user.")
        return respond(self, session, client_id, challenge_name, challenge_responses)

    models.CognitoIdpBackend.respond_to_auth_challenge = respond_to_auth_challenge


def _partitioned_queries(dynamodb) -> None:
    from moto.dynamodb.models.table import Table

    def counting(method):
        def wrapped(*args, **kwargs):
            _writes[0] += 1
            try:
                return method(*args, **kwargs)
            finally:
                _writes[0] += 1

        return wrapped

    for owner, names in ((dynamodb.DynamoDBBackend, ("put_item", "update_item", "delete_item", "transact_write_items",
                                                     "batch_write_item")), (Table, ("put_item", "delete_item"))):
        for name in names:
            setattr(owner, name, counting(getattr(owner, name)))

    listed = Table.all_items

    def all_items(self):
        candidates = getattr(_candidates, "items", None)
        return listed(self) if candidates is None else candidates

    query = Table.query
    signature = inspect.signature(query)

    def partitioned_query(*args, **kwargs):
        asked = signature.bind(*args, **kwargs).arguments
        try:
            _candidates.items = _first(asked, _partition(asked["self"], asked.get("hash_key"), asked.get("index_name"),
                                                         asked.get("hash_key_conditions")))
            return query(*args, **kwargs)
        finally:
            _candidates.items = None

    Table.all_items = all_items
    Table.query = partitioned_query


def _partition(table, hash_key, index_name, conditions) -> list | None:
    """The items a query's partition holds (a superset is fine: moto checks each); None: every item."""
    if not index_name:
        if hash_key is None or not table.range_key_attr:
            return None
        return list(table.items[hash_key].values()) if hash_key in table.items else []
    index = next((i for i in table.all_indexes() if i.name == index_name), None)
    hashes = [k["AttributeName"] for k in (index.schema if index else []) if k["KeyType"] == "HASH"]
    wanted = dict(conditions or [])
    if len(hashes) != 1 or hashes[0] not in wanted:
        return None
    held = getattr(table, "_partitions", None)
    if held is None or held[0] != _writes[0]:
        held = (_writes[0], {})
        table._partitions = held
    partitions = held[1].get(index_name)
    if partitions is None:
        partitions = {}
        ranges = [k["AttributeName"] for k in index.schema if k["KeyType"] == "RANGE"]
        order = [*ranges, table.hash_key_attr, *([table.range_key_attr] if table.range_key_attr else [])]
        for entries in table.items.values():
            for item in entries.values() if table.range_key_attr else [entries]:
                value = item.attrs.get(hashes[0])
                if value is not None and all(item.attrs.get(k) is not None for k in order):
                    partitions.setdefault(value, []).append(item)
        for entries in partitions.values():  # in index order, as moto sorts them (sorted_items)
            entries.sort(key=lambda item: tuple(item.attrs[k] for k in order))
        held[1][index_name] = partitions
    return partitions.get(wanted[hashes[0]], [])


def _first(asked: dict, candidates: list | None) -> list | None:
    """A plain read of an index partition's first (or last) `limit` entries needs only those: as on
    DynamoDB, the answer then costs its page, not the partition (a Limit 1 query for the oldest)."""
    from moto.dynamodb.comparisons import OpDefault

    no_filter = asked.get("filter_expression") is None or isinstance(asked["filter_expression"], OpDefault)
    plain = no_filter and not any(asked.get(k) for k in ("range_comparison", "range_key_conditions",
                                                         "exclusive_start_key", "filter_kwargs"))
    limit = asked.get("limit")
    if candidates is None or not asked.get("index_name") or not plain or not limit:
        return candidates
    return candidates[:limit] if asked.get("scan_index_forward", True) is not False else candidates[-limit:]


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
