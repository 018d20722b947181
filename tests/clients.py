"""HTTP clients for the tests, against a live server or one in this process (the same code):
:class:`Api`, the JSON API with bearer tokens; :class:`Browser`, a person's cookie session on
the pages, logging in through the form."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime

import requests

KIOSK = "demo-kiosk-1-token-not-secret"
RATING1 = "demo-rating-1-token-not-secret"  # buttons of quay-1 and quay-2
RATING2 = "demo-rating-2-token-not-secret"  # quay-3 .. quay-5
PASSWORD = "matkhau-123"
CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')
CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]+)"')


class Api:
    """A thin client: ``api.post("/tickets", json=..., as_="kiosk")``."""

    def __init__(self, server):
        self.server = server
        self.http = requests.Session()
        self.tokens: dict[str, str] = {"kiosk": KIOSK, "rating1": RATING1, "rating2": RATING2}

    def login(self, username: str, password: str = PASSWORD) -> str:
        r = self.http.post(self.server.api("/auth/login"),
                           json={"username": username, "password": password}, timeout=10)
        assert r.status_code == 200, r.text
        self.tokens[username] = r.json()["token"]
        return self.tokens[username]

    def _headers(self, as_: str | None) -> dict:
        return {"Authorization": f"Bearer {self.tokens[as_]}"} if as_ else {}

    def get(self, path: str, as_: str | None = None, **kw) -> requests.Response:
        return self.http.get(self.server.api(path), headers=self._headers(as_), timeout=10, **kw)

    def post(self, path: str, as_: str | None = None, **kw) -> requests.Response:
        return self.http.post(self.server.api(path), headers=self._headers(as_), timeout=10, **kw)

    def issue(self, service_id: str = "ho-tich", **body) -> dict:
        r = self.post("/tickets", as_="kiosk", json={"service_id": service_id, **body})
        assert r.status_code == 201, r.text
        return r.json()

    def act(self, counter: str, action: str, as_: str = "an", **body) -> requests.Response:
        return self.post(f"/counters/{counter}/{action}", as_=as_, json=body or None)

    def act_ok(self, counter: str, action: str, as_: str = "an", **body) -> dict:
        """:meth:`act`, which must succeed (200); its JSON."""
        r = self.act(counter, action, as_=as_, **body)
        assert r.status_code == 200, r.text
        return r.json()

    def rate(self, counter: str, level: str, as_: str = "rating1", rating_id: str | None = None,
             pressed_at: datetime | None = None) -> requests.Response:
        return self.post("/ratings", as_=as_, json={
            "rating_id": rating_id or str(uuid.uuid4()), "counter_id": counter, "level": level,
            "pressed_at": (pressed_at or datetime.now(UTC)).isoformat()})


class Browser:
    """A cookie-keeping HTTP client for one person, against one server."""

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

    def login(self, username: str, password: str = PASSWORD, **extra: str) -> requests.Response:
        data = {"csrf_token": self.csrf(), "username": username, "password": password, **extra}
        return self.post("/counter/login", data=data, allow_redirects=False)
