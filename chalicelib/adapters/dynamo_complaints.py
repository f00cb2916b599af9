"""Complaints and the work waiting on them, over the table's complaint items and indexes.

Every change is one write with its conditions, its counters and its index keys: nothing is read
before it is written. Indexes hold keys (and, for listings, the few attributes filters need);
the complaints themselves come from one BatchGetItem per page, in the index's order.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
from datetime import datetime
from typing import Callable

from ..domain.complaint import Change, Complaint
from ..domain.values import reference
from ..errors import InvalidCursor
from ..services.ports import ListQuery, ThreadTaken
from . import dynamo_corrections as corrections
from . import dynamo_indexes as indexes
from . import dynamo_items as items
from .dynamo_stats import counter_updates
from .dynamo_table import Refused, Table

MAX_READS = 8  # index pages a listing reads looking for a full page before it hands back a cursor


class Cursors:
    """Opaque listing cursors, signed: a cursor only resumes the listing (same filters, same officer's
    scope) that handed it out, and only names a complaint that listing showed, or a time."""

    def __init__(self, key: bytes | Callable[[], bytes]):
        # A callable is asked on use: the key comes from SSM, and only the API lists complaints.
        self._key = key if callable(key) else (lambda: key)

    def _mac(self, listing: str, payload: bytes) -> bytes:
        return hmac.new(self._key(), listing.encode() + b"\n" + payload, hashlib.sha256).digest()[:16]

    def issue(self, listing: str, ref: str | None, created_at: str) -> str:
        payload = json.dumps({"t": created_at, "r": ref}, separators=(",", ":")).encode()
        return _encode(payload, self._mac(listing, payload))

    def read(self, cursor: str, listing: str) -> tuple[str | None, str]:
        """(ref, created_at): resume after that complaint, or (with no ref) before that time."""
        try:
            payload, mac = (base64.urlsafe_b64decode(p + "=" * (-len(p) % 4)) for p in cursor.split("."))
            # One spelling per cursor: base64 would also take variants differing in unused bits.
            if hmac.compare_digest(cursor, _encode(payload, self._mac(listing, payload))):
                raw = json.loads(payload)
                return raw["r"], raw["t"]
        except (ValueError, binascii.Error, KeyError, TypeError):
            pass
        raise InvalidCursor("the cursor is not one this listing handed out (filters must stay the same)")


def _encode(payload: bytes, mac: bytes) -> str:
    return ".".join(base64.urlsafe_b64encode(p).decode().rstrip("=") for p in (payload, mac))


def _listing_id(query: ListQuery) -> str:
    return json.dumps([query.district, query.unknown_district, query.department, query.status,
                       query.urgent, sorted(query.scope_districts), sorted(query.scope_departments)])


class DynamoComplaints:
    def __init__(self, table: Table, cursor_key: bytes | Callable[[], bytes]):
        self.table = table
        self.cursors = Cursors(cursor_key)

    def get(self, ref: str) -> Complaint | None:
        item = self.table.get(items.complaint_key(ref))
        return items.from_item(item) if item else None

    def create(self, change: Change, take_thread: bool = False) -> bool:
        actions = items.create(self.table.name, change, take_thread)
        try:
            self.table.write([*actions, *counter_updates(self.table.name, change.counts)])
        except Refused as refused:
            # The guards: the tweet's, and (for an edited post) its first version's.
            tweet_recorded, thread_held = refused.failed[0] or any(refused.failed[3:]), refused.failed[1]
            if thread_held and not tweet_recorded:
                raise ThreadTaken(items.thread_ref(refused.current[1])) from None
            return False
        return True

    def save(self, change: Change) -> bool:
        also = counter_updates(self.table.name, change.counts)
        if change.correction:
            also.append(corrections.put(self.table.name, change.correction))
        if change.recorded_tweet:
            also.insert(0, items.guard(self.table.name, change.recorded_tweet, change.after.ref))
        try:
            self.table.write([items.update(self.table.name, change), *also])
        except Refused as refused:
            if not _another_reply_waits(change, refused.current[0]):
                return False
            # Another reply was added while this one was sent: save again, leaving it on the queue.
            try:
                self.table.write([items.update(self.table.name, change, keep_reply_flag=True), *also])
            except Refused:
                return False
        return True

    def next_references(self, district: int | None, year: int, count: int) -> list[str]:
        if count <= 0:
            return []
        last = items.allocated(self.table.update(**items.allocate(district, year, count)))
        return [reference(district, year, n) for n in range(last - count + 1, last + 1)]

    def recorded(self, tweet_id: str) -> str | None:
        return items.guarded_ref(self.table.get(items.guard_key(tweet_id)))

    def thread_of(self, conversation_id: str, author_id: str) -> str | None:
        return items.thread_ref(self.table.get(items.thread_key(conversation_id, author_id)))

    def list(self, query: ListQuery) -> tuple[list[Complaint], str | None]:
        """Newest first, from the index of the most selective filter; the rest are filters."""
        listing = _listing_id(query)
        ref, created_at = self.cursors.read(query.cursor, listing) if query.cursor else (None, None)
        if created_at is None and query.before is not None:
            created_at = str(items.seconds(query.before))
        found, more = self._read(indexes.listing(query, after=(ref, created_at) if ref else None,
                                               before=None if ref else created_at), query.limit, MAX_READS)
        if more and not found:
            # Nothing this listing may show in the pages read: read the rest of the moment reached,
            # then resume before it, so that the cursor names no complaint the listing did not show.
            moment = indexes.position(more)
            found, _ = self._read(indexes.listing(query, after=moment, at=moment[1]), query.limit, budget=None)
            if not found:
                return [], self.cursors.issue(listing, None, moment[1])
        page = found[: query.limit]
        # The index may lag a change (a transfer): what the page shows is checked on the complaints,
        # and the cursor names the last complaint shown (or, when none is, only a time).
        shown = [c for c in _load(self.table, page, consistent=False) if query.matches(c)]
        if len(found) <= query.limit and not more:
            return shown, None
        if shown:
            return shown, self.cursors.issue(listing, shown[-1].ref, str(items.seconds(shown[-1].created_at)))
        return [], self.cursors.issue(listing, None, indexes.position(page[-1])[1])

    def _read(self, request: dict, limit: int, budget: int | None) -> tuple[list[dict], dict | None]:
        """Entries until one more than a page, the end, or `budget` reads; and the last entry read then."""
        found, last = [], None
        for reads, answer in enumerate(self.table.query(**request), 1):
            found += answer["Items"]
            last = answer.get("LastEvaluatedKey")
            if len(found) > limit or not last or reads == budget:
                break
        return found, last

    def due_for_check(self, now: datetime) -> list[Complaint]:
        due = _waiting(self.table, indexes.DEADLINES, now)
        return [c for c in due if c.clock.next_check_at and c.clock.next_check_at <= now]

    def oldest_open(self, district) -> datetime | None:
        firsts = []
        for request in indexes.oldest_open(district):
            firsts += next(self.table.query(**request))["Items"][:1]
        return min((indexes.created_at(entry) for entry in firsts), default=None)


def _another_reply_waits(change: Change, current: dict | None) -> bool:
    """A save that took the complaint off the replies queue was refused: did a reply it did not
    write start waiting meanwhile (rather than its own reply no longer waiting)?"""
    if current is None or not change.expect.startswith("reply:"):
        return False
    written = {k for k, r in change.after.replies.items() if r != change.before.replies.get(k)}
    return bool(set(items.from_item(current).pending_replies) - written)


def _waiting(table: Table, index: str, until: datetime | None = None) -> list[Complaint]:
    """Every complaint on a work queue, oldest first."""
    entries = [entry for answer in table.query(**indexes.waiting(index, until)) for entry in answer["Items"]]
    return _load(table, entries, consistent=True)


def _load(table: Table, entries: list[dict], consistent: bool) -> list[Complaint]:
    keys = [items.complaint_key(items.ref_of(entry)) for entry in entries]
    return [items.from_item(item) for item in table.batch_get(keys, consistent) if item]


class DynamoOutbox:
    """Complaints with an alert or a reply still to send, oldest first."""

    def __init__(self, table: Table):
        self.table = table

    def pending_alerts(self) -> list[Complaint]:
        return [c for c in _waiting(self.table, indexes.ALERTS_PENDING) if c.alert.pending]

    def pending_replies(self, now: datetime, authorised: frozenset[str] = frozenset()) -> list[Complaint]:
        """The queue holds every waiting reply (few: blocked ones leave it within 48 hours); those not due yet
        stay on it and are not returned."""
        waiting = _waiting(self.table, indexes.REPLIES_PENDING)
        for c in waiting:
            if not c.pending_replies:
                self._clear_flag(c.ref)
        return [c for c in waiting if c.due_replies(now, authorised)]

    def replies_held(self) -> dict[str, datetime]:
        return items.held(self.table.get(items.REPLIES_HOLD))

    def hold_replies(self, handle: str, until: datetime) -> None:
        self.table.update(**items.replies_hold(handle, until))

    def _clear_flag(self, ref: str) -> None:
        """A repair: the flag outlived its replies (left by a crash, or by code before this version)."""
        try:
            self.table.update(**items.clear_reply_flag(ref))
        except Refused:
            pass  # a reply waits again: the flag is right
