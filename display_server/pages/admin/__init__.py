"""Administration (admins only), one blueprint: the live dashboard (``dashboard``), officer
accounts (``accounts``), the day: notices, closing fields, reset (``day``), the audit log
(``audit``), reports (``reports``, their period in ``period``), configuration (``config``),
appointment slots and remote-ticket limits (``bookings``, its form in ``booking_form``) and the
remote-ticket poster (``poster``).

Every page needs an admin logged in with the page session: anonymous visitors go to the login
form (and come back), officers get 403. Every form POST must carry the CSRF token.
"""

from __future__ import annotations

from flask import Blueprint, g, redirect, request, url_for

from motcua.core.accounts import Officer

from ..common import error_page, page_officer, stale_form
from ..i18n import gettext as _

bp = Blueprint("admin", __name__, url_prefix="/admin")


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
        stale = stale_form()
        if stale:
            return error_page(400, _("Phiên làm việc đã hết hạn. Vui lòng đăng nhập lại."), stale)
    return None


@bp.after_request
def _no_store(response):
    response.headers.setdefault("Cache-Control", "no-store")
    return response


from . import accounts, audit, bookings, config, dashboard, day, poster, reports  # noqa: E402,F401  (the views)
