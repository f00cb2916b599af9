"""The indexes that find complaints, and the queries that read them: listings, work queues, the
oldest open complaint. Attribute names and keys come from dynamo_items.py.

Listing indexes carry district, department, status and urgent for filters; work queues carry keys
only. Every one is sorted by created_at, except deadlines (by next_check_at).
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from ..domain.status import OPEN
from ..services.ports import ALL_DISTRICTS, ListQuery
from ..domain.districts import district_key
from .dynamo_items import COMPLAINT, PENDING, UNKNOWN_DISTRICT, complaint_key, from_seconds, ref_of, seconds
from .dynamo_table import Expression

FILTERED_READ = 200  # index entries a filtered listing reads at a time (a few KB: keys and filter attributes)
# Indexes: name -> partition key attribute.
FEED, BY_DISTRICT, BY_DEPARTMENT, BY_STATUS = "feed", "by_district", "by_department", "by_status"
ALERTS_PENDING, REPLIES_PENDING, DEADLINES, OPEN_BY_DISTRICT = (
    "alerts_pending", "replies_pending", "deadlines", "open_by_district")
PARTITION = {FEED: "sk", BY_DISTRICT: "district", BY_DEPARTMENT: "department", BY_STATUS: "status",
             ALERTS_PENDING: "alert_pending", REPLIES_PENDING: "reply_pending", DEADLINES: "sk",
             OPEN_BY_DISTRICT: "open_district"}  # fmt: skip


def listing(query: ListQuery, after: tuple[str, str] | None = None, before: str | None = None,
            at: str | None = None) -> dict:
    """The Query of a listing: the index of the most selective filter, filters for the rest, newest
    first; resuming after a complaint (ref, created_at), before a time, or within one moment."""
    e = Expression()
    wanted = [(name, values) for name, values in (
        ("district", [UNKNOWN_DISTRICT] if query.unknown_district else None),
        ("district", [str(query.district)] if query.district is not None else None),
        ("department", [query.department] if query.department else None),
        ("status", [query.status] if query.status else None),
        ("urgent", [query.urgent] if query.urgent is not None else None),
        ("district", sorted(str(d) for d in query.scope_districts)),
        ("department", sorted(query.scope_departments)),
    ) if values]
    index_of = {"district": BY_DISTRICT, "department": BY_DEPARTMENT, "status": BY_STATUS}
    chosen = next((w for w in wanted if w[0] in index_of and len(w[1]) == 1), None)
    index, partition = (index_of[chosen[0]], chosen[1][0]) if chosen else (FEED, COMPLAINT)
    filters = [f"{e.name(name)} IN ({', '.join(e.value(v) for v in values)})" if len(values) > 1
               else f"{e.name(name)} = {e.value(values[0])}" for name, values in wanted if (name, values) != chosen]
    condition = f"{e.name(PARTITION[index])} = {e.value(partition)}"
    if before or at:
        condition += f" AND {e.name('created_at')} {'<' if before else '='} {e.value(Decimal(before or at))}"
    # A filter drops entries after Limit counted them: read more than a page when filtering.
    request = {"IndexName": index, "KeyConditionExpression": condition, "ScanIndexForward": False,
               "Limit": query.limit + 1 if not filters else max(query.limit + 1, FILTERED_READ)}
    if filters:
        request["FilterExpression"] = " AND ".join(filters)
    if after:
        ref, created = after
        request["ExclusiveStartKey"] = complaint_key(ref) | {"created_at": {"N": created}, PARTITION[index]: {"S": partition}}
    return request | e.params()


def created_at(entry: dict) -> datetime:
    return from_seconds(Decimal(entry["created_at"]["N"]))


def position(entry: dict) -> tuple[str, str]:
    """An index entry's (ref, created_at in seconds)."""
    return ref_of(entry), entry["created_at"]["N"]


def waiting(index: str, until: datetime | None = None) -> dict:
    """The query of a work queue (ALERTS_PENDING, REPLIES_PENDING, DEADLINES due by `until`)."""
    e = Expression()
    condition = f"{e.name(PARTITION[index])} = {e.value(COMPLAINT if index == DEADLINES else PENDING)}"
    if until is not None:
        condition += f" AND {e.name('next_check_at')} <= {e.value(seconds(until))}"
    return {"IndexName": index, "KeyConditionExpression": condition, **e.params()}


def oldest_open(district) -> list[dict]:
    """Queries whose first entries hold the oldest open complaint of a district, the state queue
    (None) or the whole state (ALL_DISTRICTS: the oldest of each open status)."""
    partitions = ([(BY_STATUS, s.value) for s in sorted(OPEN)] if district == ALL_DISTRICTS
                  else [(OPEN_BY_DISTRICT, district_key(district))])
    return [{"IndexName": index, "ScanIndexForward": True, "Limit": 1,
             "KeyConditionExpression": "#p = :p", "ExpressionAttributeNames": {"#p": PARTITION[index]},
             "ExpressionAttributeValues": {":p": {"S": partition}}} for index, partition in partitions]
