"""Fixtures for the admin tests: browsers that log in through the form, against ``http_server``
(tests/conftest.py: the app in the test's process, with admin ``admin``, Trần Thị Bình, and
officer ``an``, quay-1 and quay-2); ``api`` there is the JSON API. The admin pages' browser tests
are in tests/ui/test_admin.py (one Playwright driver per process)."""

from __future__ import annotations

import pytest

from tests.clients import CSRF_META, Browser


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
def web(http_server):
    """Make a new, logged-out :class:`AdminBrowser`."""
    return lambda: AdminBrowser(http_server.url)


@pytest.fixture
def admin(web) -> AdminBrowser:
    b = web()
    r = b.login("admin")
    assert r.status_code == 302, r.text
    return b

