"""Officers' corrections of triage, kept as labelled examples: the only place that knows their items.

Items (pk, sk):
  CORRECTION, <UTC ISO time>#<ref>    one example: masked text, district, department, outcome, urgent, kind

Written in the same write as the complaint's change (DynamoComplaints.save adds `put`), so an
example is kept exactly when its correction is. Officers make a few thousand a day at most: one
partition holds them in time order, read back with a paged Query (never a Scan).
"""

from __future__ import annotations

from datetime import datetime
from typing import Iterator

from ..domain.corrections import Correction
from .dynamo_stats import iso
from .dynamo_table import Expression, Table, deserialize, key, serialize

PARTITION = "CORRECTION"
PAGE = 500  # examples read per Query: well under DynamoDB's 1 MB a page


def put(table: str, c: Correction) -> dict:
    """The Put keeping an example, for the change's own write."""
    plain = {"ref": c.ref, "text": c.text, "district": c.district, "department": c.department,
             "outcome": c.outcome, "urgent": c.urgent, "kind": c.kind}
    item = key(PARTITION, f"{iso(c.at)}#{c.ref}") | {k: serialize(v) for k, v in plain.items()}
    return {"Put": {"TableName": table, "Item": item}}


def _correction(item: dict) -> Correction:
    raw = {k: deserialize(v) for k, v in item.items()}
    return Correction(ref=raw["ref"], text=raw["text"], district=None if raw["district"] is None else int(raw["district"]),
                      department=raw["department"], outcome=raw["outcome"], urgent=raw["urgent"], kind=raw["kind"],
                      at=datetime.fromisoformat(raw["sk"].split("#", 1)[0]))


class DynamoCorrections:
    def __init__(self, table: Table, page: int = PAGE):
        self.table, self.page = table, page

    def read(self, since: datetime | None = None) -> Iterator[Correction]:
        e = Expression()
        condition = f"{e.name('pk')} = {e.value(PARTITION)}"
        if since is not None:
            condition += f" AND {e.name('sk')} >= {e.value(iso(since))}"
        for answer in self.table.query(KeyConditionExpression=condition, Limit=self.page, **e.params()):
            yield from (_correction(item) for item in answer.get("Items", []))
