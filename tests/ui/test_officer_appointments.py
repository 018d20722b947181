"""The officer page's appointments in Chromium: the day's bookings of the counter and check-in of
a code at the counter, which gives the citizen a ticket."""

from __future__ import annotations

import pytest

expect = pytest.importorskip(
    "playwright.sync_api", reason="browser tests need the 'playwright' package").expect

pytestmark = [pytest.mark.slow, pytest.mark.live]


def book_today(api, phone: str) -> dict:
    """A booking in today's next ho-tich slot (its check-in is open: from 30 minutes before)."""
    today = api.get("/appointments/slots", params={"service_id": "ho-tich", "days": "0"}).json()
    slots = [s for s in today["days"][0]["slots"] if s["free"]]
    if not slots:
        pytest.skip("no slot left today (just before midnight)")
    r = api.post("/appointments", json={"service_id": "ho-tich", "day": today["days"][0]["day"],
                                        "slot": slots[0]["start"], "name": "Phạm Thị Mai",
                                        "phone": phone})
    assert r.status_code == 201, r.text
    return r.json()["appointment"]


def test_the_days_appointments_and_check_in_at_the_counter(officer, api) -> None:
    first = book_today(api, "0987654321")
    second = book_today(api, "0987654322")
    page = officer("quay-1")
    rows = page.locator("#appt-list li.appt-row")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text("Phạm Thị Mai · 0987654321 · " + first["code"])
    expect(rows.first).to_contain_text("Đã đặt lịch")

    page.fill("#check-in-code", "123456")  # a wrong check digit
    page.press("#check-in-code", "Enter")
    expect(page.locator("#message")).to_have_text(
        "Mã lịch hẹn không đúng. Xin kiểm tra lại và nhập lại.")

    page.fill("#check-in-code", first["code"])
    page.press("#check-in-code", "Enter")
    expect(page.locator("#message")).to_contain_text(f"cho lịch hẹn {first['code']}.")
    expect(rows.first).to_contain_text("Đã nhận số 1")
    expect(page.locator("#waiting")).to_contain_text("Tư pháp - Hộ tịch: 1")

    page.locator(f"#appt-list li[data-code='{second['code']}'] button").click()
    expect(page.locator("#message")).to_contain_text(f"cho lịch hẹn {second['code']}.")
    expect(page.locator("#check-in-code")).to_have_value("")
