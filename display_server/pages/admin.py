"""Administration (admins only): the live dashboard here; officer accounts, the day (notices,
closing fields, reset), the audit log, reports and configuration in the ``admin_*`` modules,
all on this one blueprint.

Every page needs an admin logged in with the page session: anonymous visitors go to the login
form (and come back), officers get 403. Every form POST must carry the CSRF token.
"""

from __future__ import annotations

from flask import Blueprint, current_app, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext, pgettext
from flask_wtf.csrf import CSRFError

from motcua.core.accounts import Officer
from motcua.core.queue.events import KINDS

from ..api.admin import dashboard_data
from ..auth import csrf
from .common import config, error_page, field_names, page_officer, svc
from .display import queue_strings
from .i18n import counted, current_lang

bp = Blueprint("admin", __name__, url_prefix="/admin")


def dashboard_strings() -> dict[str, str]:
    """The dashboard's words for static/js/admin-dashboard.js; keys: the names the script uses."""
    return {
        **queue_strings(),
        "adm_open": _("Đang nhận số"),
        "adm_closed_today": _("Đã ngừng nhận số hôm nay"),
        "adm_not_open": _("Chưa mở"),
        "adm_idle": _("Đang mở, chưa gọi số"),
        "adm_serving": _("Đang phục vụ"),
        "adm_paused_reason": _("Tạm dừng: {reason}"),
        "adm_no_officer": _("Chưa có cán bộ"),
        "adm_online": _("Đang liên lạc"),
        "adm_offline": _("Mất liên lạc"),
        "adm_never": _("Chưa từng liên lạc"),
        "adm_ago_s": _("{n} giây trước"),
        "adm_ago_min": _("{n} phút trước"),
        "adm_ago_h": _("{n} giờ trước"),
        **counted("adm_ago_d", lambda n: ngettext("{n} ngày trước", "{n} ngày trước", n)),
        "adm_kind_kiosk": _("Máy lấy số"),
        "adm_kind_rating_station": _("Bộ nút đánh giá"),
        "adm_backlog": _("Chờ gửi: {n}"),
        **counted("adm_dead_letters", lambda n: ngettext("{n} lượt bị từ chối", "{n} lượt bị từ chối", n)),
        "adm_no_dead": _("không có lượt bị từ chối"),
        "adm_updated_at": _("Cập nhật lúc {t}"),
        "adm_no_votes": _("Chưa có lượt đánh giá nào hôm nay."),
        "adm_printer_ok": _("Máy in sẵn sàng"),
        "adm_printer_paper_low": _("Sắp hết giấy"),
        "adm_printer_paper_out": _("Hết giấy"),
        "adm_printer_cover_open": pgettext("adm_printer_cover_open", "Nắp máy in đang mở"),
        "adm_printer_offline": _("Máy in mất kết nối"),
        "adm_printer_unknown": _("Máy in không báo trạng thái"),
        "adm_printer_none": _("Chưa báo trạng thái máy in"),
        "adm_counters_of": _("quầy {list}"),
        "adm_version": _("phiên bản {v}"),
        "adm_alert_printer": _("{device}: {status}. Máy lấy số đang tạm ngừng phát số: thay giấy hoặc "
                               "kiểm tra máy in."),
    }


def admin() -> Officer:
    """The admin making this request (set by the guard below)."""
    return g.admin


def actor() -> str:
    """The audit-log actor of this request, as the API names officers."""
    return f"officer:{g.admin.username}"


@bp.before_request
def _admins_only():
    officer = page_officer()
    if officer is None:
        target = request.full_path if request.query_string else request.path
        if request.method != "GET":
            target = url_for("admin.index")
        return redirect(url_for("counter.index", next=target))
    if officer.role != "admin":
        return error_page(403, _("Bạn không có quyền xem trang này"),
                          _("Trang này chỉ dành cho quản trị viên."))
    g.admin = officer
    if request.method == "POST":
        try:
            csrf.protect()
        except CSRFError:
            return error_page(400, _("Phiên làm việc đã hết hạn. Vui lòng đăng nhập lại."),
                              _("Biểu mẫu đã cũ hoặc thiếu mã bảo mật. Vui lòng mở lại trang và thử "
                                "lại."))
    return None


@bp.after_request
def _no_store(response):
    response.headers.setdefault("Cache-Control", "no-store")
    return response


@bp.get("")
def index():
    cfg = config()
    lang = current_lang()
    boot = {
        "lang": lang,
        "tz": cfg.centre.timezone,
        "keepalive_s": current_app.config["SSE_KEEPALIVE_S"],
        "kinds": list(KINDS),
        "fields": field_names(),
        "refresh_s": 15,
        "data": dashboard_data(svc()),
        "strings": dashboard_strings(),
    }
    return render_template("admin/dashboard.html", boot=boot, nav="dashboard")


from . import admin_accounts, admin_audit, admin_config, admin_day, admin_reports  # noqa: E402,F401
