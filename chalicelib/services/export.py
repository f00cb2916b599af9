"""Complaints over a range of IST days as CSV, filtered and scoped like GET /complaints and masked as it
masks them. Read newest first from the listing's index, a few pages per answer: a month of a large
district comes in parts, each naming the cursor of the next (never a scan)."""

from __future__ import annotations

import csv
import io
from dataclasses import replace
from datetime import date, datetime, time, timedelta, timezone

from ..domain.access import Principal
from ..domain.districts import DISTRICTS
from ..domain.departments import NAMES_HI
from ..errors import BadRequest
from .complaints import list_complaints
from .ports import ListQuery, Storage

PAGE = 100  # complaints per listing page
ROWS = 2000  # complaints per answer at most (about a megabyte: well inside Lambda's 6 MB answer)
MAX_DAYS = 366
COLUMNS = ("ref", "received_ist", "status", "district", "district_name", "district_name_hi", "department",
           "department_hi", "urgent", "author", "tweet_url", "text")
# A spreadsheet runs a cell starting with one of these as a formula: a citizen's words must stay words.
FORMULA = ("=", "+", "-", "@", "\t", "\r")


def day_range(start: date, end: date, tz: timezone) -> tuple[datetime, datetime]:
    if end < start:
        raise BadRequest("query.to must not be before query.from")
    if (end - start).days >= MAX_DAYS:
        raise BadRequest(f"export at most {MAX_DAYS} days at a time")
    return datetime.combine(start, time(0), tz), datetime.combine(end + timedelta(days=1), time(0), tz)


def _cell(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA) else text


def _row(c: dict, tz: timezone) -> list[str]:
    district = DISTRICTS.get(c["district"]) if c["district"] is not None else None
    received = datetime.fromisoformat(c["created_at"]).astimezone(tz).strftime("%Y-%m-%d %H:%M")
    values = (c["ref"], received, c["status"], c["district"] or "unknown", district.name_en if district else "",
              district.name_hi if district else "", c["department"], NAMES_HI.get(c["department"], ""),
              "yes" if c["urgent"] else "no", c["author"], c["tweet_url"], c["text"])
    return [_cell(v) for v in values]


def export(store: Storage, principal: Principal, query: ListQuery, start: date, end: date,
           tz: timezone, rows: int = ROWS) -> tuple[str, str | None]:
    """(CSV text with a BOM and a header, the cursor of the next part or None when this is the last)."""
    since, until = day_range(start, end, tz)
    query = replace(query, limit=min(PAGE, rows), before=until)
    out = io.StringIO()
    out.write("\ufeff")  # Excel reads the file as UTF-8 only with it: Hindi stays Hindi
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    written = 0
    while True:
        listed = list_complaints(store, principal, query)
        for c in listed["complaints"]:
            if datetime.fromisoformat(c["created_at"]) < since:
                return out.getvalue(), None  # newest first: the rest are older still
            writer.writerow(_row(c, tz))
            written += 1
        cursor = listed["next_cursor"]
        if cursor is None or written >= rows:
            return out.getvalue(), cursor
        query = replace(query, cursor=cursor)
