"""What the desk remembers of each watched handle between polls, and when each ingestion path last
succeeded.

Items (pk, sk):
  H#<handle>, H     a handle's state: one attribute per HandleState field that is set
  PATHS, PATHS      one attribute per ingestion path: when it last succeeded (ISO time)
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime

from ..services.ports import HandleState
from .dynamo_table import Expression, Table, key

PATHS = key("PATHS", "PATHS")


def _handle_key(handle: str) -> dict:
    return key(f"H#{handle}", "H")


class DynamoWatchedHandles:
    def __init__(self, table: Table):
        self.table = table

    def states(self, handles: list[str]) -> dict[str, HandleState]:
        items = self.table.batch_get([_handle_key(h) for h in handles], consistent=True)
        fields = set(asdict(HandleState()))
        return {h: HandleState(**{k: v["S"] for k, v in (item or {}).items() if k in fields})
                for h, item in zip(handles, items)}

    def save(self, handle: str, state: HandleState) -> None:
        """The whole state in one put: the poll saves a handle only when something in it changed."""
        fields = {k: {"S": v} for k, v in asdict(state).items() if v is not None}
        self.table.write([{"Put": {"TableName": self.table.name, "Item": _handle_key(handle) | fields}}])

    def path_succeeded(self, path: str, at: datetime) -> None:
        e = Expression()
        self.table.update(Key=PATHS, UpdateExpression=f"SET {e.name(path)} = {e.value(at.isoformat())}", **e.params())

    def paths(self) -> dict[str, str]:
        item = self.table.get(PATHS) or {}
        return {name: value["S"] for name, value in item.items() if name not in ("pk", "sk")}
