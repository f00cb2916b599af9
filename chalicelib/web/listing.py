"""A district's or a department's complaints as a page, newest first: where a dashboard row leads."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from html import escape
from urllib.parse import urlencode

from ..domain.departments import NAMES_HI
from ..domain.districts import DISTRICTS
from ..services.ports import ListQuery
from .layout import ist, page


def _title(query: ListQuery) -> str:
    parts = []
    if query.district is not None:
        d = DISTRICTS[query.district]
        parts.append(f"{d.name_en} ({d.name_hi})")
    if query.unknown_district:
        parts.append("state triage queue")
    if query.department:
        parts.append(f"{query.department} ({NAMES_HI[query.department]})")
    return ", ".join(parts) or "all districts"


def _filters(query: ListQuery) -> dict:
    shown = {"district": "unknown" if query.unknown_district else query.district, "department": query.department,
             "status": query.status, "urgent": None if query.urgent is None else str(query.urgent).lower()}
    return {k: v for k, v in shown.items() if v is not None}


def render(listed: dict, query: ListQuery, today: date) -> str:
    rows = "".join(
        f'<tr class="complaint"><td>{escape(c["ref"])}</td>'
        f'<td>{escape(ist(datetime.fromisoformat(c["created_at"])))}</td><td>{escape(c["status"])}</td>'
        f'<td>{escape(c["district_name"] or "unknown")}</td><td>{escape(c["department"])}</td>'
        f'<td>{"urgent" if c["urgent"] else ""}</td><td lang="hi">{escape(c["text"])}</td></tr>'
        for c in listed["complaints"])
    more = ""
    if listed["next_cursor"]:
        more = (f'<p><a id="next" href="?{escape(urlencode(_filters(query) | {"cursor": listed["next_cursor"]}))}">'
                "Older complaints</a></p>")
    title = _title(query)
    export = _filters(query) | {"from": (today - timedelta(days=29)).isoformat(), "to": today.isoformat()}
    body = (f'<header><a href="/app/dashboard">← Dashboard</a></header><main><h1>{escape(title)}</h1>'
            f'<p><a id="export" href="/app/complaints.csv?{escape(urlencode(export))}">Download the last 30 days '
            '(CSV)</a></p>'
            '<div style="overflow-x:auto"><table id="complaints"><thead><tr><th>Reference</th><th>Received</th>'
            f'<th>Status</th><th>District</th><th>Department</th><th></th><th>Text</th></tr></thead><tbody>{rows}'
            f'</tbody></table></div>{more or ""}</main>')
    return page(f"Complaints: {title}", body)
