"""Admin JSON (admins only): the live dashboard's figures that events do not carry: officers at
the counters, today's totals and satisfaction, devices and connected screens."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from flask import current_app, jsonify

from motcua import __version__
from motcua.core.queue import TicketCounts
from motcua.core.reports import satisfaction_report
from motcua.core.storage.backup_status import read_status

from ..auth import require
from ..machine import memory
from ..present import fields_json
from ..services import Services
from . import bp

BACKUP_OLD_AFTER = timedelta(hours=48)
"""A backup older than this (the timer makes one a night) is raised on the dashboard."""
STALE_AFTER_S = 90
"""A device is shown as not in contact after this long without a heartbeat (3 x 30 s)."""
_DEAD = re.compile(r"(\d+) ratings? refused")


def _svc() -> Services:
    return current_app.extensions["motcua"]


def today_totals(counts: TicketCounts) -> dict[str, int]:
    """Today's tickets by state as the dashboard counts them."""
    return {
        "issued": counts.total,
        "served": counts.done,
        "skipped": counts.skipped,
        "waiting": counts.waiting + counts.transferred,
        "at_counter": counts.called + counts.serving,
        "expired": counts.expired,
    }


def today_satisfaction(s: Services) -> dict:
    """Votes per level and the Decision 766 score for today (local day)."""
    day = s.engine.today()
    total = satisfaction_report(s.db, s.config, day, day).total
    names = {lv.id: lv for lv in s.config.ratings.effective_levels}
    return {
        "total": total.total, "score": total.score, "dissatisfied": total.dissatisfied,
        "levels": [{"id": lv.id, "name": lv.name,
                    "name_en": (names[lv.id].name_en if lv.id in names else "") or lv.name,
                    "count": lv.count, "percent": lv.percent} for lv in total.levels],
    }


def device_rows(s: Services, now: datetime | None = None) -> list[dict]:
    """Configured devices with their latest heartbeat, its age and what it reported."""
    now = now or datetime.now(UTC)
    zone = s.config.zone
    out = []
    by_id = {d.id: d for d in s.config.devices}
    numbers = {c.id: c.number for c in s.config.counters}
    for d in s.devices():
        info = d["info"] or {}
        seen = datetime.fromisoformat(d["last_seen"]) if d["last_seen"] else None
        age = int((now - seen).total_seconds()) if seen else None
        detail = str(info.get("detail") or "")
        dead = _DEAD.search(detail)
        cfg = by_id.get(d["id"])
        out.append({
            "id": d["id"], "kind": d["kind"], "name": d["name"] or d["id"],
            "counters": sorted({numbers.get(b.counter, 0) for b in cfg.buttons}) if cfg else [],
            "last_seen": seen.astimezone(zone).isoformat(timespec="seconds") if seen else None,
            "age_s": max(0, age) if age is not None else None,
            "online": age is not None and age <= STALE_AFTER_S,
            "address": d["address"],
            "printer_status": info.get("printer_status"),
            "outbox_backlog": info.get("outbox_backlog"),
            "dead_letters": int(dead.group(1)) if dead else 0,
            "detail": detail, "version": info.get("version") or "",
        })
    return out


STOPPING = ("paper_out", "cover_open", "offline")
"""Printer states in which a kiosk gives no numbers."""


def printer_alerts(s: Services) -> list[dict]:
    """Kiosks in contact whose printer stops them: ``{"device", "status"}`` each."""
    return [{"device": d["name"], "status": d["printer_status"]} for d in device_rows(s)
            if d["kind"] == "kiosk" and d["online"] and d["printer_status"] in STOPPING]


def counter_rows(s: Services) -> list[dict]:
    """Each counter: open, paused with its reason, the officer signed in, the current ticket."""
    zone = s.config.zone
    officers = {o.id: o for o in s.accounts.list()}
    out = []
    for c in s.engine.counters():
        o = officers.get(c.officer_id) if c.officer_id is not None else None
        t = c.ticket
        out.append({
            "id": c.id, "number": c.number, "name": c.name, "fields": list(c.fields),
            "open": o is not None or t is not None,
            "paused": c.paused, "pause_reason": c.pause_reason,
            "officer": {"username": o.username, "full_name": o.full_name or o.username} if o else None,
            "ticket": {"number": t.number, "service_id": t.field_id, "state": t.state,
                       "called_at": t.called_at.replace(tzinfo=UTC).astimezone(zone)
                       .isoformat(timespec="seconds") if t.called_at else None} if t else None,
        })
    return out


def _when(entry: dict | None) -> datetime | None:
    """The aware time of a backup-status entry (None: no entry, or none readable)."""
    try:
        at = datetime.fromisoformat(str(entry["at"])) if entry else None
    except (TypeError, KeyError, ValueError):
        return None
    return at if at and at.tzinfo else None


def backup_state(s: Services, now: datetime) -> dict:
    """How the nightly backups go (``motcua backup`` notes it): ``state`` ``ok``, ``failed`` (the
    last attempt, after the last good backup), ``old`` (none for 48 h), ``none`` yet, or
    ``untracked`` (PostgreSQL: pg_dump's job), with the last good one and the last failure."""
    status = read_status(s.config.data_path)
    ok_at, error_at = (_when(status[k]) for k in ("last_ok", "last_error"))
    if not s.db.is_sqlite:
        state = "untracked"
    elif error_at and (not ok_at or error_at >= ok_at):
        state = "failed"
    elif not ok_at:
        state = "none"
    else:
        state = "old" if now - ok_at >= BACKUP_OLD_AFTER else "ok"
    return {"state": state, **status}


def server_state(s: Services, now: datetime) -> dict:
    """This server process for the IT officer: version, database, running since, memory, the
    data folder's free space (as the health check has it), the event streams it holds and the
    backups."""
    return {
        "version": __version__,
        "database": "SQLite" if s.db.is_sqlite else "PostgreSQL",
        "started_at": s.started_at.astimezone(s.config.zone).isoformat(timespec="seconds"),
        "memory": memory(),
        "disk": s.disk.state(),
        "streams": {"open": s.streams.open, "limit": s.streams.limit},
        "backup": backup_state(s, now),
    }


def dashboard_data(s: Services) -> dict:
    """Everything the admin dashboard shows."""
    now = datetime.now(UTC)
    return {
        "server_time": now.astimezone(s.config.zone).isoformat(timespec="seconds"),
        "day": s.engine.today(),
        "services": fields_json(s.engine),
        "counters": counter_rows(s),
        "totals": today_totals(s.engine.counts_today()),
        "satisfaction": today_satisfaction(s),
        "devices": device_rows(s, now),
        "screens": s.bus.subscriber_count,
        "server": server_state(s, now),
        "stale_after_s": STALE_AFTER_S,
    }


@bp.get("/admin/dashboard")
@require(admin=True)
def admin_dashboard():
    response = jsonify(dashboard_data(_svc()))
    response.headers["Cache-Control"] = "no-store"
    return response
