"""Counters and the report ledger: the only place that knows how a Scope or a Report is keyed.

Items (pk, sk):
  STAT#STATE, STAT                            the whole state
  STAT#D#<lgd or unknown>, STAT               a district (unknown: the state triage queue)
  STAT#P#<department>, STAT                   a department
  STAT#DAY#<yyyy-mm-dd>#D#<lgd or unknown>, STAT  an IST day of a district, for its digest
  STAT#WEEK#<yyyy>-W<ww>#P#<department>, STAT     an ISO week of a department, for its summary
  REPORT#<kind>#<period>#<target>, REPORT     a digest or summary being sent or sent (TTL expires_at)

Each counter item holds one number per counter name and stays small as the desk grows: a change
moves a handful of them with ADD, in the same write as the change.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from ..domain.districts import district_key
from ..domain.tally import Counts, Scope
from ..services.ports import REPORT_CLAIM_EXPIRES, Report
from .dynamo_table import Expression, Refused, Table, deserialize, key

COUNTERS = "STAT"
REPORT = "REPORT"
LEDGER_KEPT = timedelta(days=60)  # then the TTL deletes a report's ledger item


def iso(at: datetime) -> str:
    """UTC at a fixed width, so that text order is time order (a claim's age)."""
    return at.astimezone(timezone.utc).isoformat(timespec="microseconds")


def scope_key(scope: Scope) -> dict:
    if scope.kind == "state":
        pk = "STATE"
    elif scope.kind == "district":
        pk = f"D#{district_key(scope.district)}"
    elif scope.kind == "department":
        pk = f"P#{scope.department}"
    elif scope.kind == "day":
        pk = f"DAY#{scope.day.isoformat()}#D#{district_key(scope.district)}"
    elif scope.kind == "week":
        year, week = scope.week
        pk = f"WEEK#{year}-W{week:02d}#P#{scope.department}"
    else:
        raise ValueError(f"unknown scope {scope.kind!r}")
    return key(f"{COUNTERS}#{pk}", COUNTERS)


def counter_updates(table: str, counts: Counts) -> list[dict]:
    """One ADD per scope: the counter items a change moves, for the change's own write."""
    updates = []
    for scope, deltas in counts.items():
        e = Expression()
        adds = ", ".join(f"{e.name(name)} {e.value(n)}" for name, n in deltas.items() if n)
        if adds:
            updates.append({"Update": {"TableName": table, "Key": scope_key(scope), "UpdateExpression": f"ADD {adds}",
                                       **e.params()}})
    return updates


def _report_key(report: Report) -> dict:
    return key(f"{REPORT}#{report.kind}#{report.period}#{report.target}", REPORT)


class DynamoStatistics:
    def __init__(self, table: Table):
        self.table = table

    def read(self, scopes: list[Scope]) -> dict[Scope, dict[str, int]]:
        items = self.table.batch_get([scope_key(s) for s in scopes], consistent=True)
        counts = {}
        for scope, item in zip(scopes, items):
            found = {name: int(deserialize(v)) for name, v in (item or {}).items() if "N" in v}
            counts[scope] = {name: n for name, n in found.items() if n}
        return counts

    def claim_report(self, report: Report, claim: str, at: datetime) -> bool:
        """Free, already ours (an answer lost and retried), or held by a sender that crashed: ours now."""
        e = Expression()
        state, holder, held_at = e.name("state"), e.name("claim"), e.name("at")
        sending, mine = e.value("sending"), e.value(claim)
        try:
            self.table.update(
                Key=_report_key(report),
                UpdateExpression=f"SET {state} = {sending}, {holder} = {mine}, {held_at} = {e.value(iso(at))}, "
                f"{e.name('expires_at')} = {e.value(int((at + LEDGER_KEPT).timestamp()))}",
                ConditionExpression=f"attribute_not_exists({state}) OR ({state} = {sending} AND ({holder} = {mine} "
                f"OR {held_at} <= {e.value(iso(at - REPORT_CLAIM_EXPIRES))}))",
                **e.params(),
            )
        except Refused:
            return False
        return True

    def report_sent(self, report: Report, claim: str, at: datetime) -> None:
        e = Expression()
        self._if_held(report, claim, e, f"SET {e.name('state')} = {e.value('sent')}, {e.name('at')} = {e.value(iso(at))}")

    def release_report(self, report: Report, claim: str) -> None:
        """Give the report back after a failed send: the next run takes it."""
        e = Expression()
        self._if_held(report, claim, e, f"REMOVE {e.name('state')}, {e.name('claim')}, {e.name('at')}")

    def _if_held(self, report: Report, claim: str, e: Expression, update: str) -> None:
        try:
            self.table.update(
                Key=_report_key(report), UpdateExpression=update,
                ConditionExpression=f"{e.name('state')} = {e.value('sending')} AND {e.name('claim')} = {e.value(claim)}",
                **e.params(),
            )
        except Refused:
            pass  # taken over by another sender after ours went quiet: theirs to finish
