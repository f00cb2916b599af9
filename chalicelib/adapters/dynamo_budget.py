"""The X budget in the table, shared by every function: one small item per rate window.

    XBUDGET, <family>[#<user>]   limit, remaining, reset (epoch seconds): X's last word on that window

All windows share one partition, so /status reads them with one Query. Writes are conditional: a
window is replaced only by a newer one, by fewer calls left in the same one, or by X's refusal; and below the
reserve a call is one atomic decrement that fails once nothing is left (services/budget.py says when).
"""

from __future__ import annotations

from datetime import datetime, timezone

from ..services.budget import FRESH_FOR, RESERVE, Budget
from ..services.ports import XWindow
from .dynamo_table import Expression, Refused, Table, deserialize, key

PARTITION = "XBUDGET"


def _sort_key(family: str, user: str | None) -> str:
    return family if user is None else f"{family}#{user.lower()}"


def _window(item: dict | None) -> XWindow | None:
    if not item:
        return None
    family, _, user = item["sk"]["S"].partition("#")
    number = lambda name: int(deserialize(item[name])) if name in item else None  # noqa: E731
    reset = number("reset")
    return XWindow(family, user or None, number("limit"), number("remaining"),
                   datetime.fromtimestamp(reset, tz=timezone.utc) if reset is not None else None)


def _epoch(at: datetime) -> int:
    return int(at.timestamp())


class DynamoXBudget(Budget):
    def __init__(self, table: Table, reserve: int = RESERVE, fresh_for=FRESH_FOR):
        super().__init__(reserve, fresh_for)
        self.table = table

    def _read(self, family: str, user: str | None) -> XWindow | None:
        return _window(self.table.get(key(PARTITION, _sort_key(family, user))))

    def _record(self, window: XWindow) -> bool:
        e = Expression()
        reset, remaining = e.name("reset"), e.name("remaining")
        new_reset, new_remaining = e.value(_epoch(window.reset)), e.value(window.remaining)
        sets = [f"{reset} = {new_reset}", f"{remaining} = {new_remaining}"]
        if window.limit is not None:
            sets.append(f"{e.name('limit')} = {e.value(window.limit)}")
        condition = (f"attribute_not_exists({reset}) OR {reset} < {new_reset} OR "
                     f"({reset} = {new_reset} AND {remaining} > {new_remaining})")
        if window.remaining <= 0:  # X's refusal stands whatever the window stored said
            condition += f" OR {remaining} > {new_remaining}"
        try:
            self.table.update(Key=key(PARTITION, _sort_key(window.family, window.user)),
                              UpdateExpression="SET " + ", ".join(sets), ConditionExpression=condition, **e.params())
            return True
        except Refused:
            return False  # another function stored a newer window, or fewer calls left: theirs stands

    def _spend(self, window: XWindow) -> tuple[bool, XWindow | None]:
        e = Expression()
        remaining = e.name("remaining")
        condition = f"{remaining} > {e.value(0)} AND {e.name('reset')} = {e.value(_epoch(window.reset))}"
        try:
            answer = self.table.update(
                Key=key(PARTITION, _sort_key(window.family, window.user)),
                UpdateExpression=f"SET {remaining} = {remaining} - {e.value(1)}", ConditionExpression=condition,
                ReturnValues="ALL_NEW", ReturnValuesOnConditionCheckFailure="ALL_OLD", **e.params())
            return True, _window(answer.get("Attributes"))
        except Refused as refused:
            return False, _window(refused.current[0])

    def _all(self) -> list[XWindow]:
        e = Expression()
        request = {"KeyConditionExpression": f"{e.name('pk')} = {e.value(PARTITION)}", **e.params()}
        return [_window(item) for page in self.table.query(**request) for item in page.get("Items", [])]
