"""Browser tests: headless Chromium (the system's /usr/bin/chromium) driven by Playwright.

They skip, saying why, when Chromium or the ``playwright`` package is missing. Never run
``playwright install``: the tests use the Chromium that install.sh puts on the machine.
The JSON API comes from the shared ``api`` fixture (tests/conftest.py); every module here is
marked ``live``, so it talks to the same server process as the browser.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.clients import PASSWORD

CHROMIUM = Path(os.environ.get("MOTCUA_CHROMIUM", "/usr/bin/chromium"))
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
BASE_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]


@pytest.fixture(scope="session")
def playwright_driver() -> Iterator[object]:
    if not CHROMIUM.exists():
        pytest.skip(f"browser tests need Chromium at {CHROMIUM} (install.sh dev installs it)")
    sync_api = pytest.importorskip("playwright.sync_api",
                                   reason="browser tests need the 'playwright' Python package")
    with sync_api.sync_playwright() as p:
        yield p


@pytest.fixture
def launch(playwright_driver) -> Iterator[Callable[..., object]]:
    """Start Chromium with an autoplay policy; closed after the test."""
    browsers = []

    def start(autoplay: str = "no-user-gesture-required"):
        b = playwright_driver.chromium.launch(
            executable_path=str(CHROMIUM), args=[*BASE_ARGS, f"--autoplay-policy={autoplay}"])
        browsers.append(b)
        return b

    yield start
    for b in browsers:
        b.close()


@pytest.fixture
def browser(launch):
    return launch()


@pytest.fixture
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture
def hall(browser, live_server):
    """The hall screen at 1920x1080, connected to the live events."""
    page = browser.new_context(viewport={"width": 1920, "height": 1080}).new_page()
    page.goto(live_server.url + "/display")
    page.wait_for_selector("body[data-live=online]")
    return page


def wait_for_js(page, expression: str, timeout_s: float = 30.0) -> None:
    """Wait until ``expression`` is true in the page. Playwright's ``wait_for_function`` builds
    its predicate with ``eval``, which the pages' content security policy forbids (every
    browser test runs under the real policy); ``page.evaluate`` does not."""
    deadline = time.monotonic() + timeout_s
    while not page.evaluate(f"() => Boolean({expression})"):
        assert time.monotonic() < deadline, f"timed out waiting for {expression}"
        page.wait_for_timeout(50)


def log_in(page, base_url: str, username: str = "an") -> None:
    """Log in through the form (mouse-free is tested separately)."""
    page.goto(base_url + "/counter")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("#login-form button[type=submit]")
    page.wait_for_url(base_url + "/counter")


@pytest.fixture
def officer(browser, live_server):
    """Open the officer work screen of a counter as ``an`` (or another user)."""

    def open_counter(counter_id: str = "quay-1", username: str = "an", viewport=None):
        page = browser.new_context(viewport=viewport or {"width": 1366, "height": 768}).new_page()
        log_in(page, live_server.url, username)
        page.goto(f"{live_server.url}/counter/{counter_id}")
        wait_for_js(page, "window.__officer && window.__officer.view !== null")
        page.wait_for_selector("body[data-live=online]")
        return page

    return open_counter
