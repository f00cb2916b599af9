"""The admins' dashboard in headless Chromium: 75 districts by name at a desktop's and a phone's size,
sorted by overdue, a row followed to its complaints, the CSV downloaded and read back with its Hindi,
the coverage naming a district nobody receives level-1 alerts for, an officer refused; no console errors.
The browser holds the pages' session cookie with a desk token (the officers' page tests sign in through
the sign-in page)."""

import time
from datetime import timedelta

import pytest
from selenium.webdriver.common.by import By

from chalicelib import runtime
from chalicelib.adapters.dynamo_stats import counter_updates
from chalicelib.adapters.dynamo_table import Table
from chalicelib.domain.tally import Scope
from tests.builders import HINDI, received

# Open and overdue complaints per district, written into the counters as the desk's writes leave them.
COUNTED = {186: (5, 4), 118: (9, 1), 162: (3, 2)}  # Unnao, Agra, Lucknow


@pytest.fixture
def desk(stack):
    store, now = runtime.storage(), runtime.utcnow()
    unnao = received(8001, district=186, department="water", text=HINDI, at=now - timedelta(hours=3))
    assert store.complaints.create(unnao)
    # The one complaint counted itself (1 open in Unnao): the rest of each district's figures are added.
    extra = {Scope.of_district(d): {"open": n - (d == 186), "breached_open": late} for d, (n, late) in COUNTED.items()}
    table = Table(runtime.config().table_name)
    table.write(counter_updates(table.name, extra))
    return unnao


def signed_in(browser, served, token, width, height, role="admin", *scope):
    """A browser holding the pages' session cookie with a desk token (an admin's Cognito sign-in needs an
    authenticator code: the officers' page tests go through the sign-in page)."""
    page = browser(width, height)
    page.get(f"{served}/app/sign-in")
    page.add_cookie({"name": "desk_session", "value": token(role, *scope), "path": "/"})
    return page


def district_rows(page):
    return page.find_elements(By.CSS_SELECTOR, "#districts tbody tr")


def console_errors(page):
    return [e for e in page.get_log("browser") if e["level"] == "SEVERE"]


def test_an_admin_ranks_the_districts_follows_one_and_downloads_its_csv(browser, served, token, desk, screenshot,
                                                                         tmp_path):
    page = signed_in(browser, served, token, 1366, 768)
    page.get(f"{served}/app/dashboard?sort=name")
    rows = district_rows(page)
    assert len(rows) == 75 and rows[0].text.startswith("1 Agra आगरा")
    assert "उन्नाव" in page.find_element(By.ID, "districts").text

    page.find_element(By.CSS_SELECTOR, '#districts th a[data-sort="overdue"]').click()
    overdue = [int(r.get_attribute("data-overdue")) for r in district_rows(page)]
    assert overdue == sorted(overdue, reverse=True) and overdue[:3] == [4, 2, 1]
    assert district_rows(page)[0].get_attribute("data-key") == "186"
    screenshot(page, "desktop")

    uncovered = page.find_elements(By.CSS_SELECTOR, '#coverage ~ details tr[data-level="L1"]')
    districts = {r.get_attribute("data-district") for r in uncovered}
    assert "186" in districts and "144" not in districts  # Unnao has no level-1 officer; Noida's covers all

    district_rows(page)[0].find_element(By.CSS_SELECTOR, "td a").click()
    assert desk.after.ref in page.find_element(By.ID, "complaints").text
    assert HINDI in page.find_element(By.ID, "complaints").text

    page.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(tmp_path)})
    page.find_element(By.ID, "export").click()
    deadline = time.monotonic() + 20
    while not list(tmp_path.glob("*.csv")) and time.monotonic() < deadline:
        time.sleep(0.2)
    [downloaded] = list(tmp_path.glob("*.csv"))
    text = downloaded.read_bytes().decode("utf-8")
    assert text.startswith("\ufeff") and desk.after.ref in text and HINDI in text
    assert console_errors(page) == []


def test_the_dashboard_fits_a_phone_and_an_officer_is_refused(browser, served, token, desk, screenshot):
    phone = signed_in(browser, served, token, 360, 740)
    phone.get(f"{served}/app/dashboard")
    assert len(district_rows(phone)) == 75
    assert phone.execute_script("return document.documentElement.scrollWidth") <= 360  # tables scroll in place
    screenshot(phone, "phone")
    assert console_errors(phone) == []

    officer = signed_in(browser, served, token, 1366, 768, "officer", [186])
    officer.get(f"{served}/app/dashboard")
    assert "for admins" in officer.find_element(By.TAG_NAME, "body").text
    assert not district_rows(officer)
