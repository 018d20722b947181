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
from ..i18n import MESSAGES, current_lang, t
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
    y, _, rest = day.partition("-")
    m, _, d = rest.partition("-")
    return f"{d}/{m}/{y}" if d else day


def who(actor: str, names: dict[str, str]) -> str:
    """``officer:an`` -> the officer's full name and username; devices by name."""
    kind, _, ident = actor.partition(":")
    if kind == "officer":
        full = names.get(ident)
        return f"{full} ({ident})" if full and full != ident else ident
    if kind == "device":
        device = next((d for d in config().devices if d.id == ident), None)
        return f"{t('adm_device')}: {device.name or device.id}" if device else actor
    if actor == "system":
        return t("adm_system")
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
        text = t("adm_ev_issued", number=number, field=_field(data.get("service_id")))
        return text + (f" ({t('priority').lower()})" if data.get("priority") else "")
    if kind in ("ticket.called", "ticket.recalled", "ticket.skipped", "ticket.finished"):
        return t("adm_ev_" + kind.split(".")[1], number=number, counter=_counter(data),
                 n=data.get("call_count") or 1)
    if kind == "ticket.transferred":
        to = (_field(data["to_service_id"]) if data.get("to_service_id")
              else t("counter_n", n=_counter({"counter_id": data.get("to_counter_id")})))
        return t("adm_ev_transferred", number=number, to=to)
    if kind == "ticket.dossier":
        return t("adm_ev_dossier", number=number, code=data.get("dossier_code") or "—")
    if kind == "counter.paused":
        return t("adm_ev_paused", counter=_counter(data), reason=data.get("reason") or "—")
    if kind == "counter.resumed":
        return t("adm_ev_resumed", counter=_counter(data))
    if kind == "rating.recorded":
        return t("adm_ev_rating", level=_level(data.get("level")), counter=_counter(data),
                 number=data.get("number") or "—")
    if kind == "notice.changed":
        notices = data.get("notices") or []
        return t("adm_ev_notices", n=len(notices)) + (": " + " | ".join(notices) if notices else "")
    if kind in ("service.closed", "service.reopened"):
        return t("adm_ev_" + kind.split(".")[1], field=_field(data.get("service_id")))
    if kind.startswith("account."):
        extra = data.get("counters") or data.get("role") or ""
        return t("adm_ev_account", username=data.get("username", "?"),
                 what=kind_label(kind)) + (f" ({extra})" if extra else "")
    if kind == "day.reset":
        day = local_date(str(data.get("day", "?")))
        return t("adm_ev_reset_manual" if data.get("manual") else "adm_ev_new_day", day=day,
                 n=data.get("expired", 0))
    return json.dumps(data, ensure_ascii=False)[:300]


def kind_label(kind: str) -> str:
    """A kind's name in the page's language (unknown kinds as they are)."""
    key = "adm_kind_" + kind.replace(".", "_")
    return t(key) if key in MESSAGES else kind


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
