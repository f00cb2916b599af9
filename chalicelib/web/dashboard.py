"""The admins' dashboard as one server-rendered page: health, the ranking tables (sorted by links, no
script), a chart of the last 30 days and a grid of districts shaded by overdue share (SVG drawn here),
and the alert coverage. Times in IST, numbers in the Indian system."""

from __future__ import annotations

from datetime import datetime, timedelta
from html import escape
from urllib.parse import urlencode

from ..domain import ranking
from ..domain.departments import DEPARTMENTS, NAMES_HI
from ..domain.districts import DISTRICTS
from ..services.dashboard import PATHS, Dashboard
from .layout import IST, indian_number, ist, page

HEADINGS = (("name", "District / जिला"), ("open", "Open"), ("overdue", "Overdue"),
            ("oldest_open", "Oldest open"), ("acknowledged_in_time", "Acknowledged in time"),
            ("resolved_in_time", "Resolved in time"), ("median_resolve_hours", "Median time to resolve"))
STYLE = ("<style>.scroll{overflow-x:auto}.num{text-align:right;white-space:nowrap}"
         "svg{max-width:100%;height:auto}.health span{margin-right:1rem;white-space:nowrap}"
         "th a{text-decoration:none}th[aria-sort] a{text-decoration:underline}</style>")


def duration(seconds: float | None) -> str:
    """'4 min', '3 h 10 min', '2 d 5 h'; an em dash for never."""
    if seconds is None:
        return "—"
    minutes = int(seconds // 60)
    if minutes < 60:
        return f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    if hours < 48:
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    days, hours = divmod(hours, 24)
    return f"{indian_number(days)} d {hours} h"


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}%"


def _health(d: Dashboard) -> str:
    h = d.health
    parts = [f"{p.capitalize()}: " + ("connected" if p == "stream" and h["ingestion_age_seconds"][p] == 0
                                       else f"{duration(h['ingestion_age_seconds'][p])} ago"
                                       if h["ingestion_age_seconds"][p] is not None else "never")
             for p in PATHS]
    budget = ", ".join(f"{f} {v:.0f}%" for f, v in h["x_budget_used_percent"].items()) or "not known yet"
    parts += [f"X budget used: {budget}", f"Alerts failed: {indian_number(h['alerts_failed'])}",
              f"Alerts to nobody: {indian_number(h['alerts_unrouted'])}",
              f"Replies blocked: {indian_number(h['replies_blocked'])}"]
    if h["review_queue"] is not None:
        parts.append(f"Review queue: {indian_number(h['review_queue'])}")
    return '<p class="health" id="health">' + " ".join(f"<span>{escape(p)}</span>" for p in parts) + "</p>"


def _sort_link(column: str, label: str, param: str, current: str, keep: dict) -> str:
    href = "?" + urlencode({**keep, param: column})
    sort = ' aria-sort="descending"' if column == current else ""
    cls = "" if column == "name" else ' class="num"'
    return f'<th{cls}{sort}><a href="{escape(href)}" data-sort="{column}">{escape(label)}</a></th>'


def _table(rows: list[ranking.Row], kind: str, param: str, current: str, keep: dict, now: datetime) -> str:
    headings = [(c, "Department / विभाग" if kind == "department" and c == "name" else label)
                for c, label in HEADINGS]
    head = "<th class=\"num\">#</th>" + "".join(_sort_link(c, label, param, current, keep) for c, label in headings)
    body = []
    for n, r in enumerate(ranking.ranked(rows, current), 1):
        link = "/app/dashboard/complaints?" + urlencode({kind: r.key})
        oldest = (f'<span title="{escape(ist(r.oldest_open))}">{duration((now - r.oldest_open).total_seconds())}</span>'
                  if r.oldest_open else "—")
        median = f"≤ {duration(r.median_resolve_hours * 3600)}" if r.median_resolve_hours else "—"
        body.append(
            f'<tr data-key="{escape(r.key)}" data-overdue="{r.overdue}"><td class="num">{n}</td>'
            f'<td><a href="{escape(link)}">{escape(r.name_en)}</a> <span lang="hi">{escape(r.name_hi)}</span></td>'
            f'<td class="num">{indian_number(r.open)}</td><td class="num">{indian_number(r.overdue)}</td>'
            f'<td class="num">{oldest}</td><td class="num">{_percent(r.acknowledged_in_time)}</td>'
            f'<td class="num">{_percent(r.resolved_in_time)}</td><td class="num">{median}</td></tr>')
    return (f'<div class="scroll"><table id="{kind}s"><thead><tr>{head}</tr></thead>'
            f'<tbody>{"".join(body)}</tbody></table></div>')


def chart(days: list[ranking.Day]) -> str:
    """Received (bars) and resolved (line) per IST day, drawn on the server."""
    width, height, pad = 600, 160, 24
    top = max([1, *(d.received for d in days), *(d.resolved for d in days)])
    step = (width - 2 * pad) / max(len(days), 1)

    def y(n: int) -> float:
        return height - pad - (height - 2 * pad) * n / top

    bars = "".join(
        f'<rect x="{pad + i * step + 1:.1f}" y="{y(d.received):.1f}" width="{max(step - 2, 1):.1f}" '
        f'height="{height - pad - y(d.received):.1f}" fill="#7aa6e0"><title>{d.day:%d %b}: '
        f'{indian_number(d.received)} received, {indian_number(d.resolved)} resolved</title></rect>'
        for i, d in enumerate(days))
    line = " ".join(f"{pad + (i + 0.5) * step:.1f},{y(d.resolved):.1f}" for i, d in enumerate(days))
    first, last = (f"{days[i].day:%d %b}" for i in (0, -1)) if days else ("", "")
    return (f'<svg id="chart" role="img" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
            f'aria-label="Complaints received and resolved per day, last {len(days)} days">'
            f'<line x1="{pad}" y1="{height - pad}" x2="{width - pad}" y2="{height - pad}" stroke="#444"/>{bars}'
            f'<polyline points="{line}" fill="none" stroke="#0b3d91" stroke-width="2"/>'
            f'<text x="{pad}" y="14" font-size="12">{indian_number(top)}</text>'
            f'<text x="{pad}" y="{height - 6}" font-size="12">{first}</text>'
            f'<text x="{width - pad}" y="{height - 6}" font-size="12" text-anchor="end">{last}</text></svg>'
            '<p class="muted">Bars: received. Line: resolved. Days in IST.</p>')


def _shade(share: float) -> str:
    """White through to deep red as the overdue share of open complaints grows."""
    mix = min(max(share, 0.0), 1.0)
    g = round(245 - 200 * mix)
    return f"rgb({round(250 - 60 * mix)},{g},{g})"


def grid(rows: list[ranking.Row]) -> str:
    """The 75 districts in division order, 15 to a row, each shaded by its overdue share."""
    ordered = sorted(rows, key=lambda r: (DISTRICTS[int(r.key)].division, r.name_en))
    cell, cols = 40, 15
    cells = []
    for i, r in enumerate(ordered):
        x, y = (i % cols) * cell, (i // cols) * cell
        code = DISTRICTS[int(r.key)].code
        link = "/app/dashboard/complaints?" + urlencode({"district": r.key})
        cells.append(
            f'<a href="{escape(link)}"><rect x="{x + 1}" y="{y + 1}" width="{cell - 2}" height="{cell - 2}" '
            f'fill="{_shade(r.overdue_share)}" stroke="#999"><title>{escape(r.name_en)} ({escape(r.name_hi)}): '
            f'{indian_number(r.overdue)} of {indian_number(r.open)} open overdue</title></rect>'
            f'<text x="{x + cell / 2}" y="{y + cell / 2 + 4}" font-size="10" text-anchor="middle">{code}</text></a>')
    rows_n = -(-len(ordered) // cols)
    return (f'<svg id="grid" role="img" viewBox="0 0 {cols * cell} {rows_n * cell}" width="{cols * cell}" '
            f'height="{rows_n * cell}" aria-label="Districts shaded by the share of open complaints overdue">'
            f'{"".join(cells)}</svg><p class="muted">Darker: more of the open complaints are overdue. '
            'Grouped by division.</p>')


def _coverage(c: dict) -> str:
    if "error" in c:
        return f'<p id="coverage">Coverage unknown: {escape(c["error"])}</p>'
    parts = [f'<p id="coverage">{indian_number(c["confirmed"])} confirmed subscriptions '
             f'({indian_number(c["pending_confirmation"])} awaiting confirmation); '
             f'{indian_number(c["uncovered"])} of {indian_number(c["cells"])} district × department × level '
             'combinations reach nobody (their alerts go to the state desk as well).</p>']
    for level, districts in c["uncovered_by_level"].items():
        if not districts:
            continue
        lines = "".join(
            f'<tr data-level="{level}" data-district="{escape(d)}"><td>{escape(DISTRICTS[int(d)].name_en)} '
            f'<span lang="hi">{escape(DISTRICTS[int(d)].name_hi)}</span></td><td>'
            + ("every department" if len(deps) == len(DEPARTMENTS)
               else escape(", ".join(f"{p} ({NAMES_HI[p]})" for p in deps))) + "</td></tr>"
            for d, deps in sorted(districts.items(), key=lambda kv: DISTRICTS[int(kv[0])].name_en))
        parts.append(f'<details{" open" if level == "L1" else ""}><summary>{level}: {len(districts)} districts '
                     f'with gaps</summary><div class="scroll"><table class="gaps"><tbody>{lines}</tbody></table>'
                     '</div></details>')
    return "".join(parts)


def render(d: Dashboard, sort: str = ranking.DEFAULT_SORT, department_sort: str = ranking.DEFAULT_SORT) -> str:
    keep = {"sort": sort, "dsort": department_sort}
    today = d.now.astimezone(IST).date()
    export = "/app/complaints.csv?" + urlencode({"from": (today - timedelta(days=29)).isoformat(), "to": today.isoformat()})
    total = d.status["complaints"]
    body = (
        f'{STYLE}<header><strong>UP complaint desk · state dashboard</strong> '
        f'<span lang="hi">राज्य डैशबोर्ड</span></header><main>'
        f'<p class="muted">As of {escape(ist(d.now))}. Complaints recorded: {indian_number(total["total"])}, '
        f'urgent: {indian_number(total["urgent"])}. <a id="export" href="{escape(export)}">Download the last 30 days '
        f'(CSV)</a></p>{_health(d)}'
        f'<h2 id="by-district">Districts <span lang="hi">जिले</span></h2>'
        f'{_table(d.districts, "district", "sort", sort, keep, d.now)}'
        f'<h2 id="by-department">Departments <span lang="hi">विभाग</span></h2>'
        f'{_table(d.departments, "department", "dsort", department_sort, keep, d.now)}'
        f'<h2>Last 30 days</h2>{chart(d.days)}<h2>Overdue by district</h2>{grid(d.districts)}'
        f'<h2>Alert coverage</h2>{_coverage(d.coverage)}</main>')
    return page("State dashboard · UP complaint desk", body)
