"""An officer's morning on a phone (360 x 740): sign in, the queue, an alert's link, acknowledge and resolve
through it, and a complaint of another district refused. Screenshots in dist/test-output/browser/."""

import re

import pytest
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.wait import WebDriverWait

from chalicelib import runtime
from chalicelib.domain.access import Principal
from chalicelib.domain.pii import mask
from chalicelib.services.ports import ListQuery
from devtools.stack import LOCAL_PASSWORD

ADMIN = Principal("test-admin", "admin")


@pytest.fixture
def morning(served, stack):
    """The seed mentions polled: complaints recorded, alerts sent to the officers' queues."""
    runtime.run_poll()
    return served


def phone(browser):
    page = browser(360, 740)
    page.implicitly_wait(2)
    return page


def click(page, button) -> None:
    """Press a form's button and wait for the answer's page."""
    old = page.find_element(By.TAG_NAME, "html")
    button.click()
    WebDriverWait(page, 10).until(lambda _: _gone(old))


def _gone(element) -> bool:
    # Chromium says a replaced page's node is stale, or, caught mid-navigation, that it "does not belong to
    # the document": both mean the answer's page has replaced it.
    try:
        element.is_enabled()
        return False
    except WebDriverException:  # StaleElementReferenceException is one
        return True


def fits_the_screen(page) -> bool:
    return page.execute_script("return document.documentElement.scrollWidth") <= 360


def sign_in(page, base, email="lucknow.police@example.in", password=LOCAL_PASSWORD):
    page.get(f"{base}/app/queue")
    assert "/app/sign-in" in page.current_url  # not signed in: sent to sign in, and back after
    page.find_element(By.ID, "email").send_keys(email)
    page.find_element(By.ID, "password").send_keys(password)
    click(page, page.find_element(By.CSS_SELECTOR, "main button[type=submit]"))


def no_console_errors(page):
    # The browser asks for /favicon.ico on its own; the desk has none (the pages' CSP refuses data: icons).
    assert [m for m in page.get_log("browser") if m["level"] == "SEVERE" and "favicon.ico" not in m["message"]] == []


def test_an_officer_signs_in_and_sees_their_queue_overdue_first(browser, morning, screenshot):
    page = phone(browser)
    sign_in(page, morning)
    assert page.current_url.endswith("/app/queue")
    assert "My queue" in page.find_element(By.TAG_NAME, "h1").text
    refs = [a.text for a in page.find_elements(By.CSS_SELECTOR, "li.card a")]
    mine = [c.ref for c in runtime.storage().complaints.list(ListQuery(district=162, department="police", limit=100))[0]
            if c.status.is_open]
    assert refs and sorted(refs) == sorted(mine)  # exactly the open complaints of Lucknow police
    assert "Deadline" in page.page_source and "IST" in page.page_source
    cookie = page.get_cookie("desk_session")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Lax"
    assert fits_the_screen(page)
    screenshot(page, "queue")
    no_console_errors(page)


def test_a_wrong_password_is_refused_on_the_form(browser, morning, screenshot):
    page = phone(browser)
    sign_in(page, morning, password="not-the-password")
    assert "Incorrect email or password" in page.find_element(By.CSS_SELECTOR, "[role=alert]").text
    assert page.get_cookie("desk_session") is None
    screenshot(page, "refused")


def alert_link(stack, base: str) -> tuple[str, str]:
    """The link in the first alert Lucknow police received, on the served address; and its complaint."""
    [first, *_] = stack.received("lucknow-police")
    link = re.search(r"https?://\S+/app/a/(\S+)", first["message"])
    assert link, first["message"]
    return f"{base}/app/a/{link.group(1)}", link.group(1).split(".")[0]


def test_an_alerts_link_acknowledges_and_resolves_then_is_used(browser, morning, stack, screenshot):
    link, ref = alert_link(stack, morning)
    page = phone(browser)
    before = runtime.storage().complaints.get(ref)
    page.get(link)
    WebDriverWait(page, 20).until(lambda p: ref in p.page_source)  # chalice local answers slowly under load
    assert "Acknowledge" in page.page_source
    assert runtime.storage().complaints.get(ref).version == before.version  # opening changes nothing
    # Masked, as in the alert: whoever holds the mail (forwarded, shared) sees no phone number or email.
    assert page.find_element(By.ID, "words").text.strip() == mask(before.masked_text).strip()
    assert fits_the_screen(page)
    screenshot(page, "link-opened")

    click(page, page.find_element(By.XPATH, "//button[contains(., 'Acknowledge')]"))
    assert "Acknowledged" in page.find_element(By.CSS_SELECTOR, "[role=status]").text
    assert runtime.storage().complaints.get(ref).status.value == "acknowledged"
    screenshot(page, "link-acknowledged")

    page.find_element(By.ID, "resolve-note").send_keys("Patrol sent; music stopped at 23:40.")
    click(page, page.find_element(By.XPATH, "//button[contains(., 'Resolve')]"))
    assert "This link is now used" in page.page_source
    resolved = runtime.storage().complaints.get(ref)
    assert resolved.status.value == "resolved" and resolved.history[-1].details["note"].startswith("Patrol sent")
    assert resolved.history[-1].by == "alert-link:162/police"
    screenshot(page, "link-resolved")
    no_console_errors(page)

    page.get(link)  # replayed after use
    assert "has been used" in page.find_element(By.CSS_SELECTOR, "[role=alert]").text
    assert page.find_elements(By.CSS_SELECTOR, "a[href$='sign-in']")
    screenshot(page, "link-used")


def test_a_complaint_outside_the_officers_district_is_refused(browser, morning, screenshot):
    others = [c for c in runtime.storage().complaints.list(ListQuery(limit=100))[0]
              if not Principal("x", "officer", frozenset({162}), frozenset({"police"})).can_see(c.district, c.department)]
    assert others, "the seed has complaints of other districts"
    page = phone(browser)
    sign_in(page, morning)
    page.get(f"{morning}/app/complaints/{others[0].ref}")
    assert "outside your district or department" in page.find_element(By.CSS_SELECTOR, "[role=alert]").text
    assert others[0].text not in page.page_source
    screenshot(page, "out-of-scope")


def test_the_signed_in_officer_sees_the_citizens_contact_and_acts_from_the_page(browser, morning, screenshot):
    page = phone(browser)
    sign_in(page, morning)
    click(page, page.find_element(By.CSS_SELECTOR, "li.card a"))
    ref = page.current_url.rsplit("/", 1)[1]
    complaint = runtime.storage().complaints.get(ref)
    assert complaint.text.split()[1] in page.find_element(By.ID, "words").text  # the words as written, unmasked
    click(page, page.find_element(By.XPATH, "//button[contains(., 'In progress')]"))
    assert "Marked in progress" in page.find_element(By.CSS_SELECTOR, "[role=status]").text
    assert runtime.storage().complaints.get(ref).status.value == "in_progress"
    assert fits_the_screen(page)
    screenshot(page, "complaint")
    click(page, page.find_element(By.XPATH, "//button[contains(., 'Sign out')]"))
    assert "/app/sign-in" in page.current_url and page.get_cookie("desk_session") is None
