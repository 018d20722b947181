"""The officer page: log in and out, choose a counter, then the work screen (which drives the
JSON API with the session cookie and the CSRF token)."""

from __future__ import annotations

from flask import Blueprint, current_app, redirect, render_template, request, session, url_for
from flask_wtf.csrf import CSRFError

from motcua.core.queue.events import KINDS

from ..auth import attempt_login, csrf
from .common import (
    allowed_counters,
    config,
    error_page,
    field_names,
    not_found,
    page_officer,
    safe_next,
)
from .i18n import PAUSE_REASONS, current_lang, strings, t, tn

bp = Blueprint("counter", __name__, url_prefix="/counter")

WORK_STRINGS = (
    "counter_n", "no_current", "called_times", "skip_after", "nobody_waiting", "called_ok",
    "no_missed", "call_again", "count_done", "count_skipped", "count_transferred",
    "rating_received", "rating_received_nonumber", "paused_banner", "pause", "resume",
    "priority", "error_generic", "error_network", "session_expired", "transfer_title",
    "people", "dossier_saved", "printer_alert_paper_out", "printer_alert_cover_open",
    "printer_alert_offline", "recalled_ok", "transferred_ok", "dossier_too_long",
)


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
        return _login_page(t("csrf_failed"), 400)
    username = request.form.get("username", "").strip().lower()[:64]
    password = request.form.get("password", "")[:256]
    attempt = attempt_login(username, password)
    if attempt.retry_after_s:
        return _login_page(tn("too_many_attempts", attempt.retry_after_s // 60 + 1), 429, username)
    if attempt.officer is None:
        return _login_page(t("bad_credentials"), 401, username)
    session.clear()
    session["officer_id"] = attempt.officer.id
    session["h"] = attempt.password_hash[-12:]
    return redirect(safe_next(request.form.get("next"), url_for("counter.index")))


@bp.post("/logout")
def logout():
    try:
        csrf.protect()
    except CSRFError:
        return error_page(400, t("csrf_failed"))
    session.clear()
    return redirect(url_for("counter.index"))


@bp.get("/<counter_id>")
def work(counter_id: str):
    cfg = config()
    counter = cfg.counter(counter_id)
    if counter is None:
        return not_found(t("counter_not_found"), t("counter_not_found_text", id=counter_id))
    officer = page_officer()
    if officer is None:
        return redirect(url_for("counter.index", next=request.path))
    if not officer.may_use(counter_id):
        return error_page(403, t("forbidden"), t("no_counter_allowed"))
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
        "strings": strings(*WORK_STRINGS),
    }
    others = [c for c in cfg.counters if c.id != counter.id]
    return render_template("counter/work.html", officer=officer, counter=counter, boot=boot,
                           fields=field_names(), others=others,
                           reasons=[t(r) for r in PAUSE_REASONS])
