"""Helpers the page blueprints share: services, the logged-in officer, error pages, assets."""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

from flask import current_app, render_template, request, url_for
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from config.schema import Config, CounterConfig, FieldConfig
from motcua.core.accounts import Officer

from ..auth import csrf, current_principal
from ..services import Services
from .i18n import current_lang
from .i18n import gettext as _

STATIC_DIR = Path(__file__).resolve().parent.parent / "static"


def svc() -> Services:
    return current_app.extensions["motcua"]


def config() -> Config:
    return svc().config


def page_officer() -> Officer | None:
    """The officer logged in with the page session cookie (not a bearer token)."""
    principal = current_principal()
    if principal is None or principal.officer is None or not principal.via_session:
        return None
    return principal.officer


def allowed_counters(officer: Officer) -> list[CounterConfig]:
    return [c for c in config().counters if officer.may_use(c.id)]


def field_name(f: FieldConfig, lang: str | None = None) -> str:
    return (f.name_en or f.name) if (lang or current_lang()) == "en" else f.name


def field_names() -> dict[str, str]:
    """Field id -> name in the request's language."""
    return {f.id: field_name(f) for f in config().fields}


def error_page(status: int, title: str, text: str = ""):
    """A friendly HTML error page with ``status``."""
    return render_template("error.html", status=status, title=title, text=text), status


def not_found(title: str | None = None, text: str = ""):
    return error_page(404, title or _("Không tìm thấy trang"), text)


def stale_form() -> str | None:
    """Check the posted form's CSRF token; the message to show when it is missing or stale
    (the form was open too long, or came from elsewhere), else None."""
    try:
        csrf.protect()
    except CSRFError:
        return _stale_text()
    return None


def _stale_text() -> str:
    return _("Biểu mẫu đã cũ hoặc thiếu mã bảo mật. Vui lòng mở lại trang và thử lại.")


def http_error_page(exc: HTTPException):
    """A page's HTTP error (an unknown address, a wrong method, a stale form) as a friendly page
    in the page's language, keeping the headers the answer relies on. Redirects pass through."""
    if exc.code is None or exc.code < 400:
        return exc
    if isinstance(exc, CSRFError):
        title, text = _("Biểu mẫu đã cũ"), _stale_text()
    elif exc.code == 404:
        title, text = _("Không tìm thấy trang"), _("Địa chỉ này không có trên hệ thống. Vui lòng "
                                                   "kiểm tra lại đường dẫn.")
    elif exc.code == 405:
        title, text = _("Thao tác không được hỗ trợ"), _("Trang này không nhận thao tác vừa gửi.")
    elif exc.code < 500:
        title, text = _("Yêu cầu không hợp lệ"), _("Vui lòng mở lại trang và thử lại.")
    else:
        title, text = _("Có lỗi xảy ra. Vui lòng thử lại."), ""
    body, status = error_page(exc.code, title, text)
    response = current_app.make_response((body, status))
    for name in ("Allow", "Retry-After"):
        value = exc.get_response().headers.get(name)
        if value:
            response.headers[name] = value
    return response


def counter_not_found(counter_id: str):
    return not_found(_("Không có quầy này"),
                     _("Mã quầy “{id}” không có trong cấu hình của trung tâm.").format(id=counter_id))


def safe_next(target: str | None, default: str) -> str:
    """``target`` if it is a path on this site, else ``default`` (no open redirects)."""
    if not target:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") \
            or "\\" in target:
        return default
    return target


@cache
def _file_version(name: str) -> str:
    try:
        return hashlib.sha256((STATIC_DIR / name).read_bytes()).hexdigest()[:10]
    except OSError:
        return "0"


def asset(name: str) -> str:
    """URL of a static file with a content hash, so screens never run stale scripts."""
    version = "dev" if current_app.debug else _file_version(name)
    return url_for("static", filename=name, v=version)


def lang_url(lang: str) -> str:
    """This page's URL with ``?lang=`` set to ``lang``."""
    args = request.args.to_dict()
    args["lang"] = lang
    if request.endpoint is None:
        return f"{request.path}?lang={lang}"
    return url_for(request.endpoint, **(request.view_args or {}), **args)
