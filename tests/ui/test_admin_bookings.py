"""The appointments and remote-tickets admin page in headless Chromium at 1920x1080: a wrong
value is said by its input in Vietnamese, a right one is saved to the admin's settings file in the
data directory (the config file is never written), marked with the config file's value, and a
section goes back to it. Screenshots go to test-artifacts/admin-bookings-*."""

from __future__ import annotations

import pytest

from config import load_config
from tests.ui.test_admin import admin_page

expect = pytest.importorskip(
    "playwright.sync_api", reason="browser tests need the 'playwright' package").expect

pytestmark = [pytest.mark.slow, pytest.mark.live]

FULL_HD = {"width": 1920, "height": 1080}


def test_admin_sets_slots_and_limits_in_chromium(browser, live_server, artifacts) -> None:
    before = live_server.config_path.read_bytes()
    page, console = admin_page(browser, live_server.url, "/admin/appointments", viewport=FULL_HD)
    expect(page.locator("h1")).to_have_text("Lịch hẹn và lấy số từ xa")
    expect(page.locator("#keeps-bookings")).to_contain_text("Lịch đã đặt không bao giờ mất")
    expect(page.locator(".admin-nav a[aria-current=page]")).to_have_text("Lịch hẹn, lấy số từ xa")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.screenshot(path=str(artifacts / "admin-bookings-1920.png"), full_page=True)

    page.fill("#f-ho-tich-capacity", "0")
    page.fill("#f-chung-thuc-hours-mon", "07:30-11:00, 16:30-13:30")
    page.click("#save-bookings")
    expect(page.locator("#err-f-ho-tich-capacity")).to_have_text("Phải từ 1 trở lên.")
    expect(page.locator("#err-f-chung-thuc-hours-mon")).to_contain_text("Giờ không hợp lệ.")
    expect(page.locator("#f-ho-tich-capacity")).to_have_attribute("aria-invalid", "true")
    page.screenshot(path=str(artifacts / "admin-bookings-errors.png"), full_page=True)
    assert [e for e in console.errors if "status of 400" not in e] == []  # the form's answer
    console.errors.clear()

    page.fill("#f-ho-tich-capacity", "2")
    page.fill("#f-chung-thuc-hours-mon", "07:30-11:00, 13:30-16:00")
    page.check("#f-dat-dai-on")
    page.fill("#f-dat-dai-days_ahead", "10")
    page.fill("#grace_minutes", "20")
    page.uncheck("#remote_enabled")
    page.click("#save-bookings")
    expect(page.locator(".flash.ok")).to_contain_text("có hiệu lực sau khi khởi động lại")
    expect(page.locator("#pending")).to_be_visible()
    expect(page.locator("#f-dat-dai-on")).to_be_checked()
    expect(page.locator("#origin-grace_minutes")).to_have_text("Đặt tại trang này; tệp cấu hình: 15")
    page.screenshot(path=str(artifacts / "admin-bookings-saved.png"), full_page=True)
    assert live_server.config_path.read_bytes() == before

    cfg = load_config(live_server.config_path, env={"MOTCUA_DATA_DIR": str(live_server.data_dir)})
    assert cfg.field("ho-tich").appointments.capacity == 2
    assert [str(s) for s in cfg.field("chung-thuc").appointments.hours.mon] == [
        "07:30-11:00", "13:30-16:00"]
    assert cfg.field("dat-dai").appointments.days_ahead == 10
    assert cfg.appointments.arrival.grace_minutes == 20 and cfg.remote.enabled is False

    page.click("#reset-remote")
    expect(page.locator(".flash.ok")).to_contain_text("Đã trả mục này về giá trị trong tệp cấu hình")
    expect(page.locator("#remote_enabled")).to_be_checked()
    expect(page.locator("#origin-remote_enabled")).to_have_count(0)
    assert console.errors == []
