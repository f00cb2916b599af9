"""Alert links that have been used, in DynamoDB: the only place that knows their items' keys.

Items (pk, sk):
  LINK#<signature>, L   a used link: the action taken through it, when, and expires_at (the link's own
                        expiry, epoch seconds: the table's TTL removes the item once the link is dead anyway)
"""

from __future__ import annotations

from datetime import datetime, timezone

from ..services.ports import UsedLink
from .dynamo_table import Expression, Refused, Table, key


def _key(signature: str) -> dict:
    return key(f"LINK#{signature}", "L")


class DynamoUsedLinks:
    def __init__(self, table: Table):
        self.table = table

    def used(self, signature: str) -> UsedLink | None:
        item = self.table.get(_key(signature))
        if item is None:
            return None
        return UsedLink(action=item["action"]["S"], at=datetime.fromisoformat(item["at"]["S"]))

    def mark_used(self, signature: str, action: str, at: datetime, expires_at: datetime) -> bool:
        """Record the link's use; False when it had been used already (the first use stands)."""
        e = Expression()
        item = _key(signature) | {"action": {"S": action}, "at": {"S": at.astimezone(timezone.utc).isoformat()},
                                  "expires_at": {"N": str(int(expires_at.timestamp()))}}
        try:
            self.table.write([{"Put": {"TableName": self.table.name, "Item": item,
                                       "ConditionExpression": f"attribute_not_exists({e.name('pk')})", **e.params()}}])
        except Refused:
            return False
        return True
