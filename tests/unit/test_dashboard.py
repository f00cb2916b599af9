"""The dashboard's figures from fixed counters: the ranking, the last 30 days, the page, and the CSV export."""

import csv
import io
from datetime import date, datetime, timedelta, timezone

import pytest

from chalicelib.domain import ranking
from chalicelib.domain.districts import DISTRICTS
from chalicelib.domain.access import Principal
from chalicelib.domain.tally import Scope, iso_week
from chalicelib.errors import BadRequest
from chalicelib.services.dashboard import dashboard
from chalicelib.services.export import export
from chalicelib.services.ports import ListQuery
from chalicelib.web import dashboard as page
from tests.builders import HINDI, NOW, POLICIES, act, received
from tests.fakes import FakeClock, FakeDesk, FakeHandleRegistry

IST = POLICIES.sla.tz
ADMIN = Principal("admin", "admin")


def test_districts_rank_worst_first_by_the_column_asked_with_unmeasured_figures_last():
    counts = {
        162: {"open": 10, "breached_open": 4, "acknowledge:n": 8, "acknowledge:in_time": 6, "resolve:n": 4,
              "resolve:in_time": 1, "resolved_hours:4": 1, "resolved_hours:24": 2, "resolved_hours:72": 1},
        186: {"open": 3, "breached_open": 3},
        118: {"open": 20, "breached_open": 1, "acknowledge:n": 4, "acknowledge:in_time": 4},
    }
    oldest = {186: NOW - timedelta(days=9), 162: NOW - timedelta(days=2)}
    rows = ranking.district_rows(counts, oldest)
    assert len(rows) == 75 and {r.name_hi for r in rows} >= {"लखनऊ", "उन्नाव", "आगरा"}

    assert [r.key for r in ranking.ranked(rows)[:3]] == ["162", "186", "118"]  # overdue: 4, 3, 1
    by_share = ranking.ranked(rows, "overdue_share")
    assert by_share[0].key == "186" and by_share[0].overdue_share == 1.0
    assert [r.key for r in ranking.ranked(rows, "oldest_open")[:2]] == ["186", "162"]
    by_ack = ranking.ranked(rows, "acknowledged_in_time")
    assert [(r.key, r.acknowledged_in_time) for r in by_ack[:2]] == [("162", 75.0), ("118", 100.0)]
    assert by_ack[2].acknowledged_in_time is None  # never measured: after every measured district
    lucknow = next(r for r in rows if r.key == "162")
    assert (lucknow.resolved_in_time, lucknow.median_resolve_hours) == (25.0, 24)
    assert ranking.ranked(rows, "name")[0].name_en == "Agra"
    with pytest.raises(ValueError):
        ranking.ranked(rows, "nonsense")


def test_resolving_counts_the_district_histogram_and_the_days_in_the_week_items():
    desk = FakeDesk()
    new = received(1, district=186, department="water")
    desk.complaints.create(new)
    later = NOW + timedelta(hours=30)
    desk.complaints.save(act(new.after, "resolve", at=later, note="fixed"))
    week, next_week = (Scope.of_week(iso_week(t, IST), "water") for t in (NOW, later))  # a Sunday, then Monday
    counts = desk.stats.read([Scope.of_district(186), week, next_week])
    assert counts[Scope.of_district(186)]["resolved_hours:48"] == 1
    day, resolved_day = (t.astimezone(IST).date().isoformat() for t in (NOW, later))
    assert counts[week][f"received:{day}"] == 1 and counts[next_week][f"resolved:{resolved_day}"] == 1
    assert {s.kind for s in new.counts} == {"state", "district", "department", "week"}  # no item more to write


def _desk_with(n: int) -> FakeDesk:
    desk = FakeDesk()
    for i in range(n):
        change = received(100 + i, district=[162, 186, 118][i % 3], department=["police", "water"][i % 2],
                          text=HINDI if i % 2 else "=HYPERLINK(\"http://x\") chori", at=NOW - timedelta(days=i % 5))
        desk.complaints.create(change)
    return desk


def test_the_dashboard_shows_75_districts_the_30_days_and_the_health_line():
    desk = _desk_with(9)
    board = dashboard(desk, FakeHandleRegistry().load(), FakeClock(NOW + timedelta(hours=1)), IST)
    assert len(board.days) == 30 and board.days[-1].day == (NOW + timedelta(hours=1)).astimezone(IST).date()
    assert sum(d.received for d in board.days) == 9
    assert next(r for r in board.districts if r.key == "162").open == 3
    assert set(board.health["ingestion_age_seconds"]) == {"stream", "search", "timelines"}
    shown = board.as_status()
    assert {"complaints", "deadlines", "alerts", "replies", "ingestion", "handles"} <= shown.keys()
    assert len(shown["ranking"]["districts"]) == 75 and shown["coverage"]["error"]

    html = page.render(board, "name")
    assert html.count('<tr data-key="') == 75 + 11 and "उन्नाव" in html and "<svg" in html
    assert html.index('data-key="118"') < html.index('data-key="162"')  # by name: Agra before Lucknow
    assert 'href="/app/dashboard/complaints?district=162"' in html


def test_the_export_is_csv_with_a_bom_hindi_intact_formulas_defused_and_the_days_asked():
    desk = _desk_with(10)
    today = NOW.astimezone(IST).date()
    text, cursor = export(desk, ADMIN, ListQuery(district=186), today - timedelta(days=2), today, IST)
    assert text.startswith("\ufeff") and cursor is None
    rows = list(csv.DictReader(io.StringIO(text[1:])))
    days = {r["received_ist"][:10] for r in rows}
    assert rows and days <= {str(today - timedelta(days=k)) for k in range(3)}
    assert {r["district_name_hi"] for r in rows} == {"उन्नाव"} and [r["text"] for r in rows] == [HINDI, HINDI]
    older, _ = export(desk, ADMIN, ListQuery(district=186), today - timedelta(days=4), today, IST)
    assert '"\'=HYPERLINK(""http://x"") chori"' in older  # a spreadsheet shows it, never runs it

    whole, _ = export(desk, ADMIN, ListQuery(), today - timedelta(days=10), today, IST)
    parts, cursor = [], None
    while True:
        text, cursor = export(desk, ADMIN, ListQuery(cursor=cursor), today - timedelta(days=10), today, IST, rows=3)
        parts += list(csv.reader(io.StringIO(text[1:])))[1:]
        if cursor is None:
            break
    assert parts == list(csv.reader(io.StringIO(whole[1:])))[1:] and len(parts) == 10
    with pytest.raises(BadRequest):
        export(desk, ADMIN, ListQuery(), today, today - timedelta(days=1), IST)


def test_an_officer_exports_only_their_scope():
    desk = _desk_with(6)
    today = NOW.astimezone(IST).date()
    officer = Principal("officer-162", "officer", districts=frozenset({162}))
    text, _ = export(desk, officer, ListQuery(), today - timedelta(days=10), today, IST)
    assert {r["district"] for r in csv.DictReader(io.StringIO(text[1:]))} == {"162"}


def test_the_weekly_state_report_ranks_as_the_dashboard_does_and_goes_once():
    from chalicelib.services.state_report import state_report

    desk = _desk_with(9)
    extra = {Scope.of_district(186): {"open": 5, "breached_open": 5}}
    desk.stats.apply(extra)
    told = []
    monday = NOW + timedelta(days=1)  # NOW is a Sunday: the report is of its week
    run = state_report(desk, lambda subject, body: told.append((subject, body)), POLICIES, FakeClock(monday))
    assert run.sent == ["state"] and len(told) == 1
    subject, body = told[0]
    board = dashboard(desk, FakeHandleRegistry().load(), FakeClock(monday), IST)
    first = ranking.ranked(board.districts)[0]
    assert first.key == "186" and "  1  Unnao" in body and "Last week: 9 received" in body
    line = next(x for x in body.splitlines() if x.startswith("  1  Unnao"))
    assert line.split()[2:4] == [str(first.open), str(first.overdue)]
    assert state_report(desk, lambda *a: told.append(a), POLICIES, FakeClock(monday)).already_sent == 1
    assert len(told) == 1


def test_a_failed_state_report_is_given_back_for_the_retry():
    from chalicelib.services.state_report import state_report

    desk = _desk_with(1)

    def down(subject, body):
        raise RuntimeError("SNS is down")

    monday = NOW + timedelta(days=1)  # NOW is a Sunday: the report is of its week
    assert state_report(desk, down, POLICIES, FakeClock(monday)).failed == ["state"]
    told = []
    assert state_report(desk, lambda *a: told.append(a), POLICIES, FakeClock(monday)).sent == ["state"]
