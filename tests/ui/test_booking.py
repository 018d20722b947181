"""The public booking page in Chromium, on a phone (390x844) and a desktop (1920x1080): choose a
field (the slots follow at once), book, see the code and its QR code, cancel; and the same
without JavaScript."""

from __future__ import annotations

import re

import pytest

expect = pytest.importorskip(
    "playwright.sync_api", reason="browser tests need the 'playwright' package").expect

pytestmark = [pytest.mark.slow, pytest.mark.live]

PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True,
         "has_touch": True}
DESKTOP = {"viewport": {"width": 1920, "height": 1080}}


def fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def book_first_free_slot(page, phone: str) -> str:
    """Pick the first free slot, fill in the form and book; the slot booked."""
    slot = page.locator("#book input[name=slot]:not([disabled])").first
    start = slot.get_attribute("value")
    slot.check()
    page.fill("#name", "Phạm Thị Mai")
    page.fill("#phone", phone)
    page.click("#submit")
    return start


@pytest.mark.parametrize("device", [PHONE, DESKTOP], ids=["390x844", "1920x1080"])
def test_book_and_cancel(browser, live_server, artifacts, device) -> None:
    page = browser.new_context(**device).new_page()
    page.goto(live_server.url + "/dat-lich")
    expect(page.locator("h1")).to_have_text("Đặt lịch hẹn")
    expect(page.locator("#show-slots")).to_be_hidden()  # the script submits the choice itself
    page.select_option("#field", "ho-tich")
    page.wait_for_selector("#book")
    expect(page.locator("#day")).to_have_value(re.compile(r"\d{4}-\d{2}-\d{2}"))
    assert fits(page), "the page scrolls sideways"
    width = "390x844" if device is PHONE else "1920x1080"
    page.screenshot(path=str(artifacts / f"booking-{width}.png"), full_page=True)

    phone = "0987654321" if device is PHONE else "0987654322"
    start = book_first_free_slot(page, phone)
    expect(page.locator("#notice")).to_contain_text("Đã đặt lịch hẹn.")
    expect(page.locator("#code")).to_have_text(re.compile(r"^\d{6}$"))
    expect(page.locator("#slot")).to_contain_text(start)
    assert page.locator("#qr").evaluate("img => img.complete && img.naturalWidth > 100")
    assert fits(page), "the page scrolls sideways"
    page.screenshot(path=str(artifacts / f"booking-done-{width}.png"), full_page=True)

    page.once("dialog", lambda d: d.dismiss())  # asked first; "no" keeps the booking
    page.click("#cancel button")
    expect(page.locator("#state")).to_have_text("Đã đặt lịch")
    page.once("dialog", lambda d: d.accept())
    page.click("#cancel button")
    expect(page.locator("#notice")).to_have_text("Đã hủy lịch hẹn.")
    expect(page.locator("#state")).to_have_text("Đã hủy")


def test_booking_without_javascript_and_a_bad_phone_number(browser, live_server) -> None:
    page = browser.new_context(**PHONE, java_script_enabled=False).new_page()
    page.goto(live_server.url + "/dat-lich?lang=en")
    expect(page.locator("h1")).to_have_text("Book an appointment")
    page.goto(live_server.url + "/dat-lich?lang=vi")
    page.select_option("#field", "chung-thuc")
    page.click("#show-slots")  # no script: the form's button shows the slots
    page.wait_for_selector("#book")
    book_first_free_slot(page, "12345")
    expect(page.locator("#error")).to_have_text(
        "Số điện thoại không hợp lệ: cần 10 chữ số, bắt đầu bằng số 0.")
    expect(page.locator("#name")).to_have_value("Phạm Thị Mai")
    book_first_free_slot(page, "0912 345 678")
    expect(page.locator("#code")).to_have_text(re.compile(r"^\d{6}$"))
