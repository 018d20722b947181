"""Appointments and remote tickets: each field's slot plan (on or off, slot length, capacity, days
ahead, bookable hours per weekday), the centre's grace period and retention, and the remote-ticket
limits, edited by the admin and written to the config file (comments kept, :mod:`config.edit`).

The form shows what the file says (what applies after the next restart, like any change of the
file: see :mod:`.config`). An invalid value is said by its input and never reaches the file; a
file someone else changed meanwhile is not overwritten. Bookings already made are rows of their
own, so a smaller or switched-off plan keeps them.
"""

from __future__ import annotations

import logging

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from config import Config, ConfigError, load_config
from config.edit import StaleFile, edit_config, fingerprint, writable
from config.schema import WEEKDAYS

from ..common import config, field_name
from . import actor, bp
from .booking_form import BookingForm, changes, from_config, from_request
from .config import RESTART_COMMAND, mask_secrets

log = logging.getLogger(__name__)
SECTIONS = ("appointments", "remote", "fields")


def _file() -> tuple[Config | None, str, list[str]]:
    """The config file as it is now: its config, its fingerprint, or its problems."""
    path = config().source
    if path is None:
        return None, "", []
    try:
        raw = path.read_bytes()
        return load_config(path), fingerprint(raw), []
    except OSError as exc:
        return None, "", [exc.strerror or str(exc)]
    except ConfigError as exc:
        return None, "", [mask_secrets(p) for p in exc.problems]


def _pending(saved: Config | None) -> bool:
    """The file's appointments or remote settings differ from the running config's."""
    if saved is None:
        return False
    a, b = config().model_dump(mode="json"), saved.model_dump(mode="json")
    return any(a.get(k) != b.get(k) for k in SECTIONS)


def _page(form: BookingForm | None, *, saved: Config | None, token: str, problems: list[str],
          status: int = 200):
    names = {f.id: field_name(f) for f in config().fields}
    if form is None and saved is not None:
        form = from_config(saved, names)
    return render_template("admin/bookings.html", nav="bookings", form=form, token=token,
                           problems=problems, source=config().source, weekdays=WEEKDAYS,
                           writable=saved is not None and writable(saved.source),
                           pending=_pending(saved), restart=RESTART_COMMAND), status


@bp.get("/appointments")
def bookings():
    saved, token, problems = _file()
    return _page(None, saved=saved, token=token, problems=problems)


@bp.post("/appointments")
def save_bookings():
    saved, token, problems = _file()
    if saved is None:
        return _page(None, saved=None, token=token, problems=problems, status=409)
    names = {f.id: field_name(f) for f in saved.fields}
    form = from_request(request.form, saved, names)
    todo = changes(form, saved)
    if form.errors:
        return _page(form, saved=saved, token=token, problems=[], status=400)
    try:
        edit_config(saved.source, todo, expected=request.form.get("fingerprint", ""))
    except StaleFile:
        flash(_("Tệp cấu hình vừa được sửa ở nơi khác. Trang đã tải lại nội dung mới; vui lòng "
                "nhập lại thay đổi."), "error")
        return redirect(url_for("admin.bookings"))
    except ConfigError as exc:
        return _page(form, saved=saved, token=token,
                     problems=[mask_secrets(p) for p in exc.problems], status=400)
    except OSError as exc:
        flash(_("Không ghi được tệp cấu hình {file}: {error}").format(
            file=saved.source, error=exc.strerror or exc), "error")
        return _page(form, saved=saved, token=token, problems=[], status=500)
    log.info("%s saved the appointments and remote-ticket settings in %s", actor(), saved.source)
    flash(_("Đã lưu vào tệp cấu hình. Thay đổi có hiệu lực sau khi khởi động lại dịch vụ máy chủ."),
          "ok")
    return redirect(url_for("admin.bookings"))

