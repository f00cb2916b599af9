"""Browser tests: the desk's pages served by `chalice local` on the local stack, driven by headless
Chromium (Debian's `chromium` and `chromium-driver`; `.ci/run` installs them). Where they are missing the
tests skip and say how to install them. Screenshots go to dist/test-output/browser/."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.app.test_chalice_local import api as served  # noqa: F401  (the app over real HTTP)

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "dist" / "test-output" / "browser"


@pytest.fixture(scope="session")
def _chromium_paths() -> tuple[str, str]:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    driver = shutil.which("chromedriver")
    if not chromium or not driver:
        pytest.skip("headless Chromium is not installed: `apt-get install chromium chromium-driver` (Debian)")
    return chromium, driver


@pytest.fixture
def browser(_chromium_paths):
    """open_browser(width, height) -> a Selenium WebDriver on headless Chromium at that window size."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    chromium, driver = _chromium_paths
    opened = []

    def open_browser(width: int = 1366, height: int = 768):
        options = webdriver.ChromeOptions()
        options.binary_location = chromium
        for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                    f"--window-size={width},{height}"):
            options.add_argument(arg)
        options.set_capability("goog:loggingPrefs", {"browser": "ALL"})  # console errors, for the tests to read
        page = webdriver.Chrome(service=Service(driver), options=options)
        opened.append(page)
        # Headless Chromium keeps windows at least 500 px wide: a phone's viewport is emulated instead.
        page.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
            "width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 500})
        return page

    yield open_browser
    for b in opened:
        b.quit()


@pytest.fixture
def screenshot(request):
    """screenshot(driver, name): saves dist/test-output/browser/<test>-<name>.png."""
    SHOTS.mkdir(parents=True, exist_ok=True)

    def take(driver, name: str) -> Path:
        path = SHOTS / f"{request.node.name}-{name}.png"
        driver.save_screenshot(str(path))
        return path

    return take
