"""Today's operations from the admin pages, checked through the public API, and the audit log."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.slow


def test_notices_show_in_the_display_snapshot(admin, api) -> None:
    text = "Hôm nay nghỉ trưa từ 11:30 đến 13:30.\r\n\r\n  Xin giữ trật tự.  \n"
    r = admin.form("/admin/notices", {"notices": text})
    assert r.status_code == 302
    assert api.get("/display").json()["notices"] == ["Hôm nay nghỉ trưa từ 11:30 đến 13:30.",
                                                      "Xin giữ trật tự."]
    assert "Đã lưu 2 thông báo" in admin.get("/admin/day").text
    admin.form("/admin/notices", {"notices": ""})
    assert api.get("/display").json()["notices"] == []


def test_notices_that_are_too_long_are_refused_with_the_line(admin, api) -> None:
    before = api.get("/display").json()["notices"]
    r = admin.form("/admin/notices", {"notices": "ngắn\n" + "dài " * 100})
    assert r.status_code == 400 and "Dòng 2 dài quá 300 ký tự" in r.text
    r = admin.form("/admin/notices", {"notices": "\n".join(f"dòng {i}" for i in range(21))})
    assert r.status_code == 400 and "Nhiều hơn 20 dòng" in r.text
    assert api.get("/display").json()["notices"] == before


def test_closing_a_field_makes_the_kiosk_get_409_until_reopened(admin, api) -> None:
    r = admin.form("/admin/fields/ho-tich", {"action": "close"})
    assert r.status_code == 302
    assert "Đã ngừng nhận số lĩnh vực “Tư pháp - Hộ tịch”" in admin.get("/admin/day").text
    r = api.post("/tickets", as_="kiosk", json={"service_id": "ho-tich"})
    assert r.status_code == 409 and r.json()["error"]["code"] == "closed"
    assert api.post("/tickets", as_="kiosk", json={"service_id": "chung-thuc"}).status_code == 201
    service = next(s for s in api.get("/services").json() if s["id"] == "ho-tich")
    assert service["open"] is False

    admin.form("/admin/fields/ho-tich", {"action": "reopen"})
    assert api.post("/tickets", as_="kiosk", json={"service_id": "ho-tich"}).status_code == 201
    assert admin.form("/admin/fields/khong-co", {"action": "close"}).status_code == 404


def test_reset_day_asks_first_then_restarts_numbering(admin, api) -> None:
    assert [api.issue("ho-tich")["number"] for _ in range(3)] == ["1001", "1002", "1003"]
    assert api.act("quay-1", "call-next").status_code == 200

    page = admin.get("/admin/day/reset").text
    items = re.sub(r"\s+", " ", page)
    assert "2 số đang chờ sẽ bị hủy" in items
    assert "1 số đang được phục vụ tại quầy sẽ được ghi là đã xong" in items
    assert "Tư pháp - Hộ tịch: <strong>1001</strong>" in items

    r = admin.form("/admin/day/reset", {})  # no confirmation: back to the question
    assert r.status_code == 302 and r.headers["Location"].endswith("/admin/day/reset")
    assert api.issue("ho-tich")["number"] == "1004"

    r = admin.form("/admin/day/reset", {"confirm": "yes"})
    assert r.status_code == 302
    assert "Đã bắt đầu lại ngày: 3 số đang chờ đã bị hủy" in admin.get("/admin/day").text
    assert api.issue("ho-tich")["number"] == "1001"
    assert api.get("/display").json()["counters"][0]["ticket"] is None


def test_audit_log_lists_admin_actions_newest_first(admin, api) -> None:
    api.issue("ho-tich")
    admin.form("/admin/notices", {"notices": "Một thông báo"})
    admin.form("/admin/fields/dat-dai", {"action": "close"})
    admin.form("/admin/day/reset", {"confirm": "yes"})

    page = admin.get("/admin/audit").text
    rows = re.findall(r'<tr data-id="(\d+)" data-kind="([\w.]+)">(.*?)</tr>', page, re.S)
    kinds = [k for _, k, _ in rows]
    assert kinds[:4] == ["day.reset", "service.closed", "notice.changed", "ticket.issued"]
    ids = [int(i) for i, _, _ in rows]
    assert ids == sorted(ids, reverse=True)
    for _, kind, cells in rows[:3]:
        assert "Trần Thị Bình (admin)" in cells, kind
    assert "Máy lấy số sảnh chính" in rows[3][2]  # the kiosk issued the ticket
    assert "Ngừng nhận số lĩnh vực Đất đai" in rows[1][2]
    assert re.search(r"<time datetime=\"\d{4}-\d\d-\d\dT[\d:]+\+07:00\">\d\d/\d\d/\d{4} \d\d:\d\d:\d\d</time>",
                     rows[0][2])

    only = admin.get("/admin/audit?kind=service.closed").text
    assert re.findall(r'data-kind="([\w.]+)"', only) == ["service.closed"]
    assert "Tất cả" in only and 'value="service.closed" selected' in only


def test_audit_log_pages_back_and_forth(admin, api) -> None:
    for _ in range(55):
        api.issue("chung-thuc")
    first = admin.get("/admin/audit?kind=ticket.issued").text
    numbers = re.findall(r"Cấp số (\d+)", first)
    assert len(numbers) == 50 and numbers[0] == "2055" and numbers[-1] == "2006"
    older = re.search(r'href="([^"]+)">Cũ hơn', first).group(1).replace("&amp;", "&")
    second = admin.get(older).text
    assert re.findall(r"Cấp số (\d+)", second) == ["2005", "2004", "2003", "2002", "2001"]
    assert "Cũ hơn" not in second
    newer = re.search(r'href="([^"]+)">← Mới hơn', second).group(1).replace("&amp;", "&")
    assert re.findall(r"Cấp số (\d+)", admin.get(newer).text) == numbers
