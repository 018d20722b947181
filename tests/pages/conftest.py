"""Fixtures for the page tests: people's browsers (cookie sessions that log in through the
form) and the kiosk, against ``http_server`` (tests/conftest.py): the app in the test's process,
or a server process for a test marked ``live``."""

from __future__ import annotations

import pytest
import requests

from tests.clients import KIOSK, Browser


@pytest.fixture
def web(http_server):
    """Make a new :class:`Browser` (each has its own cookies)."""
    return lambda: Browser(http_server.url)


@pytest.fixture
def issue(http_server):
    """Issue a ticket in ``service_id`` as the kiosk; returns the API's JSON."""

    def make(service_id: str = "ho-tich") -> dict:
        r = requests.post(http_server.api("/tickets"), json={"service_id": service_id},
                          headers={"Authorization": f"Bearer {KIOSK}"}, timeout=10)
        assert r.status_code == 201, r.text
        return r.json()

    return make
