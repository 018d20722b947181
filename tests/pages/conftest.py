"""Helpers for the page tests: a requests session that logs in through the HTML form."""

from __future__ import annotations

import re

import pytest
import requests

KIOSK = {"Authorization": "Bearer demo-kiosk-1-token-not-secret"}
CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')
CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]+)"')


class Browser:
    """A cookie-keeping HTTP client for one person, against one live server."""

    def __init__(self, url: str):
        self.url = url
        self.s = requests.Session()

    def get(self, path: str, **kw) -> requests.Response:
        return self.s.get(self.url + path, timeout=10, **kw)

    def post(self, path: str, **kw) -> requests.Response:
        return self.s.post(self.url + path, timeout=10, **kw)

    def csrf(self, path: str = "/counter") -> str:
        page = self.get(path).text
        m = CSRF_FIELD.search(page) or CSRF_META.search(page)
        assert m, f"no CSRF token on {path}"
        return m.group(1)

    def login(self, username: str, password: str = "matkhau-123", **extra: str) -> requests.Response:
        data = {"csrf_token": self.csrf(), "username": username, "password": password, **extra}
        return self.post("/counter/login", data=data, allow_redirects=False)


@pytest.fixture
def web(live_server):
    """Make a new :class:`Browser` (each has its own cookies)."""
    return lambda: Browser(live_server.url)


@pytest.fixture
def issue(live_server):
    """Issue a ticket in ``service_id`` as the kiosk; returns the API's JSON."""

    def make(service_id: str = "ho-tich") -> dict:
        r = requests.post(live_server.api("/tickets"), json={"service_id": service_id},
                          headers=KIOSK, timeout=10)
        assert r.status_code == 201, r.text
        return r.json()

    return make
