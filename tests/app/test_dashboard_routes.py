"""The dashboard, its complaint lists, /status's new keys and the CSV export through chalice.test.Client on
the local stack (complaints written through the store, as the recorder writes them)."""

import csv
import io
from datetime import timedelta

import pytest
from chalice.test import Client

from app import app
from chalicelib import runtime
from tests.builders import HINDI, received


@pytest.fixture
def client(stack):
    with Client(app, stage_name="local") as client:
        yield client


@pytest.fixture
def complaints(stack):
    store, now = runtime.storage(), runtime.utcnow()
    made = [received(7001, district=186, department="water", text=HINDI, at=now - timedelta(hours=2)),
            received(7002, district=162, department="police", at=now - timedelta(hours=1))]
    for change in made:
        assert store.complaints.create(change)
    return made


def bearer(token, *scope):
    return {"Authorization": f"Bearer {token(*scope)}"}


def session(token, *scope):
    """The pages' sign-in: the desk_session cookie holding a token."""
    return {"Cookie": f"desk_session={token(*scope)}"}


def test_the_dashboard_is_a_page_for_admins_with_every_district_and_the_coverage(client, token, complaints):
    answer = client.http.get("/app/dashboard?sort=open", headers=session(token, "admin"))
    assert answer.status_code == 200 and answer.headers["Content-Type"].startswith("text/html")
    assert "default-src 'self'" in answer.headers["Content-Security-Policy"]
    page = answer.body.decode()
    assert page.count('<tr data-key="') == 75 + 11 and "उन्नाव" in page and 'id="coverage"' in page
    assert page.index('data-key="186"') < page.index('data-key="118"')  # Unnao has one open, Agra none
    refused = client.http.get("/app/dashboard", headers=session(token, "officer", [162]))
    assert refused.status_code == 403 and "for admins" in refused.body.decode()
    bad = client.http.get("/app/dashboard?sort=nonsense", headers=session(token, "admin"))
    assert bad.status_code == 400


def test_status_keeps_its_keys_and_adds_the_ranking_health_and_coverage(client, token, complaints):
    shown = client.http.get("/status", headers=bearer(token, "admin")).json_body
    assert shown["complaints"]["total"] == 2 and "by_district" in shown["deadlines"]
    unnao = next(r for r in shown["ranking"]["districts"] if r["key"] == "186")
    assert unnao["open"] == 1 and unnao["name_hi"] == "उन्नाव"
    assert sum(d["received"] for d in shown["days"]) == 2 and len(shown["days"]) == 30
    assert set(shown["health"]["ingestion_age_seconds"]) == {"stream", "search", "timelines"}
    assert "186" in shown["coverage"]["uncovered_by_level"]["L1"]  # the demo has no officer in Unnao


def test_a_rows_link_lists_its_complaints(client, token, complaints):
    page = client.http.get("/app/dashboard/complaints?district=186", headers=session(token, "admin")).body.decode()
    assert complaints[0].after.ref in page and complaints[1].after.ref not in page and "उन्नाव" in page


def test_the_export_is_csv_with_hindi_for_the_days_asked(client, token, complaints):
    today = runtime.utcnow().astimezone(runtime.policies().sla.tz).date()
    answer = client.http.get(f"/complaints.csv?from={today - timedelta(days=1)}&to={today}",
                             headers=bearer(token, "admin"))
    assert answer.status_code == 200 and answer.headers["Content-Type"].startswith("text/csv")
    text = answer.body.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text[1:])))
    assert {r["ref"] for r in rows} == {c.after.ref for c in complaints}
    assert next(r for r in rows if r["district"] == "186")["text"] == HINDI
    officer = client.http.get(f"/complaints.csv?from={today}&to={today}&district=186", headers=bearer(token, "officer", [162]))
    assert officer.status_code == 200 and len(officer.body.decode().splitlines()) == 1  # the header alone
    for query in ("from=2026-13-01&to=2026-12-01", f"from={today}", f"from={today}&to={today - timedelta(days=1)}"):
        assert client.http.get(f"/complaints.csv?{query}", headers=bearer(token, "admin")).status_code == 400


def test_the_pages_sign_in_by_cookie_and_download_the_export_with_it(client, token, complaints):
    unsigned = client.http.get("/app/dashboard")
    assert unsigned.status_code == 303 and "sign-in" in unsigned.headers["Location"]
    assert client.http.get("/app/dashboard", headers=bearer(token, "admin")).status_code == 303  # pages read the cookie
    today = runtime.utcnow().astimezone(runtime.policies().sla.tz).date()
    answer = client.http.get(f"/app/complaints.csv?from={today - timedelta(days=1)}&to={today}",
                             headers=session(token, "admin"))
    assert answer.status_code == 200 and complaints[0].after.ref in answer.body.decode("utf-8")
