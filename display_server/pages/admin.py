"""Administration: a placeholder until reports and settings are built (admins only)."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for

from .common import error_page, page_officer
from .i18n import t

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.get("")
def index():
    officer = page_officer()
    if officer is None:
        return redirect(url_for("counter.index", next=request.path))
    if officer.role != "admin":
        return error_page(403, t("forbidden"), t("admin_only"))
    return render_template("admin/index.html", officer=officer)
