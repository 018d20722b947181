"""Every page in real Chromium under the content security policy: nothing it needs is blocked,
and the headers that stop framing and sniffing are there."""

from __future__ import annotations

import pytest

from tests.ui.conftest import log_in

pytestmark = [pytest.mark.slow, pytest.mark.live]  # the shared api talks to the live server
WATCH = """window.__csp = [];
document.addEventListener("securitypolicyviolation",
  e => window.__csp.push(e.violatedDirective + " " + e.blockedURI));"""


def test_no_page_breaks_the_content_security_policy(browser, live_server, api) -> None:
    ticket = api.issue("ho-tich")
    api.act_ok("quay-1", "call-next")
    track = ticket["track_url"].split("://", 1)[1].split("/", 1)[1]
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    context.add_init_script(WATCH)
    page = context.new_page()
    console: list[str] = []
    page.on("console", lambda m: console.append(m.text) if m.type == "error" else None)

    visited = {}
    for path, ready in [("/display", "body[data-live=online]"),
                        ("/display/counter/quay-1", "body[data-live=online]"),
                        (f"/{track}", "body"),
                        ("/counter", "#login-form")]:
        visited[path] = page.goto(live_server.url + path)
        page.wait_for_selector(ready, state="attached")
        page.wait_for_timeout(300)
        assert page.evaluate("window.__csp") == [], path
    log_in(page, live_server.url, "admin")
    for path, ready in [("/counter/quay-1", "body[data-live=online]"),
                        ("/admin", "body"), ("/admin/reports", "#chart-trend"),
                        ("/admin/reports/waiting", "#chart-hours"),
                        ("/admin/reports/print?report=satisfaction", "#print-button")]:
        visited[path] = page.goto(live_server.url + path)
        page.wait_for_selector(ready, state="attached")
        page.wait_for_timeout(300)
        assert page.evaluate("window.__csp") == [], path
    assert not [m for m in console if "Content Security Policy" in m], console

    for path, response in visited.items():
        headers = response.all_headers()
        assert "frame-ancestors 'none'" in headers["content-security-policy"], path
        assert headers["x-frame-options"] == "DENY" and headers["x-content-type-options"] == "nosniff"
        assert headers["referrer-policy"] == "same-origin"
