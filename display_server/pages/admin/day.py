"""Today's operations: hall notices, closing a field for the rest of the day (or reopening it),
and starting the day again (after a confirmation page that says what will happen)."""

from __future__ import annotations

from dataclasses import asdict

from flask import flash, redirect, render_template, request, url_for

from ..common import config, field_name, not_found, svc
from ..i18n import gettext as _
from ..i18n import ngettext
from . import actor, bp
from .audit import local_date

MAX_NOTICES = 20
MAX_NOTICE_CHARS = 300


def check_notices(text: str) -> tuple[list[str], str | None]:
    """One notice per non-empty line; an error when there are too many or one is too long."""
    lines = [" ".join(line.split()) for line in text.splitlines()]
    lines = [line for line in lines if line]
    if len(lines) > MAX_NOTICES:
        return lines, _("Nhiều hơn {n} dòng thông báo. Vui lòng bớt lại.").format(n=MAX_NOTICES)
    long = next((i for i, line in enumerate(lines, 1) if len(line) > MAX_NOTICE_CHARS), None)
    if long is not None:
        return lines, _("Dòng {line} dài quá {n} ký tự. Vui lòng rút gọn.").format(line=long,
                                                                                   n=MAX_NOTICE_CHARS)
    return lines, None


def _day_page(notices_text: str | None = None, error: str | None = None, status: int = 200):
    engine = svc().engine
    fields = [{**asdict(f), "label": field_name(config().field(f.id))} for f in engine.fields()]
    if notices_text is None:
        notices_text = "\n".join(engine.notices())
    return render_template("admin/day.html", nav="day", fields=fields, notices_text=notices_text,
                           notices_error=error, max_notices=MAX_NOTICES,
                           max_chars=MAX_NOTICE_CHARS, day=engine.today()), status


@bp.get("/day")
def day():
    return _day_page()


@bp.post("/notices")
def save_notices():
    text = request.form.get("notices", "")[:MAX_NOTICES * (MAX_NOTICE_CHARS + 2) * 2]
    lines, error = check_notices(text)
    if error:
        return _day_page(text, error, 400)
    saved = svc().engine.set_notices(lines, actor=actor())
    if saved:
        n = len(saved)
        done = ngettext("Đã lưu {n} thông báo; màn hình sảnh đã cập nhật.",
                        "Đã lưu {n} thông báo; màn hình sảnh đã cập nhật.", n).format(n=n)
    else:
        done = _("Đã xóa hết thông báo trên màn hình sảnh.")
    flash(done, "ok")
    return redirect(url_for("admin.day") + "#notices")


@bp.post("/fields/<field_id>")
def close_field(field_id: str):
    fld = config().field(field_id)
    if fld is None:
        return not_found(_("Không có lĩnh vực này"),
                         _("Mã lĩnh vực “{id}” không có trong cấu hình.").format(id=field_id))
    reopen = request.form.get("action") == "reopen"
    svc().engine.close_field(fld.id, reopen=reopen, actor=actor())
    done = (_("Đã mở lại nhận số lĩnh vực “{name}”.") if reopen
            else _("Đã ngừng nhận số lĩnh vực “{name}” đến hết hôm nay."))
    flash(done.format(name=field_name(fld)), "ok")
    return redirect(url_for("admin.day") + "#fields")


def reset_preview() -> dict:
    """What a reset would change now: tickets waiting, missed, at counters; first numbers."""
    counts = svc().engine.counts_today()
    return {
        "waiting": counts.waiting + counts.transferred,
        "missed": counts.skipped,
        "at_counter": counts.called + counts.serving,
        "first_numbers": [(field_name(f), f.numbering.format(1)) for f in config().fields],
    }


@bp.get("/day/reset")
def reset_confirm():
    return render_template("admin/reset.html", nav="day", preview=reset_preview(),
                           day=local_date(svc().engine.today()))


@bp.post("/day/reset")
def reset_day():
    if request.form.get("confirm") != "yes":
        return redirect(url_for("admin.reset_confirm"))
    expired = svc().engine.reset_day(actor=actor())
    flash(ngettext("Đã bắt đầu lại ngày: {n} số đang chờ đã bị hủy, số thứ tự đánh lại từ đầu.",
                   "Đã bắt đầu lại ngày: {n} số đang chờ đã bị hủy, số thứ tự đánh lại từ đầu.",
                   expired).format(n=expired), "ok")
    return redirect(url_for("admin.day"))
