"""Officer accounts: list, add, disable or enable, reset a password, choose the counters.

Forms are checked here first so every problem gets a Vietnamese (or English) message next to its
field; :class:`~motcua.core.accounts.Accounts` checks again underneath.
"""

from __future__ import annotations

import logging

from flask import flash, redirect, render_template, request, session, url_for

from motcua.core.accounts import MIN_PASSWORD, ROLES, USERNAME, AccountError, Officer

from ..common import config, not_found, svc
from ..i18n import gettext as _
from . import admin, bp

log = logging.getLogger(__name__)
MAX_FULL_NAME = 100


def _counters_from(form) -> tuple[tuple[str, ...], str | None]:
    """The ticked counters (none ticked: every counter) and an error for unknown ids."""
    known = [c.id for c in config().counters]
    chosen = tuple(c for c in form.getlist("counters") if c)
    unknown = [c for c in chosen if c not in known]
    if unknown:
        return (), _("Quầy không có trong cấu hình: {ids}.").format(ids=", ".join(unknown[:5]))
    return tuple(c for c in known if c in chosen), None  # in the config's order


def _password_errors(form, errors: dict[str, str]) -> str:
    password = form.get("password", "")
    if len(password) < MIN_PASSWORD:
        errors["password"] = _("Mật khẩu cần ít nhất {n} ký tự.").format(n=MIN_PASSWORD)
    elif len(password) > 256:
        errors["password"] = _("Mật khẩu dài quá 256 ký tự.")
    elif password != form.get("password2", ""):
        errors["password2"] = _("Hai lần nhập mật khẩu không giống nhau.")
    return password


def check_new_officer(form) -> tuple[dict, dict[str, str]]:
    """The values of the add form and the problems, field name -> message."""
    errors: dict[str, str] = {}
    username = form.get("username", "").strip().lower()
    if not USERNAME.match(username):
        errors["username"] = _("Tên đăng nhập cần 2–64 ký tự: chữ thường không dấu, số, dấu chấm, gạch "
                               "dưới hoặc gạch ngang, bắt đầu bằng chữ hoặc số.")
    elif svc().accounts.by_username(username) is not None:
        errors["username"] = _taken(username)
    full_name = " ".join(form.get("full_name", "").split())
    if not full_name:
        errors["full_name"] = _("Vui lòng nhập họ và tên (tên này hiện trên báo cáo).")
    elif len(full_name) > MAX_FULL_NAME:
        errors["full_name"] = _("Họ và tên dài quá {n} ký tự.").format(n=MAX_FULL_NAME)
    role = form.get("role", "officer")
    if role not in ROLES:
        errors["role"] = _("Vai trò không hợp lệ.")
    password = _password_errors(form, errors)
    counters, problem = _counters_from(form)
    if problem:
        errors["counters"] = problem
    values = {"username": username, "full_name": full_name, "role": role, "password": password,
              "counters": counters}
    return values, errors


def _list_page(values: dict | None = None, errors: dict | None = None, status: int = 200):
    return render_template("admin/officers.html", nav="officers", officers=svc().accounts.list(),
                           counters=config().counters, values=values or {"role": "officer"},
                           errors=errors or {}), status


def _officer_or_404(username: str) -> Officer | None:
    return svc().accounts.by_username(username[:64])


def _no_such_officer(username: str):
    return not_found(_("Không có tài khoản này"),
                     _("Không tìm thấy tài khoản “{username}”.").format(username=username))


def _taken(username: str) -> str:
    return _("Tên đăng nhập “{username}” đã có người dùng.").format(username=username)


@bp.get("/officers")
def officers():
    return _list_page()


@bp.post("/officers")
def add_officer():
    values, errors = check_new_officer(request.form)
    if not errors:
        try:
            svc().accounts.add(values["username"], values["password"], full_name=values["full_name"],
                               role=values["role"], counters=values["counters"])
        except AccountError:  # e.g. the same username added at the same moment
            errors["username"] = _taken(values["username"])
    if errors:
        values.pop("password", None)
        return _list_page(values, errors, 400)
    _audit("account.added", values["username"], role=values["role"],
           counters=",".join(values["counters"]) or "all")
    flash(_("Đã thêm tài khoản “{username}”.").format(username=values["username"]), "ok")
    return redirect(url_for("admin.officers"))


def _audit(kind: str, username: str, **data: object) -> None:
    """Log an account change and keep it in the audit log (never streamed to screens)."""
    who = admin().username
    log.info("%s: %s %s %s", who, kind, username, data or "")
    svc().engine.record(kind, f"officer:{who}", username=username, **data)


def _edit_page(officer: Officer, errors: dict | None = None, status: int = 200):
    return render_template("admin/officer.html", nav="officers", officer=officer,
                           counters=config().counters, errors=errors or {},
                           is_self=officer.id == admin().id), status


@bp.get("/officers/<username>")
def officer(username: str):
    found = _officer_or_404(username)
    if found is None:
        return _no_such_officer(username)
    return _edit_page(found)


@bp.post("/officers/<username>/active")
def set_active(username: str):
    found = _officer_or_404(username)
    if found is None:
        return _no_such_officer(username)
    active = request.form.get("active") == "1"
    if not active and found.id == admin().id:
        return _edit_page(found, {"active": _("Bạn không thể tự khóa tài khoản mình đang dùng.")}, 400)
    svc().accounts.set_active(found.username, active)
    _audit("account.enabled" if active else "account.disabled", found.username)
    done = _("Đã mở khóa tài khoản “{username}”.") if active else _("Đã khóa tài khoản “{username}”.")
    flash(done.format(username=found.username), "ok")
    return redirect(url_for("admin.officer", username=found.username))


@bp.post("/officers/<username>/password")
def reset_password(username: str):
    found = _officer_or_404(username)
    if found is None:
        return _no_such_officer(username)
    errors: dict[str, str] = {}
    password = _password_errors(request.form, errors)
    if errors:
        return _edit_page(found, errors, 400)
    accounts = svc().accounts
    accounts.set_password(found.username, password)
    if found.id == admin().id:  # keep this session alive (a new password ends the others)
        session["h"] = accounts.password_hash(found.id)[-12:]
    _audit("account.password_reset", found.username)
    flash(_("Đã đặt lại mật khẩu cho “{username}”.").format(username=found.username), "ok")
    return redirect(url_for("admin.officer", username=found.username))


@bp.post("/officers/<username>/counters")
def set_counters(username: str):
    found = _officer_or_404(username)
    if found is None:
        return _no_such_officer(username)
    counters, problem = _counters_from(request.form)
    if problem:
        return _edit_page(found, {"counters": problem}, 400)
    svc().accounts.set_counters(found.username, counters)
    _audit("account.counters", found.username, counters=",".join(counters) or "all")
    flash(_("Đã lưu danh sách quầy của “{username}”.").format(username=found.username), "ok")
    return redirect(url_for("admin.officer", username=found.username))
