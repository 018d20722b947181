"""Appointments and remote tickets: each field's slot plan (on or off, slot length, capacity, days
ahead, bookable hours per weekday), the centre's grace period and retention, and the remote-ticket
limits, edited by the admin and kept in the admin's settings file in the server's data directory
(:mod:`config.admin_save`), which the loader merges over the config file at the next start. The
config file itself is never written (on a real install /etc is read-only for the server).

The form shows the config file with the admin's settings over it (what applies after the next
restart, like any change of the file: see :mod:`.config`); each value the admin's file sets says
the config file's own value, and each section can go back to it. An invalid value is said by its
input and never reaches the file; files someone else changed meanwhile are not overwritten.
Bookings already made are rows of their own, so a smaller or switched-off plan keeps them.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from flask import abort, flash, redirect, render_template, request, url_for

from config import Config, ConfigError
from config.admin_save import StaleFile, fingerprint, reset_settings, save_settings
from config.admin_settings import settings_path
from config.loader import load_layers
from config.schema import WEEKDAYS, as_data

from ..common import config, field_name
from ..i18n import gettext as _
from . import actor, bp
from .booking_form import BookingForm, changes, from_config, from_request
from .booking_layers import origins, section_key, sections
from .config import RESTART_COMMAND, mask_secrets

log = logging.getLogger(__name__)
SECTIONS = ("appointments", "remote", "fields")


@dataclass
class Files:
    """The config file alone and with the admin's settings, as they are now."""

    settings: Path
    main: Config | None = None
    merged: Config | None = None
    token: str = ""
    problems: list[str] = field(default_factory=list)
    """The config file's problems (nothing can be saved then)."""

    @property
    def env(self) -> dict[str, str]:
        """The running server's data directory, wherever it came from."""
        return {"MOTCUA_DATA_DIR": str(config().data_path)}

    @property
    def keys(self) -> tuple[str, ...]:
        admin = self.merged.admin if self.merged else None
        return admin.keys if admin else ()

    @property
    def settings_problems(self) -> tuple[str, ...]:
        admin = self.merged.admin if self.merged else None
        return admin.problems if admin else ()


def _files() -> Files:
    running = config()
    files = Files(settings=settings_path(running.data_path))
    path = running.source
    if path is None:
        return files
    try:
        files.main, files.merged = load_layers(path, env=files.env)
    except ConfigError as exc:
        files.problems = [mask_secrets(p) for p in exc.problems]
        return files
    files.token = fingerprint(path, files.settings)
    return files


def _pending(saved: Config | None) -> bool:
    """The settings to apply differ from the running config's."""
    if saved is None:
        return False
    a, b = as_data(config()), as_data(saved)
    return any(a.get(k) != b.get(k) for k in SECTIONS)


def _names() -> dict[str, str]:
    return {f.id: field_name(f) for f in config().fields}


def _page(form: BookingForm | None, files: Files, *, problems: list[str] | None = None,
          status: int = 200):
    names = _names()
    if form is None and files.merged is not None:
        form = from_config(files.merged, names)
    main = from_config(files.main, names) if files.main is not None else None
    return render_template(
        "admin/bookings.html", nav="bookings", form=form, token=files.token,
        problems=files.problems if problems is None else problems, source=config().source,
        settings=files.settings, settings_problems=[mask_secrets(p) for p in files.settings_problems],
        origin=origins(main, files.keys) if main else {}, overridden=sections(files.keys),
        weekdays=WEEKDAYS, pending=_pending(files.merged), restart=RESTART_COMMAND), status


@bp.get("/appointments")
def bookings():
    return _page(None, _files())


@bp.post("/appointments")
def save_bookings():
    files = _files()
    if files.main is None or files.merged is None:
        return _page(None, files, status=409)
    form = from_request(request.form, files.merged, _names())
    todo = changes(form, files.merged)
    if form.errors:
        return _page(form, files, problems=[], status=400)
    failed = _written(lambda: save_settings(files.main.source, files.settings, todo,
                                            expected=request.form.get("fingerprint", ""),
                                            env=files.env), form, files)
    if failed:
        return failed
    log.info("%s saved the appointments and remote-ticket settings in %s", actor(), files.settings)
    flash(_("Đã lưu. Thay đổi có hiệu lực sau khi khởi động lại dịch vụ máy chủ."), "ok")
    return redirect(url_for("admin.bookings"))


@bp.post("/appointments/reset")
def reset_bookings():
    """One section back to the config file's values: its keys leave the admin's file."""
    files = _files()
    if files.main is None:
        return _page(None, files, status=409)
    prefix = section_key(request.form.get("section", ""), [f.id for f in files.main.fields])
    if prefix is None:
        abort(400)
    failed = _written(lambda: reset_settings(files.main.source, files.settings, prefix,
                                             expected=request.form.get("fingerprint", ""),
                                             env=files.env), None, files)
    if failed:
        return failed
    log.info("%s put %s back to the config file's values (%s)", actor(), ".".join(prefix),
             files.settings)
    flash(_("Đã trả mục này về giá trị trong tệp cấu hình. Thay đổi có hiệu lực sau khi khởi "
            "động lại dịch vụ máy chủ."), "ok")
    return redirect(url_for("admin.bookings"))


def _written(write: Callable[[], object], form: BookingForm | None, files: Files):
    """Run ``write``; the page's answer when it failed (nothing written), else None."""
    try:
        write()
    except StaleFile:
        return _stale()
    except ConfigError as exc:
        return _page(form, files, problems=[mask_secrets(p) for p in exc.problems], status=400)
    except OSError as exc:
        return _unwritable(form, files, exc)
    return None


def _stale():
    flash(_("Thiết lập vừa được sửa ở nơi khác. Trang đã tải lại nội dung mới; vui lòng nhập lại "
            "thay đổi."), "error")
    return redirect(url_for("admin.bookings"))


def _unwritable(form: BookingForm | None, files: Files, exc: OSError):
    flash(_("Không ghi được tệp {file}: {error}").format(file=files.settings,
                                                         error=exc.strerror or exc), "error")
    return _page(form, files, status=500)
