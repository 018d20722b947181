"""Exports of a :class:`~motcua.core.reports.table.ReportTable`: CSV (UTF-8 with BOM, so Excel
shows Vietnamese), XLSX (openpyxl) and a plain-text table for the terminal; their words are
Vietnamese in every language, through the ``vi`` catalogue."""

from __future__ import annotations

import csv
import io
import unicodedata
from datetime import datetime

from ..i18n import DEFAULT, N_, words
from .errors import ReportError
from .table import ReportTable, as_datetime

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
_SLUGS = {"satisfaction": "hai-long", "waiting": "cho-va-phuc-vu", "dissatisfied": "khong-hai-long",
          "appointments": "lich-hen"}
_SHEETS = {"satisfaction": N_("Hài lòng"), "waiting": N_("Chờ và phục vụ"),
           "dissatisfied": N_("Không hài lòng"), "appointments": N_("Lịch hẹn")}


_BY_SLUGS = {"officer": "can-bo", "counter": "quay", "service": "linh-vuc", "hour": "gio",
             "day": "ngay", "month": "thang", "quarter": "quy"}


def filename(table: ReportTable, fmt: str) -> str:
    """An ASCII file name in Vietnamese without marks, e.g.
    ``bao-cao-hai-long-theo-can-bo_2026-11-01_2026-11-30.xlsx``."""
    by = f"-theo-{'-'.join(_BY_SLUGS.get(g, g) for g in table.group_by)}" if table.group_by else ""
    p = table.period
    return f"bao-cao-{_SLUGS[table.kind]}{by}_{p.start.isoformat()}_{p.end.isoformat()}.{fmt}"


def export(table: ReportTable, fmt: str) -> tuple[bytes, str, str]:
    """``(content, MIME type, file name)`` of ``table`` as ``csv`` or ``xlsx``."""
    if fmt == "csv":
        return to_csv(table), FORMATS["csv"], filename(table, "csv")
    if fmt == "xlsx":
        return to_xlsx(table), FORMATS["xlsx"], filename(table, "xlsx")
    raise ReportError("bad_format", words(DEFAULT).gettext(
        "Định dạng không hỗ trợ: {format}. Chọn json, csv hoặc xlsx.", format=repr(fmt)))


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _plain(value: object, kind: str) -> str:
    """A machine-readable cell: numbers with a dot, times as dd/mm/yyyy HH:MM; text that a
    spreadsheet would run as a formula (e.g. a dossier code typed as ``=...``) gets a ``'``."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return as_datetime(value)
    if kind == "percent":
        return f"{value:.2f}"
    if kind == "minutes":
        return f"{value:.1f}"
    text = str(value)
    return "'" + text if kind == "text" and text.startswith(_FORMULA_START) else text


def to_csv(table: ReportTable) -> bytes:
    """Header line, rows, total row (a table a spreadsheet or a program reads as it is: the title
    is in the file name); UTF-8 with a byte-order mark."""
    out = io.StringIO(newline="")
    w = csv.writer(out, lineterminator="\r\n")
    w.writerow(table.headers)
    kinds = [c.kind for c in table.columns]
    for row in table.all_rows():
        w.writerow([_plain(v, k) for v, k in zip(row, kinds, strict=True)])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


_NUMBER_FORMATS = {"int": "#,##0", "percent": "0.00%", "minutes": "0.0", "datetime": "dd/mm/yyyy hh:mm"}


def to_xlsx(table: ReportTable) -> bytes:
    """One sheet: the title (row 1), notes, a bold header row, rows and a bold total row.
    Percentages are stored as fractions with a ``0.00%`` format."""
    try:
        from openpyxl import Workbook
        from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
        from openpyxl.utils import get_column_letter
    except ImportError:  # pragma: no cover - openpyxl is a dependency of reports
        raise ReportError("xlsx_unavailable", words(DEFAULT).gettext(
            "Máy chủ chưa cài gói openpyxl để xuất tệp XLSX.")) from None

    wb = Workbook()
    ws = wb.active
    ws.title = words(DEFAULT).gettext(_SHEETS[table.kind])
    width = len(table.columns)
    ws.cell(row=1, column=1, value=table.title).font = Font(bold=True, size=14)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    r = 2
    for note in table.notes:
        ws.cell(row=r, column=1, value=note).font = Font(italic=True)
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=width)
        r += 1
    header_row = r + 1 if table.notes else r
    thin = Side(style="thin", color="999999")
    border = Border(top=thin, bottom=thin, left=thin, right=thin)
    for j, col in enumerate(table.columns, start=1):
        cell = ws.cell(row=header_row, column=j, value=col.header)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDE7F0")
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        cell.border = border
        ws.column_dimensions[get_column_letter(j)].width = col.width
    for i, row in enumerate(table.all_rows(), start=header_row + 1):
        is_total = table.total is not None and i == header_row + len(table.all_rows())
        for j, (col, value) in enumerate(zip(table.columns, row, strict=True), start=1):
            if col.kind == "percent" and value is not None:
                value = value / 100
            cell = ws.cell(row=i, column=j, value=value)
            if isinstance(value, str):
                cell.data_type = "s"  # text stays text, even when it starts with "="
            if col.kind in _NUMBER_FORMATS:
                cell.number_format = _NUMBER_FORMATS[col.kind]
            cell.border = border
            if is_total:
                cell.font = Font(bold=True)
    ws.freeze_panes = ws.cell(row=header_row + 1, column=1)
    ws.print_title_rows = f"{header_row}:{header_row}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _display_width(text: str) -> int:
    return sum(1 for ch in unicodedata.normalize("NFC", text) if not unicodedata.combining(ch))


def _human(value: object, kind: str) -> str:
    """A cell for people: Vietnamese decimal comma."""
    if value is None:
        return "-" if kind in ("percent", "minutes") else ""
    if isinstance(value, datetime):
        return as_datetime(value)
    if kind == "int":
        return f"{value:,}".replace(",", ".")
    if kind in ("percent", "minutes"):
        return (f"{value:.2f}" if kind == "percent" else f"{value:.1f}").replace(".", ",")
    return str(value)


def to_text(table: ReportTable) -> str:
    """An aligned plain-text table (title, header, rows, total) for a terminal."""
    kinds = [c.kind for c in table.columns]
    body = [[_human(v, k) for v, k in zip(row, kinds, strict=True)] for row in table.rows]
    total = ([_human(v, k) for v, k in zip(table.total, kinds, strict=True)]
             if table.total is not None else None)
    grid = [table.headers] + body + ([total] if total else [])
    widths = [max(_display_width(r[j]) for r in grid) for j in range(len(kinds))]

    def line(cells: list[str]) -> str:
        parts = []
        for cell, w, kind in zip(cells, widths, kinds, strict=True):
            pad = " " * (w - _display_width(cell))
            parts.append(pad + cell if kind in ("int", "percent", "minutes") else cell + pad)
        return "  ".join(parts).rstrip()

    rule = "  ".join("-" * w for w in widths)
    lines = [table.title, *table.notes, "", line(table.headers), rule, *(line(r) for r in body)]
    if total:
        lines += [rule, line(total)] if body else [line(total)]
    elif not body:
        lines.append(words(DEFAULT).gettext("(không có dữ liệu)"))
    return "\n".join(lines) + "\n"
