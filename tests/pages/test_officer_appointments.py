"""The officer page's appointments over HTTP: shown for a counter whose fields take appointments,
and check-in by code with the page's session cookie and CSRF token."""

from __future__ import annotations

import pytest

from tests.clients import CSRF_META

pytestmark = pytest.mark.slow


@pytest.fixture(autouse=True)
def on_a_wednesday_morning(app_server, clock) -> None:
    app_server.app.extensions["motcua"].engine.clock = clock


def test_work_page_has_the_appointments_of_a_counter_that_takes_them(web) -> None:
    b = web()
    assert b.login("an").status_code == 302
    page = b.get("/counter/quay-1").text
    assert 'id="appointments"' in page and "Lịch hẹn hôm nay" in page
    assert "officer-appointments.js" in page and '"appointments": true' in page


def test_officer_checks_in_a_code_with_the_page_session(web, api) -> None:
    r = api.post("/appointments", json={"service_id": "ho-tich", "day": "2026-11-25",
                                        "slot": "09:30", "name": "Phạm Thị Mai",
                                        "phone": "0987654321"})
    code = r.json()["appointment"]["code"]
    b = web()
    b.login("an")
    token = CSRF_META.search(b.get("/counter/quay-1").text).group(1)
    listed = b.get("/api/v1/counters/quay-1/appointments").json()["appointments"]
    assert [(a["code"], a["name"], a["state"]) for a in listed] == [(code, "Phạm Thị Mai", "booked")]
    r = b.post("/api/v1/appointments/check-in", json={"code": code},
               headers={"X-CSRFToken": token})
    assert r.status_code == 201, r.text
    assert r.json()["ticket"]["booked"] is True
    assert b.post("/api/v1/appointments/check-in", json={"code": code}).status_code == 400  # CSRF
