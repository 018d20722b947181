"""The officer page: log in and out, choose a counter, then the work screen (which drives the
JSON API with the session cookie and the CSRF token)."""

from __future__ import annotations

from flask import Blueprint, current_app, redirect, render_template, request, session, url_for
from flask_wtf.csrf import CSRFError

from config.schema import CounterConfig
from motcua.core.queue.events import KINDS

from ..auth import attempt_login, csrf
from .common import (
    allowed_counters,
    config,
    counter_not_found,
    error_page,
    field_names,
    page_officer,
    safe_next,
    svc,
)
from .i18n import counted, current_lang, ngettext, pgettext
from .i18n import gettext as _

bp = Blueprint("counter", __name__, url_prefix="/counter")


def work_strings() -> dict[str, str]:
    """The officer page's words for static/js/officer.js; keys: the names the script uses."""
    return {
        "counter_n": _("Quầy {n}"),
        "no_current": pgettext("no_current", "Chưa gọi số nào"),
        "called_times": _("Đã gọi {n} lần"),
        **counted("skip_after",
                  lambda n: ngettext("Được bỏ qua sau {n} lần gọi", "Được bỏ qua sau {n} lần gọi", n)),
        "nobody_waiting": _("Không còn ai đang chờ."),
        "called_ok": _("Đã gọi số {number}."),
        "no_missed": _("Không có số vắng mặt."),
        "call_again": _("Gọi lại số {number}"),
        "count_done": _("Đã phục vụ"),
        "count_skipped": pgettext("count_skipped", "Vắng mặt"),
        "count_transferred": _("Đã chuyển"),
        "rating_received": _("Đánh giá số {number}: {level}"),
        "rating_received_nonumber": _("Đánh giá vừa nhận: {level}"),
        "paused_banner": _("Quầy đang tạm dừng: {reason}"),
        "pause": pgettext("pause", "Tạm dừng"),
        "resume": _("Tiếp tục làm việc"),
        "priority": _("Ưu tiên"),
        "error_generic": _("Có lỗi xảy ra. Vui lòng thử lại."),
        "error_network": _("Không gửi được yêu cầu đến máy chủ. Kiểm tra kết nối mạng."),
        "session_expired": _("Phiên đăng nhập đã hết. Đang chuyển về trang đăng nhập…"),
        "transfer_title": _("Chuyển số {number}"),
        **counted("people", lambda n: ngettext("{n} người", "{n} người", n)),
        "dossier_saved": _("Đã lưu mã hồ sơ cho số {number}."),
        "printer_alert_paper_out": _("{device}: máy in hết giấy, đang tạm ngừng phát số. Nhờ thay giấy."),
        "printer_alert_cover_open": _("{device}: nắp máy in đang mở, đang tạm ngừng phát số. Nhờ đóng nắp."),
        "printer_alert_offline": _("{device}: máy in không hoạt động, đang tạm ngừng phát số. Nhờ kiểm tra "
                                   "máy in."),
        "recalled_ok": _("Đã gọi lại số {number}."),
        "transferred_ok": _("Đã chuyển số {number} sang {to}."),
        "dossier_too_long": _("Mã hồ sơ dài {n} ký tự, quá {max} ký tự: chưa lưu. Xin kiểm tra lại."),
        **appointment_strings(),
    }


def appointment_strings() -> dict[str, str]:
    """The words of the officer page's appointments (static/js/officer-appointments.js)."""
    return {
        "appt_none": _("Hôm nay không có lịch hẹn."),
        "appt_checked_in": _("Đã nhận số {number} cho lịch hẹn {code}."),
        "appt_check_in": _("Nhận số"),
        "appt_code_needed": _("Xin nhập mã lịch hẹn 6 chữ số."),
        "appt_state_booked": _("Đã đặt lịch"),
        "appt_state_cancelled": _("Đã hủy"),
        "appt_state_checked_in": _("Đã nhận số {number}"),
        "appt_state_walked_in": _("Đã nhận số {number}"),
        "appt_state_late": _("Đã quá giờ hẹn"),
        "appt_state_no_show": _("Không đến theo lịch hẹn"),
    }


def takes_appointments(counter: CounterConfig) -> bool:
    """Whether one of the counter's fields takes appointments."""
    book = svc().appointments
    return any((f := config().field(fid)) is not None and book.plan(f) is not None
               for fid in counter.fields)


def _login_page(error: str = "", status: int = 200, username: str = ""):
    nxt = safe_next(request.values.get("next"), "")
    return render_template("counter/login.html", error=error, username=username,
                           next=nxt), status


@bp.get("")
def index():
    officer = page_officer()
    if officer is None:
        return _login_page()
    counters = allowed_counters(officer)
    if len(counters) == 1:  # nothing to choose: straight to the officer's counter
        return redirect(url_for("counter.work", counter_id=counters[0].id))
    return render_template("counter/choose.html", officer=officer, counters=counters,
                           fields=field_names())


@bp.post("/login")
def login():
    try:
        csrf.protect()
    except CSRFError:
        return _login_page(_("Phiên làm việc đã hết hạn. Vui lòng đăng nhập lại."), 400)
    username = request.form.get("username", "").strip().lower()[:64]
    password = request.form.get("password", "")[:256]
    attempt = attempt_login(username, password)
    if attempt.retry_after_s:
        minutes = attempt.retry_after_s // 60 + 1
        return _login_page(ngettext("Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau {n} phút.",
                                    "Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau {n} phút.",
                                    minutes).format(n=minutes), 429, username)
    if attempt.officer is None:
        return _login_page(_("Tên đăng nhập hoặc mật khẩu không đúng."), 401, username)
    session.clear()
    session["officer_id"] = attempt.officer.id
    session["h"] = attempt.password_hash[-12:]
    return redirect(safe_next(request.form.get("next"), url_for("counter.index")))


@bp.post("/logout")
def logout():
    try:
        csrf.protect()
    except CSRFError:
        return error_page(400, _("Phiên làm việc đã hết hạn. Vui lòng đăng nhập lại."))
    session.clear()
    return redirect(url_for("counter.index"))


@bp.get("/<counter_id>")
def work(counter_id: str):
    cfg = config()
    counter = cfg.counter(counter_id)
    if counter is None:
        return counter_not_found(counter_id)
    officer = page_officer()
    if officer is None:
        return redirect(url_for("counter.index", next=request.path))
    if not officer.may_use(counter_id):
        return error_page(403, _("Bạn không có quyền xem trang này"),
                          _("Bạn chưa được phân công quầy nào. Vui lòng liên hệ quản trị."))
    lang = current_lang()
    levels = {lv.id: (lv.name_en or lv.name) if lang == "en" else lv.name
              for lv in cfg.ratings.effective_levels}
    boot = {
        "lang": lang,
        "tz": cfg.centre.timezone,
        "keepalive_s": current_app.config["SSE_KEEPALIVE_S"],
        "kinds": list(KINDS),
        "counter": {"id": counter.id, "number": counter.number},
        "fields": field_names(),
        "levels": levels,
        "strings": work_strings(),
        "appointments": takes_appointments(counter),
    }
    others = [c for c in cfg.counters if c.id != counter.id]
    return render_template("counter/work.html", officer=officer, counter=counter, boot=boot,
                           fields=field_names(), others=others,
                           reasons=[_("Đi họp"), _("Nghỉ giải lao"), _("Hỗ trợ nghiệp vụ")])
