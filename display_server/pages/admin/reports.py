"""Report pages: satisfaction (with the dissatisfied cases and the trend chart), waiting and
service times (with volumes by hour and waiting time by field), appointments against walk-ins,
and a printable view of any report table. Figures come from :mod:`motcua.core.reports`;
downloads link to the report API.
"""

from __future__ import annotations

from datetime import date, datetime

from flask import render_template, request, url_for

from motcua.core.i18n import DEFAULT, words
from motcua.core.reports import (
    ReportError,
    ReportTable,
    appointment_report,
    dissatisfied_cases,
    report_table,
    satisfaction_report,
    waiting_report,
)
from motcua.core.reports.appointments import DIMENSIONS as APPOINTMENTS_BY
from motcua.core.reports.satisfaction import DIMENSIONS as SATISFACTION_BY
from motcua.core.reports.waiting import DIMENSIONS as WAITING_BY

from ..common import config, field_name, svc
from ..i18n import current_lang
from ..i18n import gettext as _
from . import bp
from .period import PRESETS, Choice, choose, dmy, is_iso_date, trend_unit

KINDS = {"satisfaction": SATISFACTION_BY, "waiting": WAITING_BY, "dissatisfied": (),
         "appointments": APPOINTMENTS_BY}
DEFAULT_GROUP = {"satisfaction": ("officer",), "waiting": ("service",), "dissatisfied": (),
                 "appointments": ("service",)}
PAGES = {"waiting": "admin.reports_waiting", "appointments": "admin.reports_appointments"}
"""The page a printed report goes back to (the satisfaction page otherwise)."""


def chart_strings() -> dict[str, str]:
    """The charts' words for static/js/admin-reports.js; keys: the names the script uses."""
    return {
        "adm_chart_score": _("Điểm QĐ 766"),
        "adm_chart_votes": _("Lượt đánh giá"),
        "adm_chart_tickets": _("Số vé"),
        "adm_chart_wait_mean": _("Chờ trung bình"),
        "adm_chart_wait_p90": _("Chờ P90"),
        "adm_chart_minutes": _("phút"),
        "adm_chart_empty": _("Chưa có dữ liệu trong khoảng thời gian này."),
        "adm_by_day": _("Ngày"),
        "adm_by_month": _("Tháng"),
        "adm_by_hour": _("Giờ trong ngày"),
        "adm_by_service": _("Lĩnh vực"),
    }


def cell(value: object, kind: str) -> str:
    """A report cell as people read it in Vietnamese: 1.234 / 99,91 / 12,5 / 25/11/2026 09:05."""
    if value is None:
        return "–" if kind in ("percent", "minutes") else ""
    if isinstance(value, datetime):
        return value.strftime("%d/%m/%Y %H:%M")
    if kind == "int" and isinstance(value, int):
        return f"{value:,}".replace(",", ".")
    if kind == "percent":
        return f"{value:.2f}".replace(".", ",")
    if kind == "minutes":
        return f"{value:.1f}".replace(".", ",")
    return str(value)


@bp.app_template_filter("report_cell")
def _report_cell(value: object, kind: str) -> str:
    return cell(value, kind)


def _choice(kind: str) -> Choice:
    args = request.args.to_dict()
    if "by" in request.args:
        args["by"] = ",".join(x for x in request.args.getlist("by") if x)
    return choose(args, date.fromisoformat(svc().engine.today()), KINDS[kind], DEFAULT_GROUP[kind])


def downloads(kind: str, choice: Choice) -> dict[str, str]:
    """Links to the report API (CSV, XLSX) and to the printable page."""
    query = choice.query() if kind != "dissatisfied" else {"from": choice.start, "to": choice.end}
    api = {k: v for k, v in query.items() if k != "by"}
    if kind != "dissatisfied":
        api["group_by"] = choice.group_arg
    return {
        "csv": url_for(f"api.report_{kind}", **api, format="csv"),
        "xlsx": url_for(f"api.report_{kind}", **api, format="xlsx"),
        "print": url_for("admin.report_print", report=kind, **query),
    }


def _label(unit: str, key: str) -> str:
    if unit == "day":
        return f"{key[8:10]}/{key[5:7]}"
    if unit == "month":
        return f"{key[5:7]}/{key[:4]}"
    return key


def satisfaction_chart(start: str, end: str) -> dict:
    """The Decision 766 score and the number of votes per day (or month) of the period."""
    s = svc()
    unit = trend_unit(date.fromisoformat(start), date.fromisoformat(end))
    report = satisfaction_report(s.db, s.config, start, end, unit)
    return {"unit": unit,
            "labels": [_label(unit, str(r.group[0].id)) for r in report.rows],
            "score": [r.score for r in report.rows],
            "votes": [r.total for r in report.rows]}


def _minutes(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds / 60, 1)


def waiting_charts(start: str, end: str) -> dict:
    """Tickets per hour of the day, and waiting minutes (mean and p90) per field."""
    s = svc()
    by_hour = waiting_report(s.db, s.config, start, end, "hour")
    by_field = waiting_report(s.db, s.config, start, end, "service")
    hours = [r for r in by_hour.rows if r.group[0].id is not None]
    fields = [r for r in by_field.rows if r.group[0].id is not None]
    names = [field_name(f) if (f := s.config.field(r.group[0].id)) else r.group[0].name
             for r in fields]
    return {
        "hours": {"labels": [f"{r.group[0].id}h" for r in hours],
                  "tickets": [r.tickets for r in hours]},
        "fields": {"labels": names, "mean": [_minutes(r.wait.mean) for r in fields],
                   "p90": [_minutes(r.wait.p90) for r in fields]},
    }


def _check_dates(choice: Choice) -> None:
    """Dates the form could not read, in the page's words (the reports check the rest)."""
    for value in (choice.start, choice.end):
        if not is_iso_date(value):
            raise ReportError("bad_date", _("Ngày không hợp lệ: “{value}”. Viết dạng ngày/tháng/năm, ví dụ "
                                            "25/11/2026.").format(value=value))


def _compute(kind: str, choice: Choice):
    _check_dates(choice)
    s = svc()
    if kind == "satisfaction":
        return satisfaction_report(s.db, s.config, choice.start, choice.end, choice.group_by)
    if kind == "waiting":
        return waiting_report(s.db, s.config, choice.start, choice.end, choice.group_by)
    if kind == "appointments":
        return appointment_report(s.db, s.config, choice.start, choice.end, choice.group_by,
                                  plans=s.appointments.overrides if s.appointments else None)
    return dissatisfied_cases(s.db, s.config, choice.start, choice.end)


def _page(kind: str, template: str, nav: str, extra):
    choice = _choice(kind)
    context: dict = {"choice": choice, "presets": PRESETS, "dims": KINDS[kind], "error": None,
                     "links": downloads(kind, choice), "kind": kind,
                     "shown": {"from": dmy(choice.start), "to": dmy(choice.end)}}
    status = 200
    try:
        table = report_table(_compute(kind, choice))
        context.update(table=table, **extra(choice))
    except ReportError as exc:
        context.update(error=exc.message, table=None)
        status = 400
    boot = {"lang": current_lang(), "charts": context.pop("charts", None),
            "strings": chart_strings()}
    return render_template(template, nav=nav, boot=boot, **context), status


@bp.get("/reports")
def reports():
    def extra(choice: Choice) -> dict:
        dissatisfied = report_table(_compute("dissatisfied", choice))
        return {"dissatisfied": dissatisfied,
                "dissatisfied_links": downloads("dissatisfied", choice),
                "charts": {"trend": satisfaction_chart(choice.start, choice.end)}}

    return _page("satisfaction", "admin/reports.html", "reports", extra)


@bp.get("/reports/waiting")
def reports_waiting():
    return _page("waiting", "admin/waiting.html", "waiting",
                 lambda choice: {"charts": waiting_charts(choice.start, choice.end)})


@bp.get("/reports/appointments")
def reports_appointments():
    return _page("appointments", "admin/appointments.html", "appointments", lambda choice: {})


@bp.get("/reports/print")
def report_print():
    kind = request.args.get("report", "satisfaction")
    if kind not in KINDS:
        kind = "satisfaction"
    choice = _choice(kind)
    try:
        table: ReportTable | None = report_table(_compute(kind, choice))
        error = None
    except ReportError as exc:
        table, error = None, exc.message
    wide = kind in ("waiting", "appointments") or (table is not None and len(table.columns) > 10)
    centre = config().centre
    vi = words(DEFAULT)  # the document is the centre's official one: Vietnamese in every language
    superior = vi.gettext("UBND {commune}", commune=centre.commune) if centre.commune and \
        centre.commune.casefold() not in centre.name.casefold() else ""
    printed_at = datetime.now(config().zone)
    place = centre.commune or centre.province
    doc = {
        "nation": vi.gettext("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"),
        "motto": vi.gettext("Độc lập - Tự do - Hạnh phúc"),
        "date": vi.gettext("ngày {d} tháng {m} năm {y}", d=printed_at.strftime("%d"),
                           m=printed_at.strftime("%m"), y=printed_at.strftime("%Y")),
        "place": place,
        "maker": vi.gettext("NGƯỜI LẬP BIỂU"),
        "maker_sign": vi.gettext("(Ký, ghi rõ họ tên)"),
        "head": vi.gettext("THỦ TRƯỞNG ĐƠN VỊ"),
        "head_sign": vi.gettext("(Ký, ghi rõ họ tên, đóng dấu)"),
        "foot": vi.gettext("In lúc {time} từ hệ thống xếp hàng motcua.",
                           time=printed_at.strftime("%H:%M %d/%m/%Y")),
    }
    return render_template("admin/print.html", table=table, error=error, wide=wide, doc=doc,
                           printed_at=printed_at, kind=kind, superior=superior,
                           back=url_for(PAGES.get(kind, "admin.reports"), **choice.query())), \
        200 if table is not None else 400
