"""The remote-ticket page in Chromium, on a phone (390x844) and a desktop (1920x1080): pick a
field, land on the ticket's phone page with a number of the kiosk's series, find it again on
/lay-so; the same without JavaScript, and the phone's limit said in Vietnamese and English. The
admin's poster prints on one A4 page with its QR code big."""

from __future__ import annotations

import re

import pytest

from tests.ui.test_admin import Console, admin_page
from tests.ui.test_booking import DESKTOP, PHONE, fits

expect = pytest.importorskip(
    "playwright.sync_api", reason="browser tests need the 'playwright' package").expect

pytestmark = [pytest.mark.slow, pytest.mark.live]


@pytest.mark.parametrize("device", [PHONE, DESKTOP], ids=["390x844", "1920x1080"])
def test_take_a_ticket_and_follow_it(browser, live_server, api, artifacts, device) -> None:
    kiosk = api.issue("ho-tich")["number"]
    page = browser.new_context(**device).new_page()
    console = Console(page)
    page.goto(live_server.url + "/lay-so")
    expect(page.locator("h1")).to_have_text("Lấy số thứ tự")
    button = page.locator("button[value=ho-tich]")
    expect(button).to_contain_text("Tư pháp - Hộ tịch")
    expect(button).to_contain_text("1 người đang chờ")
    assert fits(page), "the page scrolls sideways"
    box = button.bounding_box()
    assert box["height"] >= 44, "a field is too small to tap"
    width = "390x844" if device is PHONE else "1920x1080"
    page.screenshot(path=str(artifacts / f"remote-{width}.png"), full_page=True)

    button.click()
    page.wait_for_url(re.compile(r"/t/[\w-]+$"))
    expect(page.locator("#number")).to_have_text(str(int(kiosk) + 1))
    expect(page.locator("#ahead")).to_have_text("Trước bạn còn 1 người")
    assert fits(page), "the ticket page scrolls sideways"
    page.screenshot(path=str(artifacts / f"remote-ticket-{width}.png"), full_page=True)

    page.goto(live_server.url + "/lay-so")  # the phone's ticket of the day, one tap away
    page.click("#mine a")
    expect(page.locator("#number")).to_have_text(str(int(kiosk) + 1))
    assert console.errors == []


def test_without_javascript_and_the_phones_limit(browser, live_server) -> None:
    page = browser.new_context(**PHONE, java_script_enabled=False).new_page()
    for field in ("dat-dai", "chung-thuc"):
        page.goto(live_server.url + "/lay-so")
        page.click(f"button[value={field}]")
        page.wait_for_url(re.compile(r"/t/[\w-]+$"))
    page.goto(live_server.url + "/lay-so")
    expect(page.locator("#mine li")).to_have_count(2)
    page.click("button[value=ho-tich]")
    expect(page.locator("#error")).to_have_text(
        "Điện thoại này đã lấy đủ 2 số trong hôm nay. Xin quay lại vào ngày mai hoặc lấy số tại "
        "máy lấy số.")
    page.goto(live_server.url + "/lay-so?lang=en")
    expect(page.locator("h1")).to_have_text("Take a queue number")
    page.click("button[value=ho-tich]")
    expect(page.locator("#error")).to_contain_text("This phone has already taken its 2 tickets")


def test_the_poster_prints_on_one_a4_page(browser, live_server, artifacts) -> None:
    page, console = admin_page(browser, live_server.url, "/admin/poster",
                               viewport={"width": 1000, "height": 1300})
    expect(page.locator("h1.poster-title")).to_have_text("LẤY SỐ THỨ TỰ BẰNG ĐIỆN THOẠI")
    expect(page.locator("#address")).to_have_text(live_server.url + "/lay-so")
    page.screenshot(path=str(artifacts / "poster-screen.png"), full_page=True)
    page.emulate_media(media="print")
    assert page.locator(".print-toolbar").is_hidden()
    qr = page.locator("#qr").bounding_box()
    assert qr["width"] >= 400, "the QR code is too small to scan from a distance"  # 120 mm
    pdf = page.pdf(prefer_css_page_size=True)
    (artifacts / "poster.pdf").write_bytes(pdf)
    assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) == 1, "the poster takes more than a page"
    assert console.errors == []
