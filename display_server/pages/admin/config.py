"""Configuration, read-only: the running config's summary (what ``motcua config check`` says),
the file's text with secrets masked, and a check of the file after it has been edited.

"Reload" is deliberately safe: it reads and validates the file again. If the file is invalid the
admin sees every problem and the server keeps running with the config it started with. If it is
valid, the page lists which sections differ from the running config and asks for a restart of
the server service (``sudo systemctl restart motcua-server``): fields, counters, devices and
numbering are held by the running queue engine and screens, so they are never swapped live.
Hall notices need no restart: they are edited on the "Today" page.
"""

from __future__ import annotations

import re
from pathlib import Path

from flask import render_template

from config import Config, ConfigError, load_config
from config.schema import as_data
from config.summary import Facts, facts

from ..common import config
from ..i18n import gettext as _
from . import bp

MASK = "••••••"
SECRET_KEYS = ("token", "secret_key", "admin_pin", "password", "passwd")
_SECRET_VALUE = re.compile(
    r"(?P<key>\b(?:" + "|".join(SECRET_KEYS) + r")\b\s*=\s*)"
    r"""(?P<value>"(?:[^"\\\n]|\\.)*"|'[^'\n]*'|[^\s,}#]+)""")
_URL_PASSWORD = re.compile(r"(?P<head>\b[a-z][a-z0-9+.-]*://[^:/@\s\"']*:)(?P<pw>[^@\s\"']+)(?=@)")
RESTART_COMMAND = "sudo systemctl restart motcua-server"
MAX_SHOWN_BYTES = 256 * 1024


def mask_secrets(text: str) -> str:
    """``text`` with device tokens, secret keys, PINs and passwords in URLs replaced by dots."""

    def value(m: re.Match) -> str:
        v = m.group("value")
        quote = v[0] if v[:1] in ("'", '"') else ""
        return f"{m.group('key')}{quote}{MASK}{quote}"

    text = _SECRET_VALUE.sub(value, text)
    return _URL_PASSWORD.sub(lambda m: m.group("head") + MASK, text)


def summary_text(cfg: Config) -> str:
    """What ``motcua config check`` says of a valid config (the same facts,
    :func:`config.summary.facts`), in the page's language, with any password in the database URL
    masked."""
    s = facts(cfg)
    no_cap = _("không giới hạn")
    if s.priority_policy == "strict":
        priority = _("Ưu tiên: luôn gọi số ưu tiên trước")
    else:
        priority = _("Ưu tiên: một số ưu tiên sau mỗi {n} số thường").format(n=s.priority_every)
    if s.call_order == "oldest":
        order = _("Thứ tự gọi: số lấy trước gọi trước")
    else:
        order = _("Thứ tự gọi: theo thứ tự lĩnh vực của quầy")
    if s.transferred == "first":
        transferred = _("Số được chuyển: gọi trước mọi người đang chờ")
    else:
        transferred = _("Số được chuyển: xếp theo thời điểm lấy số")
    database = s.database_url or _("SQLite trong {path}").format(path=s.data_path)
    lines = [
        _("{file}: hợp lệ").format(file=s.source or "—"),
        _("Trung tâm: {name} ({where}), múi giờ {tz}").format(name=s.centre, where=s.where, tz=s.timezone),
        _("Lĩnh vực: {fields}; quầy: {counters}; máy lấy số: {kiosks}; bộ nút đánh giá: {stations}").format(
            fields=s.fields, counters=s.counters, kiosks=s.kiosks, stations=s.stations),
        _("Mức đánh giá: {levels}").format(levels=", ".join(s.levels)),
        priority,
        order,
        transferred,
        _("Số người chờ tối đa trong sảnh: {n}").format(n=s.max_waiting or no_cap),
        _("Cơ sở dữ liệu: {db}").format(db=database),
        _("Máy in: {printer}, khổ {width} mm; giọng đọc: {voice}").format(
            printer=s.printer, width=s.paper_width_mm, voice=s.voice),
    ]
    path = s.procedures_path
    if s.procedures is not None:
        lines.append(_("Tra cứu thủ tục: {n} thủ tục").format(n=len(s.procedures.entries)))
    else:
        lines.append(_("Tra cứu thủ tục: không có (thiếu tệp {file} cạnh tệp cấu hình)").format(
            file=path.name if path else "procedures.toml"))
    lines.append(_admin_line(s))
    for f in s.field_lines:
        lines.append(_("  - {id}: {name} [{format}], tối đa {cap} số/ngày").format(
            id=f.id, name=f.name, cap=f.daily_cap or no_cap, format=f.format))
    return mask_secrets("\n".join(lines))


def _admin_line(s: Facts) -> str:
    """The admin page's settings file: the keys it sets over the config file, or why it is
    ignored (:func:`config.summary.admin_summary` in English)."""
    if s.admin_problems:
        return _("Thiết lập của trang quản trị: {file} bị bỏ qua ({problems})").format(
            file=s.admin_path, problems="; ".join(s.admin_problems))
    if s.admin_keys is None:
        return _("Thiết lập của trang quản trị: chưa có ({file})").format(file=s.admin_path)
    return _("Thiết lập của trang quản trị ({file}) thay cho tệp cấu hình: {keys}").format(
        file=s.admin_path, keys=", ".join(s.admin_keys) or "—")


def changed_sections(running: Config, new: Config) -> list[str]:
    """Top-level sections whose values differ (``centre``, ``fields``, ``devices``...)."""
    a, b = as_data(running), as_data(new)
    return [key for key in a if a.get(key) != b.get(key)]


def read_masked(path: Path | None) -> tuple[str | None, str | None]:
    """The file's text with secrets masked, or an error message."""
    if path is None:
        return None, None
    try:
        raw = path.read_bytes()[:MAX_SHOWN_BYTES]
    except OSError as exc:
        return None, exc.strerror or str(exc)
    return mask_secrets(raw.decode("utf-8", errors="replace")), None


def check_file(running: Config) -> dict:
    """Validate the config file again: ``ok``, ``problems``, ``changed`` sections, ``summary``."""
    if running.source is None:
        return {"ok": False, "problems": [], "no_file": True, "changed": [], "summary": ""}
    try:
        # The running server's data directory (perhaps from $MOTCUA_DATA_DIR): its admin settings.
        new = load_config(running.source, env={"MOTCUA_DATA_DIR": str(running.data_path)})
    except ConfigError as exc:
        return {"ok": False, "problems": [mask_secrets(p) for p in exc.problems], "no_file": False,
                "changed": [], "summary": ""}
    return {"ok": True, "problems": [], "no_file": False,
            "changed": changed_sections(running, new), "summary": summary_text(new)}


def _page(result: dict | None, status: int = 200):
    cfg = config()
    text, read_error = read_masked(cfg.source)
    return render_template("admin/config.html", nav="config", cfg=cfg, summary=summary_text(cfg),
                           text=text, read_error=read_error, result=result,
                           restart=RESTART_COMMAND), status


@bp.get("/config")
def config_page():
    return _page(None)


@bp.post("/config/reload")
def config_reload():
    return _page(check_file(config()))
