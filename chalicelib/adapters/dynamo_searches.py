"""The query groups' search cursors in DynamoDB: the only place that knows their items' keys.

Items (pk, sk):
  SEARCH, SEARCH#<group id>   one group's cursor: its handle keys, since_id, newest_at, read_to
  SEARCH, CAUGHT              posts search recorded that no other path had: `caught` (a count), `last_caught_at`

One partition: one Query reads every group's cursor (about ten for the whole state).
"""

from __future__ import annotations

from datetime import datetime

from ..services.ports import SearchCursor
from .dynamo_table import Expression, Table, key

PARTITION = "SEARCH"
CAUGHT = key(PARTITION, "CAUGHT")


def _key(group_id: str) -> dict:
    return key(PARTITION, f"SEARCH#{group_id}")


def _cursor(item: dict) -> SearchCursor:
    return SearchCursor(handles=tuple(item["handles"]["SS"]) if "handles" in item else (),
                        **{name: item[name]["S"] for name in ("since_id", "newest_at", "read_to") if name in item})


class DynamoSearchCursors:
    def __init__(self, table: Table):
        self.table = table

    def load(self) -> dict[str, SearchCursor]:
        e = Expression()
        condition = f"{e.name('pk')} = {e.value(PARTITION)} AND begins_with({e.name('sk')}, {e.value('SEARCH#')})"
        pages = self.table.query(KeyConditionExpression=condition, ConsistentRead=True, **e.params())
        return {item["sk"]["S"].removeprefix("SEARCH#"): _cursor(item) for page in pages for item in page.get("Items", [])}

    def save(self, group_id: str, cursor: SearchCursor) -> None:
        fields = {name: {"S": value} for name in ("since_id", "newest_at", "read_to")
                  if (value := getattr(cursor, name)) is not None}
        if cursor.handles:
            fields["handles"] = {"SS": sorted(cursor.handles)}
        self.table.write([{"Put": {"TableName": self.table.name, "Item": _key(group_id) | fields}}])

    def drop(self, group_ids: list[str]) -> None:
        for group_id in group_ids:
            self.table.delete(_key(group_id))

    def count_caught(self, count: int, at: datetime) -> None:
        e = Expression()
        self.table.update(Key=CAUGHT, UpdateExpression=f"ADD {e.name('caught')} {e.value(count)} "
                                                       f"SET {e.name('last_caught_at')} = {e.value(at.isoformat())}",
                          **e.params())

    def caught(self) -> tuple[int, str | None]:
        item = self.table.get(CAUGHT) or {}
        return int(item.get("caught", {}).get("N", 0)), item.get("last_caught_at", {}).get("S")
