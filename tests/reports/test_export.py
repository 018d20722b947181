"""Tables and exports, opened back and checked cell by cell."""

from __future__ import annotations

import csv
import io
from datetime import datetime

import openpyxl
import pytest

from motcua.core.reports import (
    ReportError,
    dissatisfied_cases,
    export,
    filename,
    report_table,
    satisfaction_report,
    to_csv,
    to_text,
    to_xlsx,
    waiting_report,
)

from .conftest import L

TITLE = ("Báo cáo mức độ hài lòng — Bộ phận Một cửa UBND xã Phú Hòa — "
         "từ 01/11/2026 đến 30/11/2026")
HEADERS = ["Quầy", "Tổng số lượt", "Rất hài lòng (lượt)", "Rất hài lòng (%)", "Hài lòng (lượt)",
           "Hài lòng (%)", "Không hài lòng (lượt)", "Không hài lòng (%)", "Điểm QĐ 766 (%)"]


@pytest.fixture
def by_counter(rdb, config, seed):
    seed.votes(L(2026, 11, 10), very_satisfied=2, satisfied=1)  # quầy 1
    seed.rating(L(2026, 11, 11), "dissatisfied", counter="quay-2")
    return report_table(satisfaction_report(rdb, config, "2026-11-01", "2026-11-30", "counter"))


def test_table_rows(by_counter) -> None:
    assert by_counter.title == TITLE
    assert by_counter.headers == HEADERS
    assert by_counter.rows[0] == ["Quầy 1", 3, 2, 66.67, 1, 33.33, 0, 0.0, 100.0]
    assert by_counter.rows[1] == ["Quầy 2", 1, 0, 0.0, 0, 0.0, 1, 100.0, 0.0]
    assert by_counter.rows[2] == ["Quầy 3", 0, 0, None, 0, None, 0, None, None]
    assert by_counter.total == ["Tổng cộng", 4, 2, 50.0, 1, 25.0, 1, 25.0, 75.0]


def test_csv_has_bom_headers_first_and_plain_numbers(by_counter) -> None:
    data = to_csv(by_counter)
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0] == HEADERS  # the first line is the header: no title line to skip
    assert rows[1] == ["Quầy 1", "3", "2", "66.67", "1", "33.33", "0", "0.00", "100.00"]
    assert rows[3] == ["Quầy 3", "0", "0", "", "0", "", "0", "", ""]
    assert rows[-1] == ["Tổng cộng", "4", "2", "50.00", "1", "25.00", "1", "25.00", "75.00"]
    assert len(rows) == 1 + 5 + 1


def test_xlsx_cell_by_cell(by_counter) -> None:
    wb = openpyxl.load_workbook(io.BytesIO(to_xlsx(by_counter)))
    ws = wb.active
    assert ws.title == "Hài lòng"
    assert ws["A1"].value == TITLE and ws["A1"].font.bold
    assert "A1:I1" in {str(r) for r in ws.merged_cells.ranges}
    assert ws["A2"].value == "Nhóm theo: quầy." and ws["A3"].value.startswith("Điểm QĐ 766 =")
    header = 5  # title, two notes, a blank row
    assert [c.value for c in ws[header]] == HEADERS
    assert all(c.font.bold for c in ws[header])
    first = [c.value for c in ws[header + 1]]
    assert first == ["Quầy 1", 3, 2, pytest.approx(0.6667), 1, pytest.approx(0.3333), 0, 0, 1]
    assert ws.cell(header + 1, 4).number_format == "0.00%"
    assert ws.cell(header + 1, 2).number_format == "#,##0"
    assert [c.value for c in ws[header + 3]] == ["Quầy 3", 0, 0, None, 0, None, 0, None, None]
    total = ws[header + 6]
    assert [c.value for c in total] == ["Tổng cộng", 4, 2, 0.5, 1, 0.25, 1, 0.25, 0.75]
    assert all(c.font.bold for c in total)
    assert ws.max_row == header + 6
    assert ws.column_dimensions["A"].width == 14 and ws.column_dimensions["B"].width == 12
    assert ws.freeze_panes == f"A{header + 1}"


def test_waiting_and_dissatisfied_exports(rdb, config, seed) -> None:
    seed.ticket(L(2026, 11, 10, 8), called=L(2026, 11, 10, 8, 12), finished=L(2026, 11, 10, 8, 20),
                dossier="HS-01", number="1001")
    seed.rating(L(2026, 11, 10, 8, 21), "dissatisfied", ticket=1)
    waiting = report_table(waiting_report(rdb, config, "2026-11-10", "2026-11-10", "service"))
    assert waiting.headers[-1] == "Được gọi trong 20 phút (%)"
    assert waiting.rows[0] == ["Tư pháp - Hộ tịch", 1, 1, 1, 0, 0.0, 12.0, 12.0, 12.0, 8.0, 8.0, 8.0, 100.0]
    ws = openpyxl.load_workbook(io.BytesIO(to_xlsx(waiting))).active
    assert ws["A1"].value.startswith("Báo cáo thời gian chờ và phục vụ — ") and ws["A1"].value.endswith(
        "ngày 10/11/2026")
    assert ws["A5"].value == "Lĩnh vực"  # title, two notes, a blank row, the header
    row = [c.value for c in ws[6]]
    assert row[:3] == ["Tư pháp - Hộ tịch", 1, 1] and row[6] == 12 and ws.cell(6, 7).number_format == "0.0"

    cases = report_table(dissatisfied_cases(rdb, config, "2026-11-01", "2026-11-30"))
    assert cases.rows == [[1, datetime(2026, 11, 10, 8, 21), "1001", "Quầy 1", "Không xác định",
                           "Tư pháp - Hộ tịch", "Không hài lòng", "HS-01"]]
    rows = list(csv.reader(io.StringIO(to_csv(cases).decode("utf-8-sig"))))
    assert rows[0][:3] == ["STT", "Thời gian", "Số thứ tự"]
    assert rows[1] == ["1", "10/11/2026 08:21", "1001", "Quầy 1", "Không xác định", "Tư pháp - Hộ tịch",
                       "Không hài lòng", "HS-01"]
    ws = openpyxl.load_workbook(io.BytesIO(to_xlsx(cases))).active
    assert ws["B5"].value == datetime(2026, 11, 10, 8, 21) and ws["B5"].number_format == "dd/mm/yyyy hh:mm"


def test_text_table_aligns_vietnamese(by_counter) -> None:
    text = to_text(by_counter)
    lines = text.splitlines()
    assert lines[0] == TITLE
    header = next(i for i, line in enumerate(lines) if line.startswith("Quầy "))
    assert lines[header + 2].startswith("Quầy 1") and "66,67" in lines[header + 2]
    assert lines[-1].startswith("Tổng cộng") and lines[-1].endswith("75,00")
    widths = {len(line) for line in lines[header:] if not line.startswith("-")}
    assert len(widths) == 1  # every row as wide as the header: columns line up


def test_filenames_and_formats(by_counter) -> None:
    assert filename(by_counter, "xlsx") == "bao-cao-hai-long-theo-quay_2026-11-01_2026-11-30.xlsx"
    content, content_type, name = export(by_counter, "csv")
    assert content_type.startswith("text/csv") and name.endswith(".csv") and content == to_csv(by_counter)
    with pytest.raises(ReportError):
        export(by_counter, "pdf")


def test_typed_text_never_becomes_a_formula(rdb, config, seed) -> None:
    t = seed.ticket(L(2026, 11, 10, 8), called=L(2026, 11, 10, 8, 5), finished=L(2026, 11, 10, 8, 9),
                    dossier='=HYPERLINK("http://x","y")', number="1001")
    seed.rating(L(2026, 11, 10, 8, 10), "dissatisfied", ticket=t)
    table = report_table(dissatisfied_cases(rdb, config, "2026-11-10", "2026-11-10"))
    rows = list(csv.reader(io.StringIO(to_csv(table).decode("utf-8-sig"))))
    assert rows[1][-1] == "'=HYPERLINK(\"http://x\",\"y\")"
    ws = openpyxl.load_workbook(io.BytesIO(to_xlsx(table))).active
    assert ws["H5"].data_type == "s" and ws["H5"].value == '=HYPERLINK("http://x","y")'
