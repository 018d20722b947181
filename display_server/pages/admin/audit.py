"""The audit log, newest first: who did what and when (centre time), one page at a time, with a
filter by kind. Pages are keyset-paged on the row id (``before``/``after``), so a busy log never
needs a count or a large offset."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime

from flask import render_template, request
from sqlalchemy import select

from motcua.core.queue.events import KINDS
from motcua.core.storage import tables as tb

from ..common import config, field_name, svc
from ..i18n import current_lang, ngettext, pgettext
from ..i18n import gettext as _
from . import bp

PAGE_SIZE = 50


@dataclass(frozen=True)
class AuditRow:
    id: int
    at: datetime  # aware, centre time
    actor: str
    kind: str
    what: str


@dataclass(frozen=True)
class AuditPage:
    rows: list[AuditRow]
    newer: int | None  # ``after`` for the link to newer rows
    older: int | None  # ``before`` for the link to older rows


def _int_arg(name: str) -> int | None:
    value = request.args.get(name, "")
    return int(value) if value.isdigit() and len(value) < 19 else None


def fetch_page(kind: str | None, before: int | None, after: int | None,
               size: int = PAGE_SIZE) -> tuple[list, bool, bool]:
    """Rows newest first, and whether newer and older rows exist beyond them."""
    a = tb.audit_log.c
    base = select(tb.audit_log)
    if kind:
        base = base.where(a.kind == kind)
    with svc().db.read() as conn:
        if after is not None:
            rows = conn.execute(base.where(a.id > after).order_by(a.id).limit(size)).all()[::-1]
        else:
            q = base.where(a.id < before) if before is not None else base
            rows = conn.execute(q.order_by(a.id.desc()).limit(size)).all()
        if not rows:
            return [], False, False

        def exists(cond) -> bool:
            return conn.execute(base.with_only_columns(a.id).where(cond).limit(1)).first() is not None

        return rows, exists(a.id > rows[0].id), exists(a.id < rows[-1].id)


def local_date(day: str) -> str:
    """``2026-11-25`` as ``25/11/2026``."""
    y, _sep, rest = day.partition("-")
    m, _sep, d = rest.partition("-")
    return f"{d}/{m}/{y}" if d else day


def who(actor: str, names: dict[str, str]) -> str:
    """``officer:an`` -> the officer's full name and username; devices by name."""
    kind, _sep, ident = actor.partition(":")
    if kind == "officer":
        full = names.get(ident)
        return f"{full} ({ident})" if full and full != ident else ident
    if kind == "device":
        device = next((d for d in config().devices if d.id == ident), None)
        return pgettext("adm_device", "Thiết bị") + f": {device.name or device.id}" if device else actor
    if actor == "system":
        return _("Hệ thống")
    return actor


def _counter(data: dict) -> str:
    n = data.get("counter_number")
    if n is None and data.get("counter_id"):
        c = config().counter(data["counter_id"])
        n = c.number if c else data["counter_id"]
    return str(n) if n is not None else "?"


def _field(field_id: object) -> str:
    f = config().field(str(field_id)) if field_id else None
    return field_name(f) if f else str(field_id or "?")


def _level(level_id: object) -> str:
    lv = next((lv for lv in config().ratings.effective_levels if lv.id == level_id), None)
    if lv is None:
        return str(level_id)
    return (lv.name_en or lv.name) if current_lang() == "en" else lv.name


def describe(kind: str, data: dict) -> str:
    """The event in words."""
    number = data.get("number") or "?"
    if kind == "ticket.issued":
        text = _("Cấp số {number} – {field}").format(number=number, field=_field(data.get("service_id")))
        return text + (" (" + _("Ưu tiên").lower() + ")" if data.get("priority") else "")
    if kind == "ticket.called":
        return _("Gọi số {number} đến quầy {counter}").format(number=number, counter=_counter(data))
    if kind == "ticket.recalled":
        return _("Gọi lại số {number} tại quầy {counter} (lần {n})").format(
            number=number, counter=_counter(data), n=data.get("call_count") or 1)
    if kind == "ticket.skipped":
        return _("Số {number} vắng mặt tại quầy {counter}").format(number=number, counter=_counter(data))
    if kind == "ticket.finished":
        return _("Quầy {counter} hoàn thành số {number}").format(number=number, counter=_counter(data))
    if kind == "ticket.transferred":
        to = (_field(data["to_service_id"]) if data.get("to_service_id")
              else _("Quầy {n}").format(n=_counter({"counter_id": data.get("to_counter_id")})))
        return _("Chuyển số {number} sang {to}").format(number=number, to=to)
    if kind == "ticket.dossier":
        return _("Mã hồ sơ {code} cho số {number}").format(number=number,
                                                          code=data.get("dossier_code") or "—")
    if kind == "counter.paused":
        return _("Quầy {counter} tạm dừng: {reason}").format(counter=_counter(data),
                                                            reason=data.get("reason") or "—")
    if kind == "counter.resumed":
        return _("Quầy {counter} tiếp tục làm việc").format(counter=_counter(data))
    if kind == "rating.recorded":
        return _("{level} tại quầy {counter} (số {number})").format(
            level=_level(data.get("level")), counter=_counter(data), number=data.get("number") or "—")
    if kind == "notice.changed":
        notices = data.get("notices") or []
        n = len(notices)
        text = ngettext("Sửa thông báo sảnh: {n} dòng", "Sửa thông báo sảnh: {n} dòng", n).format(n=n)
        return text + (": " + " | ".join(notices) if notices else "")
    if kind == "service.closed":
        return _("Ngừng nhận số lĩnh vực {field} đến hết ngày").format(field=_field(data.get("service_id")))
    if kind == "service.reopened":
        return _("Mở lại nhận số lĩnh vực {field}").format(field=_field(data.get("service_id")))
    if kind == "appointment.erased":
        n = data.get("count", 0)
        return ngettext("Xóa họ tên và số điện thoại của {n} lịch hẹn trước ngày {day}",
                        "Xóa họ tên và số điện thoại của {n} lịch hẹn trước ngày {day}", n).format(
            n=n, day=local_date(str(data.get("before_day", "?"))))
    if kind.startswith("appointment."):
        text = _("{what}: {field}, {slot} ngày {day}").format(
            what=kind_label(kind), field=_field(data.get("service_id")), slot=data.get("slot", "?"),
            day=local_date(str(data.get("day", "?"))))
        return text + (" – " + _("số {number}").format(number=number) if data.get("number") else "")
    if kind == "account.login_failed":
        who = data.get("username") or _("một tên không phải tài khoản")
        return _("{what}: {username}, từ địa chỉ {address}").format(
            what=kind_label(kind), username=who, address=data.get("address") or "?")
    if kind.startswith("account."):
        extra = data.get("counters") or data.get("role") or ""
        text = _("{what}: {username}").format(username=data.get("username", "?"), what=kind_label(kind))
        return text + (f" ({extra})" if extra else "")
    if kind == "day.reset":
        day = local_date(str(data.get("day", "?")))
        n = data.get("expired", 0)
        if data.get("manual"):
            return ngettext("Bắt đầu lại ngày {day}: hủy {n} số đang chờ, đánh số lại từ đầu",
                            "Bắt đầu lại ngày {day}: hủy {n} số đang chờ, đánh số lại từ đầu",
                            n).format(day=day, n=n)
        return ngettext("Sang ngày mới {day}: {n} số chờ từ hôm trước hết hiệu lực",
                        "Sang ngày mới {day}: {n} số chờ từ hôm trước hết hiệu lực", n).format(day=day, n=n)
    return json.dumps(data, ensure_ascii=False)[:300]


def kind_label(kind: str) -> str:
    """A kind's name in the page's language (unknown kinds as they are)."""
    labels = {
        "ticket.issued": _("Cấp số"),
        "ticket.called": _("Gọi số"),
        "ticket.recalled": pgettext("adm_kind_ticket_recalled", "Gọi lại"),
        "ticket.skipped": pgettext("adm_kind_ticket_skipped", "Vắng mặt"),
        "ticket.transferred": _("Chuyển số"),
        "ticket.finished": pgettext("adm_kind_ticket_finished", "Hoàn thành"),
        "ticket.dossier": _("Mã hồ sơ"),
        "counter.paused": pgettext("adm_kind_counter_paused", "Tạm dừng quầy"),
        "counter.resumed": _("Tiếp tục quầy"),
        "rating.recorded": _("Đánh giá"),
        "notice.changed": _("Sửa thông báo"),
        "service.closed": _("Ngừng nhận số"),
        "service.reopened": _("Mở lại nhận số"),
        "day.reset": _("Bắt đầu ngày"),
        "account.added": pgettext("adm_kind_account_added", "Thêm tài khoản"),
        "account.enabled": pgettext("adm_kind_account_enabled", "Mở khóa tài khoản"),
        "account.disabled": pgettext("adm_kind_account_disabled", "Khóa tài khoản"),
        "account.password_reset": pgettext("adm_kind_account_password_reset", "Đặt lại mật khẩu"),
        "account.counters": _("Phân công quầy"),
        "account.login_failed": _("Đăng nhập sai"),
        "appointment.booked": _("Đặt lịch hẹn"),
        "appointment.cancelled": _("Hủy lịch hẹn"),
        "appointment.checked_in": _("Nhận số theo lịch hẹn"),
        "appointment.late": _("Lịch hẹn trễ giờ"),
        "appointment.no_show": _("Lịch hẹn vắng mặt"),
        "appointment.erased": _("Xóa dữ liệu cá nhân"),
    }
    return labels.get(kind, kind)


def audit_page(kind: str | None, before: int | None, after: int | None) -> AuditPage:
    rows, newer, older = fetch_page(kind, before, after)
    names = {o.username: o.full_name for o in svc().accounts.list()}
    zone = config().zone
    out = []
    for r in rows:
        data = {"ticket_id": r.ticket_id, "counter_id": r.counter_id, **json.loads(r.data or "{}")}
        out.append(AuditRow(r.id, r.at.replace(tzinfo=UTC).astimezone(zone), who(r.actor, names),
                            r.kind, describe(r.kind, data)))
    return AuditPage(out, out[0].id if newer else None, out[-1].id if older else None)


@bp.get("/audit")
def audit():
    kind = request.args.get("kind", "")
    if kind not in KINDS:
        kind = ""
    page = audit_page(kind or None, _int_arg("before"), _int_arg("after"))
    return render_template("admin/audit.html", nav="audit", page=page, kind=kind, kinds=KINDS,
                           kind_label=kind_label)
