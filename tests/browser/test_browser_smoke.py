"""The browser harness itself: headless Chromium opens a page the desk serves, at a phone's width."""


def test_headless_chromium_reads_the_desks_openapi_page_at_a_phones_width(browser, served, screenshot):
    page = browser(360, 740)
    page.get(f"{served}/openapi.json")
    assert '"openapi"' in page.page_source
    assert page.execute_script("return window.innerWidth") == 360
    assert screenshot(page, "openapi").stat().st_size > 0
