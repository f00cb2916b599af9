"""The browser harness itself: headless Chromium reads what the desk serves, and a phone's viewport is 360 px."""


def test_headless_chromium_reads_the_desk_and_lays_out_a_page_at_a_phones_width(browser, served, screenshot):
    page = browser(360, 740)
    page.get(f"{served}/openapi.json")
    assert '"openapi"' in page.page_source
    page.get('data:text/html,<meta name="viewport" content="width=device-width"><p>desk</p>')
    assert page.execute_script("return document.documentElement.clientWidth") == 360
    assert screenshot(page, "phone").stat().st_size > 0
