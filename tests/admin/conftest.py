"""Fixtures for the admin tests: a live server with admin ``admin`` (Trần Thị Bình) and officer
``an`` (quay-1, quay-2), and HTTP clients that log in through the form. The admin pages' browser
tests are in tests/ui/test_admin.py (one Playwright driver per process)."""

from __future__ import annotations

import re

import pytest

from tests.pages.conftest import Browser
from tests.server.conftest import Api

CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]+)"')


class AdminBrowser(Browser):
    """A logged-in browser that sends admin forms with (or, to test, without) the CSRF token."""

    def token(self) -> str:
        m = CSRF_META.search(self.get("/admin").text)
        assert m, "no CSRF token on /admin"
        return m.group(1)

    def form(self, path: str, data: dict | None = None, *, csrf: bool = True, **kw):
        body = dict(data or {})
        if csrf:
            body["csrf_token"] = self.token()
        return self.post(path, data=body, allow_redirects=False, **kw)


@pytest.fixture
def web(live_server):
    """Make a new, logged-out :class:`AdminBrowser`."""
    return lambda: AdminBrowser(live_server.url)


@pytest.fixture
def admin(web) -> AdminBrowser:
    b = web()
    r = b.login("admin")
    assert r.status_code == 302, r.text
    return b


@pytest.fixture
def api(live_server) -> Api:
    """The JSON API as the kiosk, the rating stations, ``an`` and ``admin``."""
    a = Api(live_server)
    a.login("an")
    a.login("admin")
    return a
