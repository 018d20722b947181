"""Report pages over HTTP: figures match the report API, downloads open, the printable view."""

from __future__ import annotations

import csv
import io
import re
from datetime import datetime

import pytest
from openpyxl import load_workbook

from tests.conftest import VN

pytestmark = pytest.mark.slow


def _serve(api, counter: str, level: str | None) -> dict:
    ticket = api.issue("ho-tich")
    api.act(counter, "call-next")
    if level:
        assert api.rate(counter, level).status_code == 201
    api.act(counter, "finish")
    return ticket


@pytest.fixture
def served(api) -> None:
    """Today: three ratings at quay-1 by ``an`` (one dissatisfied), one ticket still waiting."""
    for level in ("very_satisfied", "satisfied", "dissatisfied"):
        _serve(api, "quay-1", level)
    api.issue("chung-thuc")


def centre_today():
    """Today where the centre is (the demo config's timezone), not where the tests run."""
    return datetime.now(VN).date()


def _links(page: str) -> dict[str, str]:
    found = re.findall(r'<a class="button small" href="([^"]+)"[^>]*>([^<]+)</a>', page)
    out: dict[str, str] = {}
    for href, text in found:  # the first of each: the main table's
        out.setdefault(text, href.replace("&amp;", "&"))
    return out


def test_satisfaction_page_shows_this_month_by_officer(admin, api, served) -> None:
    page = admin.get("/admin/reports").text
    assert 'id="preset-this_month" aria-current="true"' in page
    table = re.search(r'<table class="data report" id="satisfaction-table">.*?</table>', page, re.S).group(0)
    row = re.search(r"<tr><td[^>]*>Nguyễn Văn An</td>(.*?)</tr>", table, re.S).group(1)
    cells = re.findall(r"<td[^>]*>([^<]*)</td>", row)
    assert cells == ["3", "1", "33,33", "1", "33,33", "1", "33,33", "66,67"]
    assert "Báo cáo mức độ hài lòng — Bộ phận Một cửa UBND xã Phú Hòa — từ 01/" in page
    dissatisfied = re.search(r'id="dissatisfied-table">.*?</table>', page, re.S).group(0)
    assert "1003" in dissatisfied and "Không hài lòng" in dissatisfied
    assert "Nguyễn Văn An" in dissatisfied


def test_presets_and_grouping(admin, served) -> None:
    today = centre_today()
    page = admin.get("/admin/reports?preset=today&by=counter&by=").text
    assert f"ngày {today:%d/%m/%Y}" in page
    assert re.search(r"<th[^>]*>Quầy</th>", page)
    assert "Quầy 5" in page  # every counter listed, with zeros
    page = admin.get("/admin/reports?preset=this_year&by=").text
    assert f"từ 01/01/{today.year}" in page and "Phạm vi" in page
    r = admin.get("/admin/reports?from=2026-12-01&to=2026-11-01")
    assert r.status_code == 400
    assert 'id="report-error"' in r.text and "sau ngày kết thúc" in r.text


def test_dates_are_typed_day_first(admin, served) -> None:
    today = centre_today()
    page = admin.get(f"/admin/reports?from=1/{today.month}/{today.year}&to={today:%d/%m/%Y}&by=").text
    assert f"từ 01/{today:%m/%Y} đến {today:%d/%m/%Y}" in page
    assert f'value="01/{today:%m/%Y}"' in page  # shown back as typed, day first
    assert f"from={today:%Y-%m}-01" in page  # links carry ISO dates
    r = admin.get("/admin/reports?from=31/02/2026&to=01/03/2026")
    assert r.status_code == 400
    assert "Ngày không hợp lệ: “31/02/2026”. Viết dạng ngày/tháng/năm" in r.text


def test_downloads_open_and_match_the_page(admin, served) -> None:
    page = admin.get("/admin/reports?preset=this_month&by=officer").text
    links = _links(page)
    r = admin.get(links["Tải CSV"])
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert any(row[:2] == ["Nguyễn Văn An", "3"] for row in rows)

    r = admin.get(links["Tải Excel (XLSX)"])
    assert r.status_code == 200
    sheet = load_workbook(io.BytesIO(r.content)).active
    values = [[c for c in row] for row in sheet.iter_rows(values_only=True)]
    assert "Bộ phận Một cửa UBND xã Phú Hòa" in str(values[0][0])
    officer_row = next(row for row in values if row and row[0] == "Nguyễn Văn An")
    assert officer_row[1] == 3

    all_links = re.findall(r'href="(/api/v1/reports/dissatisfied[^"]+format=xlsx[^"]*)"', page)
    r = admin.get(all_links[0].replace("&amp;", "&"))
    sheet = load_workbook(io.BytesIO(r.content)).active
    assert any("Không hài lòng" in str(row) for row in sheet.iter_rows(values_only=True))


def test_waiting_page_and_its_downloads(admin, served) -> None:
    page = admin.get("/admin/reports/waiting").text
    table = re.search(r'id="waiting-table">.*?</table>', page, re.S).group(0)
    row = re.search(r"<tr><td[^>]*>Tư pháp - Hộ tịch</td>(.*?)</tr>", table, re.S).group(1)
    assert re.findall(r"<td[^>]*>([^<]*)</td>", row)[:4] == ["3", "3", "3", "0"]
    links = _links(page)
    sheet = load_workbook(io.BytesIO(admin.get(links["Tải Excel (XLSX)"]).content)).active
    assert "thời gian chờ" in str(sheet["A1"].value).lower()


def test_appointments_page_and_its_downloads(admin, served) -> None:
    """The fields that take appointments, their walk-ins' waits; downloads and the printable view."""
    page = admin.get("/admin/reports/appointments").text
    assert 'href="/admin/reports/appointments" aria-current="page">Báo cáo lịch hẹn</a>' in page
    table = re.search(r'id="appointments-table">.*?</table>', page, re.S).group(0)
    rows = re.findall(r"<tr><td[^>]*>([^<]*)</td>(.*?)</tr>", table, re.S)
    assert [name for name, _ in rows] == ["Tư pháp - Hộ tịch", "Chứng thực", "Tổng cộng"]
    cells = re.findall(r"<td[^>]*>([^<]*)</td>", rows[0][1])
    assert cells[:6] == ["0", "0", "0", "0", "0", "0"]  # no bookings
    assert cells[10:12] == ["–", "–"] and cells[12] != "–"  # no appointment waits; walk-ins'
    links = _links(page)
    sheet = load_workbook(io.BytesIO(admin.get(links["Tải Excel (XLSX)"]).content)).active
    assert str(sheet["A1"].value).startswith("Báo cáo lịch hẹn và khách không hẹn — ")
    rows = list(csv.reader(io.StringIO(admin.get(links["Tải CSV"]).content.decode("utf-8-sig"))))
    assert rows[1][0] == "Tư pháp - Hộ tịch" and rows[1][13] == cells[12].replace(",", ".")
    doc = admin.get(links["Bản in"]).text
    assert "/static/css/page-a4-landscape.css" in doc and 'id="print-table"' in doc
    assert 'href="/admin/reports/appointments?' in doc


def test_printable_view_names_centre_and_period(admin, served) -> None:
    page = admin.get("/admin/reports?preset=this_month").text
    printable = _links(page)["Bản in"]
    assert "report=satisfaction" in printable
    doc = admin.get(printable).text
    assert "BỘ PHẬN MỘT CỬA UBND XÃ PHÚ HÒA" in doc
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in doc
    assert re.search(r'<h1 class="doc-title">Báo cáo mức độ hài lòng — Bộ phận Một cửa UBND xã Phú Hòa — '
                     r"từ 01/\d\d/\d{4} đến \d\d/\d\d/\d{4}</h1>", doc)
    assert "/static/css/page-a4-portrait.css" in doc  # @page: a stylesheet, no inline style
    wide = admin.get("/admin/reports/print?report=waiting&preset=today").text
    assert "/static/css/page-a4-landscape.css" in wide
    assert "size: A4 landscape" in admin.get("/static/css/page-a4-landscape.css").text
    assert "NGƯỜI LẬP BIỂU" in doc and 'id="print-table"' in doc


def test_printable_document_stays_vietnamese_in_english(admin, served) -> None:
    """The toolbar follows the page language; the document (the centre's official figures) does not."""
    doc = admin.get("/admin/reports/print?report=satisfaction&preset=today&lang=en").text
    assert "Print the report" in doc
    assert '<html lang="vi">' in doc and '<div class="print-toolbar no-print" lang="en">' in doc
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in doc and "Độc lập - Tự do - Hạnh phúc" in doc
    assert re.search(r"ngày \d\d tháng \d\d năm \d{4}", doc)
    assert re.search(r"In lúc \d\d:\d\d \d\d/\d\d/\d{4} từ hệ thống xếp hàng motcua\.", doc)
    assert "THỦ TRƯỞNG ĐƠN VỊ" in doc and "(Ký, ghi rõ họ tên, đóng dấu)" in doc
    assert "SOCIALIST REPUBLIC" not in doc
