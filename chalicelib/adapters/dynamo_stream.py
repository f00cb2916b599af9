"""The filtered stream's holder lease: one item, every write conditional, so of two holders one wins.

Item (pk, sk):
  STREAM#HOLDER, LEASE   holder, expires_at, ends_at, renewed_at, released_at, connected_since,
                         last_delivery_at (epoch seconds), last_handover_gap_s, disconnects
"""

from __future__ import annotations

from datetime import datetime, timezone
from decimal import Decimal

from ..services.ports import StreamLease
from .dynamo_table import Expression, Refused, Table, key

LEASE = key("STREAM#HOLDER", "LEASE")
TIMES = ("expires_at", "ends_at", "renewed_at", "released_at", "connected_since", "last_delivery_at")


def _epoch(at: datetime) -> Decimal:
    return Decimal(str(round(at.timestamp(), 3)))


def _lease(item: dict | None) -> StreamLease:
    item = item or {}

    def number(name):
        return float(item[name]["N"]) if name in item else None

    times = {n: datetime.fromtimestamp(number(n), timezone.utc) if n in item else None for n in TIMES}
    return StreamLease(holder=item.get("holder", {}).get("S"), last_handover_gap_s=number("last_handover_gap_s"),
                       disconnects=int(number("disconnects") or 0), **times)


class DynamoStreamLeases:
    def __init__(self, table: Table):
        self.table = table

    def read(self) -> StreamLease:
        return _lease(self.table.get(LEASE))

    def _update(self, e: Expression, expression: str, condition: str, **extra) -> dict | None:
        try:
            return self.table.update(Key=LEASE, UpdateExpression=expression, ConditionExpression=condition,
                                     **e.params(), **extra)
        except Refused:
            return None

    def take(self, holder: str, now: datetime, expires_at: datetime, ends_at: datetime) -> StreamLease | None:
        e = Expression()
        answer = self._update(
            e,
            f"SET {e.name('holder')} = {e.value(holder)}, {e.name('expires_at')} = {e.value(_epoch(expires_at))}, "
            f"{e.name('ends_at')} = {e.value(_epoch(ends_at))}, {e.name('renewed_at')} = {e.value(_epoch(now))} "
            f"REMOVE {e.name('connected_since')}",
            f"attribute_not_exists({e.name('holder')}) OR {e.name('expires_at')} <= {e.value(_epoch(now))}",
            ReturnValues="ALL_OLD",
        )
        return None if answer is None else _lease(answer.get("Attributes"))

    def renew(self, holder: str, now: datetime, expires_at: datetime, last_delivery_at: datetime | None,
              disconnects: int) -> bool:
        e = Expression()
        sets = [f"{e.name('expires_at')} = {e.value(_epoch(expires_at))}",
                f"{e.name('renewed_at')} = {e.value(_epoch(now))}"]
        if last_delivery_at:
            sets.append(f"{e.name('last_delivery_at')} = {e.value(_epoch(last_delivery_at))}")
        expression = "SET " + ", ".join(sets)
        if disconnects:
            expression += f" ADD {e.name('disconnects')} {e.value(disconnects)}"
        return self._update(e, expression, f"{e.name('holder')} = {e.value(holder)}") is not None

    def connected(self, holder: str, at: datetime, handover_gap_s: float | None) -> bool:
        e = Expression()
        expression = f"SET {e.name('connected_since')} = {e.value(_epoch(at))}"
        if handover_gap_s is not None:
            expression += f", {e.name('last_handover_gap_s')} = {e.value(Decimal(str(round(handover_gap_s, 3))))}"
        return self._update(e, expression, f"{e.name('holder')} = {e.value(holder)}") is not None

    def release(self, holder: str, at: datetime) -> None:
        e = Expression()
        self._update(e, f"SET {e.name('expires_at')} = {e.value(_epoch(at))}, "
                        f"{e.name('released_at')} = {e.value(_epoch(at))} REMOVE {e.name('connected_since')}",
                     f"{e.name('holder')} = {e.value(holder)}")
