"""Report routes (admins only): JSON by default, a CSV or XLSX download with ``format``."""

from __future__ import annotations

from flask import Response, current_app, jsonify, request

from motcua.core.i18n import DEFAULT, words
from motcua.core.reports import (
    ReportError,
    appointment_report,
    dissatisfied_cases,
    export,
    report_table,
    satisfaction_report,
    waiting_report,
)

from ..auth import require
from . import bp
from .errors import ApiError

FORMATS = ("json", "csv", "xlsx")


def _format() -> str:
    fmt = (request.args.get("format") or "json").strip().lower()
    if fmt not in FORMATS:
        raise ApiError(400, "bad_format", words(DEFAULT).gettext(
            "Định dạng không hỗ trợ: {format}. Chọn json, csv hoặc xlsx.", format=repr(fmt)))
    return fmt


def _run(compute, *args, **kw):
    """Compute a report from the query string, or a 400 with the report's Vietnamese message."""
    fmt = _format()
    services = current_app.extensions["motcua"]
    try:
        report = compute(services.db, services.config, request.args.get("from"), request.args.get("to"),
                         *args, **kw)
    except ReportError as exc:
        raise ApiError(400, exc.code, exc.message) from None
    if fmt == "json":
        response = jsonify(report.as_dict())
    else:
        content, content_type, name = export(report_table(report), fmt)
        response = Response(content, content_type=content_type, headers={
            "Content-Disposition": f'attachment; filename="{name}"'})
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/reports/satisfaction")
@require(admin=True)
def report_satisfaction():
    return _run(satisfaction_report, request.args.get("group_by"))


@bp.get("/reports/waiting")
@require(admin=True)
def report_waiting():
    return _run(waiting_report, request.args.get("group_by"))


@bp.get("/reports/dissatisfied")
@require(admin=True)
def report_dissatisfied():
    return _run(dissatisfied_cases)


@bp.get("/reports/appointments")
@require(admin=True)
def report_appointments():
    book = current_app.extensions["motcua"].appointments
    return _run(appointment_report, request.args.get("group_by"),
                plans=book.overrides if book is not None else None)
