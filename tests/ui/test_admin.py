"""The admin pages in headless Chromium: live dashboard, device heartbeats, charts, print view.

Here rather than in tests/admin so every browser test shares this directory's one Playwright
driver (two sync drivers cannot run in one process). Screenshots go to test-artifacts/admin-*.
"""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest
import requests

from motcua import __version__
from tests.clients import KIOSK, PASSWORD, RATING1, Api
from tests.conftest import fill_disk
from tests.ui.conftest import wait_for_js

expect = pytest.importorskip(
    "playwright.sync_api", reason="browser tests need the 'playwright' package").expect

pytestmark = [pytest.mark.slow, pytest.mark.live]  # the shared api talks to the live server


class Console:
    """JavaScript errors and failed requests of a page: a test ends by asserting there are none."""

    def __init__(self, page):
        self.errors: list[str] = []
        page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: self.errors.append(f"page error: {e}"))
        page.on("requestfailed", lambda r: self.errors.append(f"request failed: {r.url}")
                if "/api/v1/events" not in r.url else None)


def admin_page(browser, base_url: str, path: str = "/admin", viewport=None):
    page = browser.new_context(viewport=viewport or {"width": 1366, "height": 768}).new_page()
    console = Console(page)
    page.goto(f"{base_url}/counter?next={quote(path)}")
    page.fill("#username", "admin")
    page.fill("#password", PASSWORD)
    page.click("#login-form button[type=submit]")
    page.wait_for_url(base_url + path)
    return page, console


def heartbeat(server, token: str, **info) -> None:
    r = requests.post(server.api("/devices/heartbeat"), json=info,
                      headers={"Authorization": f"Bearer {token}"}, timeout=10)
    assert r.status_code == 200, r.text


def test_dashboard_updates_live_and_shows_devices(browser, live_server, api, artifacts) -> None:
    page, console = admin_page(browser, live_server.url)
    page.wait_for_selector("body[data-live=online]")
    renders = page.evaluate("Number(document.body.dataset.renders)")
    hall = page.locator('#fields-table tr[data-field="ho-tich"]')
    expect(hall.locator("td.waiting")).to_have_text("0")
    expect(page.locator('#devices-table tr[data-device="kiosk-1"] td.contact')).to_have_text("Mất liên lạc")

    heartbeat(live_server, KIOSK, printer_status="paper_low", version="0.1.0")
    ticket = api.issue("ho-tich")  # an event: the dashboard fetches a fresh copy too
    expect(hall.locator("td.waiting")).to_have_text("1")
    expect(page.locator("#total-issued")).to_have_text("1")
    kiosk = page.locator('#devices-table tr[data-device="kiosk-1"]')
    expect(kiosk.locator("td.contact")).to_have_text("Đang liên lạc")
    expect(kiosk).to_contain_text("Sắp hết giấy")
    expect(kiosk.locator("td.address")).to_have_text("127.0.0.1")

    assert api.act("quay-1", "sign-in").status_code == 200
    assert api.act("quay-1", "call-next").status_code == 200
    counter = page.locator('#counters-table tr[data-counter="quay-1"]')
    expect(counter.locator(".ticket-number")).to_have_text(ticket["number"])
    expect(counter).to_contain_text("Nguyễn Văn An")
    expect(counter).to_contain_text("Đang phục vụ")
    expect(hall.locator("td.waiting")).to_have_text("0")

    assert api.rate("quay-1", "very_satisfied").status_code == 201
    expect(page.locator("#sat-score")).to_have_text("100%")
    assert api.act("quay-1", "pause", reason="Đi họp").status_code == 200
    expect(counter).to_contain_text("Tạm dừng: Đi họp")
    assert page.evaluate("Number(document.body.dataset.renders)") > renders
    assert page.url == live_server.url + "/admin"  # never reloaded
    assert int(page.locator("#screens").inner_text()) >= 1

    # No event follows this heartbeat: the periodic refresh (every 15 s) shows it.
    wait_for_js(page, "!window.__adminDashboard.busy")
    heartbeat(live_server, RATING1, outbox_backlog=4, detail="2 ratings refused by the server")
    station = page.locator('#devices-table tr[data-device="danh-gia-1"]')
    expect(station).to_contain_text("Chờ gửi: 4", timeout=30_000)
    expect(station).to_contain_text("2 lượt bị từ chối")
    expect(station.locator("td.contact")).to_have_text("Đang liên lạc")

    expect(page.locator("#server-version")).to_have_text(__version__)
    expect(page.locator("#server-database")).to_have_text("SQLite")
    expect(page.locator("#server-disk")).to_contain_text("Đủ chỗ")
    expect(page.locator("#server-memory")).to_contain_text(re.compile(r"^Phần mềm dùng \d+ MB; máy còn trống"))
    expect(page.locator("#server-streams")).to_have_text(re.compile(r"^[1-9]\d* \(tối đa [\d.]+\)$"))
    expect(page.locator("#server-backup")).to_have_text(
        "Chưa có bản sao lưu nàomáy chủ tự sao lưu lúc 2 giờ 30 mỗi đêm")
    expect(page.locator("#server-alerts .alert")).to_have_count(0)

    page.screenshot(path=str(artifacts / "admin-dashboard-1366x768.png"), full_page=True)
    assert console.errors == []


def test_dashboard_in_english_on_a_narrow_screen(browser, live_server, api, artifacts) -> None:
    api.issue("dat-dai")
    page, console = admin_page(browser, live_server.url, "/admin?lang=en",
                               viewport={"width": 1024, "height": 700})
    page.wait_for_selector("body[data-live=online]")
    expect(page.locator("h1")).to_have_text("Today at a glance")
    expect(page.locator('#fields-table tr[data-field="dat-dai"]')).to_contain_text("Land")
    expect(page.locator("#h-server")).to_have_text("Server")
    expect(page.locator("#server-disk")).to_contain_text(re.compile(r"Enough space.*[\d.,]+ GB free"))
    expect(page.locator("#server-streams")).to_have_text(re.compile(r"^[1-9]\d* \(at most [\d,]+\)$"))
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 1024, "the dashboard must not scroll sideways at 1024 px"
    page.screenshot(path=str(artifacts / "admin-dashboard-en-1024.png"), full_page=True)
    assert console.errors == []


def _some_history(api) -> None:
    for i, level in enumerate(("very_satisfied", "satisfied", "dissatisfied", "very_satisfied")):
        api.issue("ho-tich" if i % 2 else "chung-thuc")
        api.act("quay-1", "call-next")
        assert api.rate("quay-1", level).status_code == 201
        api.act("quay-1", "finish")
    api.issue("dat-dai")


def test_report_charts_render_without_errors(browser, live_server, api, artifacts) -> None:
    _some_history(api)
    page, console = admin_page(browser, live_server.url, "/admin/reports")
    expect(page.locator("#chart-trend canvas")).to_have_count(1)
    expect(page.locator("#satisfaction-table")).to_contain_text("Nguyễn Văn An")
    expect(page.locator("#dissatisfied-table")).to_contain_text("Không hài lòng")
    page.screenshot(path=str(artifacts / "admin-reports-satisfaction.png"), full_page=True)

    page.goto(live_server.url + "/admin/reports/waiting")
    expect(page.locator("#chart-hours canvas")).to_have_count(1)
    expect(page.locator("#chart-fields canvas")).to_have_count(1)
    page.screenshot(path=str(artifacts / "admin-reports-waiting.png"), full_page=True)
    assert console.errors == []


def print_wide(page, url: str, report: str, artifacts) -> None:
    """The printable view of ``report`` by field fits the width of an A4 landscape page."""
    page.goto(url + f"/admin/reports/print?report={report}&by=service")
    page.emulate_media(media="print")
    table = page.locator("#print-table")
    assert table.evaluate("t => t.scrollWidth <= t.parentElement.clientWidth + 1"), "table clipped"
    (artifacts / f"admin-print-{report}.pdf").write_bytes(page.pdf(prefer_css_page_size=True))


def test_printable_view_on_a4(browser, live_server, api, artifacts) -> None:
    _some_history(api)
    page, console = admin_page(browser, live_server.url, "/admin/reports/print?report=satisfaction&by=officer",
                               viewport={"width": 1000, "height": 1300})
    expect(page.locator("h1.doc-title")).to_contain_text("Báo cáo mức độ hài lòng")
    page.screenshot(path=str(artifacts / "admin-print-screen.png"), full_page=True)
    page.emulate_media(media="print")
    assert page.locator(".print-toolbar").is_hidden()
    page.screenshot(path=str(artifacts / "admin-print-media.png"), full_page=True)
    pdf = page.pdf(prefer_css_page_size=True)
    assert pdf.startswith(b"%PDF")
    (artifacts / "admin-print.pdf").write_bytes(pdf)

    print_wide(page, live_server.url, "waiting", artifacts)
    assert console.errors == []


def test_appointments_report_on_screen_and_on_a4(browser, live_server, api, artifacts) -> None:
    _some_history(api)
    page, console = admin_page(browser, live_server.url, "/admin/reports/appointments")
    expect(page.locator("h1")).to_have_text("Báo cáo lịch hẹn và khách không hẹn")
    expect(page.locator("#appointments-table")).to_contain_text("Tư pháp - Hộ tịch")
    page.screenshot(path=str(artifacts / "admin-reports-appointments.png"), full_page=True)
    print_wide(page, live_server.url, "appointments", artifacts)
    assert console.errors == []


def test_admin_pages_work_with_the_keyboard(browser, live_server) -> None:
    page, console = admin_page(browser, live_server.url, "/admin/day")
    # Tab to the notices box, type, Tab to the save button, Enter.
    page.focus("#notices-text")
    page.keyboard.press("Control+A")
    page.keyboard.type("Thông báo gõ bằng bàn phím")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Lưu thông báo"
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none", "the focused button must show its focus"
    page.keyboard.press("Enter")
    expect(page.locator(".flash.ok")).to_contain_text("Đã lưu 1 thông báo")
    notices = requests.get(live_server.api("/display"), timeout=10).json()["notices"]
    assert notices == ["Thông báo gõ bằng bàn phím"]

    page.goto(live_server.url + "/admin/day/reset")
    # the safe choice has the focus: Enter cancels
    wait_for_js(page, "document.activeElement.textContent.trim() === 'Hủy, quay lại'")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r".*/admin/day\??$"))
    assert console.errors == []


def test_a_kiosk_out_of_paper_is_raised_on_top_for_the_admin_and_the_officers(
        browser, live_server, officer, artifacts) -> None:
    page, console = admin_page(browser, live_server.url)
    work = officer("quay-1")
    alerts = page.locator("#device-alerts .alert")
    expect(alerts).to_have_count(0)
    expect(work.locator("#printer-alerts p")).to_have_count(0)

    heartbeat(live_server, KIOSK, printer_status="paper_out", detail="preview printer: paper out")
    expect(alerts).to_have_count(1, timeout=15_000)  # the dashboard reloads every few seconds
    expect(alerts).to_have_text("Máy lấy số sảnh chính: Hết giấy. Máy lấy số đang tạm ngừng phát số: thay "
                                "giấy hoặc kiểm tra máy in.")
    top = page.evaluate("document.querySelector('#device-alerts').getBoundingClientRect().top")
    totals = page.evaluate("document.querySelector('.dash-top').getBoundingClientRect().top")
    assert top < totals  # above everything else, not a line at the bottom
    row = page.locator('#devices-table tr[data-device="kiosk-1"]')
    expect(row).to_contain_text("Hết giấy")
    expect(row).not_to_contain_text("paper out")  # the kiosk's English words: on hover only
    expect(row.locator(".device-state")).to_have_attribute("title", "preview printer: paper out")
    page.screenshot(path=str(artifacts / "admin-dashboard-paper-out.png"))
    banner = work.locator("#printer-alerts p")
    expect(banner).to_have_text("Máy lấy số sảnh chính: máy in hết giấy, đang tạm ngừng phát số. Nhờ thay "
                                "giấy.", timeout=30_000)
    work.screenshot(path=str(artifacts / "officer-paper-out.png"))

    heartbeat(live_server, KIOSK, printer_status="ok")
    expect(alerts).to_have_count(0, timeout=15_000)
    expect(banner).to_have_count(0, timeout=30_000)
    assert console.errors == []


def test_a_disk_filling_up_is_raised_on_top_for_the_admin(browser, small_disk_server,
                                                          artifacts) -> None:
    page, console = admin_page(browser, small_disk_server.url)  # its data folder: 8 MB
    alerts = page.locator("#server-alerts .alert")
    expect(alerts).to_have_count(1)
    expect(alerts).to_contain_text(re.compile(r"^Ổ đĩa của máy chủ sắp đầy: chỉ còn trống \d(,\d)? MB\. "
                                              r"Hãy chép các bản sao lưu cũ sang USB"))
    expect(page.locator("#server-disk .badge")).to_have_text("Sắp đầy")
    top = page.evaluate("document.querySelector('#server-alerts').getBoundingClientRect().top")
    assert top < page.evaluate("document.querySelector('.dash-top').getBoundingClientRect().top")

    filler = fill_disk(small_disk_server.data_dir)
    api = Api(small_disk_server)
    assert api.post("/tickets", as_="kiosk", json={"service_id": "ho-tich"}).status_code == 503
    page.evaluate("window.__adminDashboard.refresh()")
    expect(alerts).to_have_text("Ổ đĩa của máy chủ đã đầy: máy chủ đang từ chối cấp số mới. Hãy giải "
                                "phóng chỗ trống ngay (Hướng dẫn vận hành, mục 9); không cần khởi "
                                "động lại.")
    expect(page.locator("#server-disk")).to_contain_text("Đã đầy")
    page.screenshot(path=str(artifacts / "admin-dashboard-disk-full.png"))

    filler.unlink()
    api.issue("ho-tich")  # space again: a ticket, and the dashboard follows its event
    expect(page.locator("#server-disk .badge")).to_have_text("Sắp đầy")
    expect(alerts).to_contain_text("sắp đầy")
    assert console.errors == []


def test_a_failed_backup_is_raised_on_top_until_one_works(browser, live_server, tmp_path,
                                                          artifacts) -> None:
    page, console = admin_page(browser, live_server.url)
    alerts = page.locator("#server-alerts .alert")
    (tmp_path / "a-file").write_text("")
    assert live_server.motcua("backup", "--to", str(tmp_path / "a-file" / "b")).returncode == 1
    page.evaluate("window.__adminDashboard.refresh()")
    expect(alerts).to_have_count(1)
    expect(alerts.locator("p").first).to_have_text(re.compile(
        r"^Sao lưu dữ liệu lúc \d\d:\d\d:\d\d \d+/\d+/\d{4} không thành công\. Xem mục 7 của Hướng dẫn vận hành\.$"))
    expect(alerts.locator(".detail")).to_contain_text(
        "Chi tiết cho cán bộ kỹ thuật: cannot create the backup folder")
    expect(page.locator("#server-backup .badge")).to_have_text("Sao lưu bị lỗi")
    page.screenshot(path=str(artifacts / "admin-dashboard-backup-failed.png"))

    assert live_server.motcua("backup", "--to", str(tmp_path / "b")).returncode == 0
    page.evaluate("window.__adminDashboard.refresh()")
    expect(alerts).to_have_count(0)
    expect(page.locator("#server-backup .badge")).to_have_text("Đã sao lưu")
    expect(page.locator("#server-backup")).to_contain_text(re.compile(r"lần gần nhất .+ \(\d+ giây trước\), \d+(,\d)? KB$"))
    assert console.errors == []
