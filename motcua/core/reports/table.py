"""Reports as plain tables: a title, Vietnamese column headers, rows of plain values and a total
row. Exports and the printable page render these; nothing here knows about files or HTML. The
words are Vietnamese in every language (the centre's official figures), read through the ``vi``
catalogue so that a centre's corrected wording applies.

Value kinds: ``text``; ``int``; ``percent`` (a number 0-100, e.g. 99.91); ``minutes`` (a number,
1 decimal); ``datetime`` (naive local time). ``None`` is an empty cell.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from fractions import Fraction

from ..i18n import DEFAULT, N_, words
from .appointments import AppointmentReport, AppointmentRow
from .dissatisfied import DissatisfiedList
from .groups import header
from .period import Period
from .satisfaction import SatisfactionReport
from .stats import Summary, rounded
from .waiting import WaitingReport, WaitingRow

TOTAL = N_("Tổng cộng")
SCORE_NOTE = N_("Điểm QĐ 766 = (tổng số lượt đánh giá - số lượt Không hài lòng) / tổng số lượt "
                "đánh giá x 100% (Quyết định 766/QĐ-TTg).")


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    kind: str = "text"
    width: int = 14


@dataclass(frozen=True)
class ReportTable:
    kind: str  # satisfaction | waiting | dissatisfied | appointments
    title: str
    period: Period
    group_by: tuple[str, ...]
    columns: tuple[Column, ...]
    rows: list[list]
    total: list | None = None
    notes: tuple[str, ...] = field(default=())

    @property
    def headers(self) -> list[str]:
        return [c.header for c in self.columns]

    def all_rows(self) -> list[list]:
        """Data rows then the total row, if any."""
        return self.rows + ([self.total] if self.total is not None else [])


def report_table(report: SatisfactionReport | WaitingReport | DissatisfiedList | AppointmentReport
                 ) -> ReportTable:
    """The table of any report."""
    if isinstance(report, AppointmentReport):
        return appointment_table(report)
    if isinstance(report, SatisfactionReport):
        return satisfaction_table(report)
    if isinstance(report, WaitingReport):
        return waiting_table(report)
    if isinstance(report, DissatisfiedList):
        return dissatisfied_table(report)
    raise TypeError(f"not a report: {type(report).__name__}")


def _title(what: str, centre: str, period: Period) -> str:
    return f"{what} — {centre} — {period.label()}"


def _group_columns(dims: tuple[str, ...]) -> list[Column]:
    if not dims:
        return [Column("scope", words(DEFAULT).gettext("Phạm vi"), width=28)]
    return [Column(d, header(d), width=30 if d in ("officer", "service") else 14) for d in dims]


def _total_cells(dims: tuple[str, ...]) -> list:
    return [words(DEFAULT).gettext(TOTAL)] + [None] * (max(1, len(dims)) - 1)


def _grouping_note(dims: tuple[str, ...]) -> tuple[str, ...]:
    if not dims:
        return ()
    return (words(DEFAULT).gettext("Nhóm theo: {dims}.", dims=", ".join(header(d).lower() for d in dims)),)


def satisfaction_table(report: SatisfactionReport) -> ReportTable:
    say = words(DEFAULT)
    cols = _group_columns(report.group_by) + [Column("total", say.gettext("Tổng số lượt"), "int", 12)]
    for lv in report.levels:
        cols += [Column(f"{lv.id}_count", say.gettext("{level} (lượt)", level=lv.name), "int", 14),
                 Column(f"{lv.id}_percent", f"{lv.name} (%)", "percent", 14)]
    cols.append(Column("score", say.gettext("Điểm QĐ 766 (%)"), "percent", 14))

    def cells(row) -> list:
        out: list = [row.total]
        for lv in row.levels:
            out += [lv.count, lv.percent]
        return out + [row.score]

    return ReportTable(
        "satisfaction", _title(say.gettext("Báo cáo mức độ hài lòng"), report.centre, report.period),
        report.period, report.group_by, tuple(cols),
        [[g.name for g in r.group] + cells(r) for r in report.rows],
        _total_cells(report.group_by) + cells(report.total),
        _grouping_note(report.group_by) + (say.gettext(SCORE_NOTE),))


def _minutes(seconds: float | None) -> float | None:
    return None if seconds is None else rounded(Fraction(seconds).limit_denominator(1000) / 60, 1)


def _summary_cells(s: Summary) -> list:
    return [_minutes(s.mean), _minutes(s.median), _minutes(s.p90)]


def waiting_table(report: WaitingReport) -> ReportTable:
    target = f"{report.target_wait_minutes:g}"
    say = words(DEFAULT)
    cols = _group_columns(report.group_by) + [
        Column("tickets", say.gettext("Số vé"), "int", 10),
        Column("called", say.gettext("Đã gọi"), "int", 10),
        Column("served", say.gettext("Đã phục vụ"), "int", 11),
        Column("no_show", say.gettext("Vắng mặt"), "int", 10),
        Column("no_show_rate", say.gettext("Tỷ lệ vắng mặt (%)"), "percent", 12),
        Column("wait_mean", say.gettext("Chờ trung bình (phút)"), "minutes", 12),
        Column("wait_median", say.gettext("Chờ trung vị (phút)"), "minutes", 12),
        Column("wait_p90", say.gettext("Chờ P90 (phút)"), "minutes", 12),
        Column("service_mean", say.gettext("Phục vụ trung bình (phút)"), "minutes", 12),
        Column("service_median", say.gettext("Phục vụ trung vị (phút)"), "minutes", 12),
        Column("service_p90", say.gettext("Phục vụ P90 (phút)"), "minutes", 12),
        Column("within_target_rate", say.gettext("Được gọi trong {target} phút (%)", target=target),
               "percent", 14),
    ]

    def cells(r: WaitingRow) -> list:
        return ([r.tickets, r.called, r.served, r.no_show, r.no_show_rate]
                + _summary_cells(r.wait) + _summary_cells(r.service) + [r.within_target_rate])

    notes = _grouping_note(report.group_by) + (say.gettext(
        "Thời gian chờ: từ lúc lấy số đến lúc được gọi; thời gian phục vụ: từ lúc gọi đến lúc "
        "hoàn thành. P90: 90% số vé không quá mức này. Vắng mặt: đã gọi nhưng không được phục vụ "
        "(tỷ lệ trên số vé đã gọi)."),)
    return ReportTable(
        "waiting", _title(say.gettext("Báo cáo thời gian chờ và phục vụ"), report.centre, report.period),
        report.period, report.group_by, tuple(cols),
        [[g.name for g in r.group] + cells(r) for r in report.rows],
        _total_cells(report.group_by) + cells(report.total), notes)


_APPOINTMENT_COLUMNS = (
    ("bookings", N_("Lượt đặt lịch"), "int"), ("cancelled", N_("Đã hủy"), "int"),
    ("checked_in", N_("Đã đến"), "int"), ("late", N_("Trong đó đến muộn"), "int"),
    ("no_show", N_("Không đến"), "int"), ("pending", N_("Chưa đến hạn"), "int"),
    ("no_show_rate", N_("Tỷ lệ không đến (%)"), "percent"), ("offered", N_("Số chỗ mở"), "int"),
    ("capacity_use", N_("Chỗ đã đặt (%)"), "percent"),
    ("checked_in_use", N_("Chỗ có người đến (%)"), "percent"),
)
"""The appointment report's own columns before the waits: key, header (a msgid), kind."""


def appointment_table(report: AppointmentReport) -> ReportTable:
    say = words(DEFAULT)
    waits = {"appointment": say.gettext("Chờ - có lịch hẹn"), "walk_in": say.gettext("Chờ - không hẹn"),
             "kiosk": say.gettext("Chờ - máy lấy số"), "remote": say.gettext("Chờ - lấy số từ xa")}
    cols = _group_columns(report.group_by) + [
        Column(key, say.gettext(msgid), kind, 10 if kind == "int" else 12)
        for key, msgid, kind in _APPOINTMENT_COLUMNS]
    for key, name in waits.items():
        cols += [Column(f"{key}_median", say.gettext("{what}, trung vị (phút)", what=name), "minutes", 13),
                 Column(f"{key}_p90", say.gettext("{what}, P90 (phút)", what=name), "minutes", 13)]

    def cells(r: AppointmentRow) -> list:
        out: list = [getattr(r, key) for key, _, _ in _APPOINTMENT_COLUMNS]
        for key in waits:
            out += _summary_cells(r.waits[key])[1:]
        return out

    notes = _grouping_note(report.group_by) + (say.gettext(
        "Chỉ tính các lĩnh vực nhận đặt lịch. Không đến: tỷ lệ trên số lịch đã đến hoặc không đến. "
        "Chỗ đã đặt: lượt đặt trừ lượt hủy, trên số chỗ mở theo kế hoạch khung giờ hiện hành. "
        "Chờ có lịch hẹn: từ giờ bắt đầu khung giờ (hoặc từ lúc xác nhận đến, nếu muộn hơn) đến lúc "
        "được gọi; chờ không hẹn (máy lấy số và lấy số từ xa): từ lúc lấy số đến lúc được gọi. "
        "P90: 90% số vé không quá mức này."),)
    return ReportTable(
        "appointments",
        _title(say.gettext("Báo cáo lịch hẹn và khách không hẹn"), report.centre, report.period),
        report.period, report.group_by, tuple(cols),
        [[g.name for g in r.group] + cells(r) for r in report.rows],
        _total_cells(report.group_by) + cells(report.total), notes)


def dissatisfied_table(report: DissatisfiedList) -> ReportTable:
    say = words(DEFAULT)
    cols = (Column("index", say.gettext("STT"), "int", 6),
            Column("pressed_at", say.gettext("Thời gian"), "datetime", 17),
            Column("number", say.gettext("Số thứ tự"), width=10),
            Column("counter", header("counter"), width=12),
            Column("officer", header("officer"), width=26), Column("service", header("service"), width=30),
            Column("level", say.gettext("Mức đánh giá"), width=16),
            Column("dossier_code", say.gettext("Mã hồ sơ"), width=22))
    rows = [[i, c.pressed_at.replace(tzinfo=None, microsecond=0), c.number, c.counter_name,
             c.officer_name, c.field_name, c.level_name, c.dossier_code]
            for i, c in enumerate(report.cases, start=1)]
    return ReportTable(
        "dissatisfied",
        _title(say.gettext("Danh sách trường hợp không hài lòng"), report.centre, report.period),
        report.period, (), cols, rows, None,
        (say.ngettext("Tổng số: {n} trường hợp.", "Tổng số: {n} trường hợp.", len(rows)),))


def as_datetime(value: datetime) -> str:
    return value.strftime("%d/%m/%Y %H:%M")
