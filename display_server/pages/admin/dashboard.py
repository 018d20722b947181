"""The admin dashboard: fields, counters and devices, kept live by the event stream (its
figures come from the admin API's ``dashboard_data``)."""

from __future__ import annotations

from flask import current_app, render_template

from motcua.core.queue.events import KINDS

from ...api.admin import dashboard_data
from ..common import config, field_names, svc
from ..i18n import current_lang, strings
from . import bp

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

