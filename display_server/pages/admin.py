"""Administration (admins only): the live dashboard here; officer accounts, the day (notices,
closing fields, reset), the audit log, reports and configuration in the ``admin_*`` modules,
all on this one blueprint.

Every page needs an admin logged in with the page session: anonymous visitors go to the login
form (and come back), officers get 403. Every form POST must carry the CSRF token.
"""

from __future__ import annotations

from flask import Blueprint, current_app, g, redirect, render_template, request, url_for
from flask_wtf.csrf import CSRFError

from motcua.core.accounts import Officer
from motcua.core.queue.events import KINDS

from ..api.admin import dashboard_data
from ..auth import csrf
from . import admin_strings  # noqa: F401  (adds the admin messages to i18n.MESSAGES)
from .common import config, error_page, field_names, page_officer, svc
from .i18n import current_lang, strings, t

bp = Blueprint("admin", __name__, url_prefix="/admin")

DASHBOARD_STRINGS = (
    "counter_n", "paused", "people", "minutes", "under_minute", "field_closed",
    "adm_open", "adm_closed_today", "adm_not_open", "adm_idle", "adm_serving", "adm_paused_reason",
    "adm_no_officer", "adm_online", "adm_offline", "adm_never", "adm_ago_s", "adm_ago_min",
    "adm_ago_h", "adm_ago_d", "adm_kind_kiosk", "adm_kind_rating_station", "adm_backlog",
    "adm_dead_letters", "adm_no_dead", "adm_updated_at", "adm_no_votes", "adm_printer_ok",
    "adm_printer_paper_low", "adm_printer_paper_out", "adm_printer_cover_open",
    "adm_printer_offline", "adm_printer_unknown", "adm_printer_none",
    "adm_counters_of", "adm_version", "adm_alert_printer",
)


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
        return error_page(403, t("forbidden"), t("admin_only"))
    g.admin = officer
    if request.method == "POST":
        try:
            csrf.protect()
        except CSRFError:
            return error_page(400, t("csrf_failed"), t("adm_csrf_text"))
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
        "strings": strings(*DASHBOARD_STRINGS),
    }
    return render_template("admin/dashboard.html", boot=boot, nav="dashboard")


from . import admin_accounts, admin_audit, admin_config, admin_day, admin_reports  # noqa: E402,F401
