"""The registry of watched handles in DynamoDB: the only place that knows its items' keys and names.

Items (pk, sk):
  REGISTRY, H#<username lower-case>   one watched handle (layout in `_item`)

Every entry sits in the one partition, so one Query reads the whole registry (a few hundred entries
are far under a page). The district and department are stored as `lgd` and `dept`: `district` and
`department` are key attributes of the complaint indexes, typed for complaints.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Callable

from ..domain.handles import Registry, WatchedHandle
from ..errors import HandleExists, NotFound
from .dynamo_table import Expression, Refused, Table, key

PARTITION = "REGISTRY"


def _key(username: str) -> dict:
    return key(PARTITION, f"H#{username.lstrip('@').lower()}")


def item(h: WatchedHandle) -> dict:
    """The entry as a DynamoDB item (the local stack seeds its registry with these)."""
    item = _key(h.key) | {"handle": {"S": h.handle}, "kind": {"S": h.kind}, "dept": {"S": h.department},
                          "enabled": {"BOOL": h.enabled}}
    optional = {"lgd": h.district and {"N": str(h.district)}, "user_id": h.user_id and {"S": h.user_id},
                "owner_contact": h.owner_contact and {"S": h.owner_contact},
                "start_at": h.start_at and {"S": h.start_at.isoformat()},
                "added_at": h.added_at and {"S": h.added_at.isoformat()}}
    return item | {name: value for name, value in optional.items() if value}


def _time(item: dict, name: str) -> datetime | None:
    return datetime.fromisoformat(item[name]["S"]) if name in item else None


def _handle(item: dict) -> WatchedHandle:
    return WatchedHandle(
        handle=item["handle"]["S"], kind=item["kind"]["S"], department=item["dept"]["S"],
        district=int(item["lgd"]["N"]) if "lgd" in item else None, user_id=item.get("user_id", {}).get("S"),
        enabled=item["enabled"]["BOOL"], start_at=_time(item, "start_at"),
        owner_contact=item.get("owner_contact", {}).get("S", ""), added_at=_time(item, "added_at"))


class DynamoHandleRegistry:
    def __init__(self, table: Table):
        self.table = table

    def load(self) -> Registry:
        e = Expression()
        pages = self.table.query(KeyConditionExpression=f"{e.name('pk')} = {e.value(PARTITION)}",
                                 ConsistentRead=True, **e.params())
        return Registry([_handle(item) for page in pages for item in page.get("Items", [])])

    def add(self, handle: WatchedHandle) -> None:
        put = {"TableName": self.table.name, "Item": item(handle), "ConditionExpression": "attribute_not_exists(pk)"}
        try:
            self.table.write([{"Put": put}])
        except Refused:
            raise HandleExists(f"@{handle.handle} is in the registry already") from None

    def _update(self, username: str, sets: dict, condition: Callable[[Expression], str] | None = None) -> None:
        """SET (or REMOVE, for None) the attributes of an existing entry. Raises Refused."""
        e = Expression()
        assigned = [f"{e.name(n)} = {e.value(v)}" for n, v in sets.items() if v is not None]
        removed = [e.name(n) for n, v in sets.items() if v is None]
        expression = " ".join(f"{verb} {', '.join(parts)}" for verb, parts in (("SET", assigned), ("REMOVE", removed))
                              if parts)
        exists = f"attribute_exists({e.name('pk')})"
        self.table.update(Key=_key(username), UpdateExpression=expression,
                          ConditionExpression=f"{exists} AND {condition(e)}" if condition else exists, **e.params())

    def change(self, handle: WatchedHandle) -> None:
        try:
            self._update(handle.key, {"kind": handle.kind, "dept": handle.department, "lgd": handle.district,
                                      "owner_contact": handle.owner_contact or None})
        except Refused:
            raise NotFound(f"@{handle.handle} is not in the registry") from None

    def set_enabled(self, handle: str, enabled: bool) -> None:
        try:
            self._update(handle, {"enabled": enabled})
        except Refused:
            raise NotFound(f"@{handle.lstrip('@')} is not in the registry") from None

    def record_user_id(self, handle: str, user_id: str) -> bool:
        def unset_or_same(e: Expression) -> str:
            name = e.name("user_id")
            return f"(attribute_not_exists({name}) OR {name} = {e.value(user_id)})"

        try:
            self._update(handle, {"user_id": user_id}, unset_or_same)
        except Refused:
            return False
        return True

    def rename(self, handle: WatchedHandle, username: str) -> bool:
        """The entry, as stored now (an admin may have changed it since the poll read it), moves to its
        new key in one transaction; only a change of case stays in place."""
        current = self.table.get(_key(handle.key))
        if current is None or current.get("user_id", {}).get("S") != handle.user_id:
            return False
        renamed = replace(_handle(current), handle=username)
        e = Expression()
        same = f"{e.name('user_id')} = {e.value(handle.user_id)}"
        try:
            if renamed.key == handle.key:
                self.table.update(Key=_key(handle.key), UpdateExpression=f"SET {e.name('handle')} = {e.value(username)}",
                                  ConditionExpression=same, **e.params())
            else:
                self.table.write([
                    {"Delete": {"TableName": self.table.name, "Key": _key(handle.key), "ConditionExpression": same,
                                **e.params()}},
                    {"Put": {"TableName": self.table.name, "Item": item(renamed),
                             "ConditionExpression": "attribute_not_exists(pk)"}},
                ])
        except Refused:
            return False
        return True
