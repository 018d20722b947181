"""API v1 routes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from flask import current_app, jsonify, request, send_file
from msgspec.structs import asdict
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from motcua import __version__
from motcua.core.i18n import DEFAULT, words

from ..auth import (
    attempt_login,
    current_principal,
    issue_token,
    officer_for_counter,
    registered_caller,
    require,
)
from ..present import counts_json, fields_json, ticket_json
from ..safe_input import db_int
from ..services import Services
from . import bp
from .admin import printer_alerts
from .bodies import (
    CallMissedBody,
    DossierBody,
    EmptyBody,
    HeartbeatBody,
    IssueBody,
    LoginBody,
    PauseBody,
    RatingBody,
    TransferBody,
    parse,
)
from .errors import ApiError, DiskFull
from .event_stream import EventStreamResponse


def svc() -> Services:
    return current_app.extensions["motcua"]


def track_url(token: str) -> str:
    base = svc().config.server.public_url.rstrip("/") or request.host_url.rstrip("/")
    return f"{base}/t/{token}"


# -- public -------------------------------------------------------------------------------------
@bp.get("/health")
def health():
    db_ok = "ok"
    try:
        with svc().db.read() as conn:
            conn.execute(text("SELECT 1"))
    except SQLAlchemyError:
        db_ok = "error"
    streams = svc().streams
    disk = svc().disk.state()  # a full disk: reads work (200), but nothing can be written
    status = "ok" if db_ok == "ok" and disk["status"] != "full" else "degraded"
    body = {"status": status, "db": db_ok, "version": __version__,
            "event_streams": {"open": streams.open, "limit": streams.limit,
                              "per_address": streams.per_address}, "disk": disk}
    return jsonify(body), 200 if db_ok == "ok" else 503


@bp.get("/services")
def services():
    return jsonify(fields_json(svc().engine))


@bp.get("/tickets/<int:ticket_id>")
def get_ticket(ticket_id: int):
    return jsonify(ticket_json(svc().engine.ticket(ticket_id), svc().config))


@bp.get("/track/<token>")
def track(token: str):
    if len(token) > 40:
        raise ApiError(404, "unknown_ticket", words(DEFAULT).gettext("Không tìm thấy số thứ tự."))
    return jsonify(ticket_json(svc().engine.ticket_by_token(token), svc().config))


@bp.get("/display")
def display():
    return current_app.response_class(svc().display_json(fresh=True).text,
                                      mimetype="application/json")


@bp.get("/events")
def events():
    s = svc()
    raw = request.headers.get("Last-Event-ID") or request.args.get("last_event_id")
    last_id = db_int(raw)
    return EventStreamResponse(s.bus, {
        "snapshot": s.display_json, "events_after": s.engine.events_after, "last_event_id": last_id,
        "keepalive_s": current_app.config["SSE_KEEPALIVE_S"],
        "snapshots": request.args.get("snapshots") != "0"}, s.streams,
        anonymous=not registered_caller())


@bp.get("/announcements/<int:event_id>.wav")
def announcement(event_id: int):
    """The voice announcement of one call (``ticket.called`` or ``ticket.recalled`` event)."""
    s = svc()
    found = s.bus.aside(lambda: s.engine.events_after(event_id - 1, 1))  # served on the hub
    if not found or found[0].id != event_id or found[0].kind not in ("ticket.called",
                                                                      "ticket.recalled"):
        raise ApiError(404)
    data = found[0].data
    from ..voice import VoiceError

    try:
        path = s.announcer.announcement(data["number"], int(data["counter_number"]))
    except VoiceError as exc:
        if s.disk.is_full_error(exc):  # the voice cache could not be written
            raise DiskFull() from exc
        current_app.logger.error("voice announcement failed: %s", exc)
        raise ApiError(503, "voice_unavailable",
                       words(DEFAULT).gettext("Không tạo được lời gọi số.")) from None
    return send_file(path, mimetype="audio/wav", max_age=86400)


# -- devices ------------------------------------------------------------------------------------
@bp.post("/tickets")
@require(device_kinds=("kiosk",), officer=True)
def issue_ticket():
    body = parse(IssueBody)
    principal = current_principal()
    ticket, created = svc().engine.issue(body.field_id, priority=body.priority,
                                         request_id=body.request_id,
                                         device_id=principal.device_id, actor=principal.actor)
    out = ticket_json(ticket, svc().config, track_url=track_url(ticket.token))
    return jsonify(out), 201 if created else 200


@bp.post("/ratings")
@require(device_kinds=("rating_station",), officer=True)
def rate():
    body = parse(RatingBody)
    principal = current_principal()
    s = svc()
    if principal.device is not None:
        allowed = {b.counter for b in principal.device.buttons}
        if body.counter_id not in allowed:
            raise ApiError(403, "counter_not_allowed",
                           words(DEFAULT).gettext("Thiết bị không gắn với quầy này."))
    elif not principal.officer.may_use(body.counter_id):
        raise ApiError(403, "counter_not_allowed",
                       words(DEFAULT).gettext("Bạn không được phân công ở quầy này."))
    now = datetime.now(UTC)
    if body.pressed_at > now + timedelta(minutes=10):
        raise ApiError(400, "invalid_body", words(DEFAULT).gettext(
                       "Dữ liệu không hợp lệ ở trường: pressed_at (thời điểm bấm nút ở tương lai: "
                       "kiểm tra đồng hồ thiết bị)."),
                       fields=[{"field": "pressed_at", "problem": "in the future"}])
    record, created = s.engine.record_rating(str(body.rating_id), body.counter_id, body.level,
                                             body.pressed_at, source=principal.actor,
                                             actor=principal.actor)
    out = {"id": record.id, "rating_id": record.rating_id, "counter_id": record.counter_id,
           "level": record.level, "ticket_id": record.ticket_id,
           "pressed_at": body.pressed_at.isoformat(), "created": created}
    return jsonify(out), 201 if created else 200


@bp.post("/devices/heartbeat")
@require(device_kinds=("kiosk", "rating_station"))
def heartbeat():
    body = parse(HeartbeatBody, allow_empty=False)
    principal = current_principal()
    given = {k: v for k, v in asdict(body).items() if v is not None}
    svc().heartbeat(principal.device.id, principal.device.kind, given, request.remote_addr or "")
    # The server's clock: a device without a real-time clock can notice it is wrong.
    return jsonify({"ok": True, "server_time": datetime.now(UTC).isoformat(timespec="seconds")})


# -- officers: login ----------------------------------------------------------------------------
@bp.post("/auth/login")
def login():
    body = parse(LoginBody)
    attempt = attempt_login(body.username, body.password)
    wait = attempt.retry_after_s
    say = words(DEFAULT)  # the API's messages are Vietnamese
    if wait:
        if wait < 60:
            message = say.ngettext("Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau {n} giây.",
                                   "Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau {n} giây.", wait)
        else:
            message = say.ngettext("Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau {n} phút.",
                                   "Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau {n} phút.",
                                   wait // 60 + 1)
        raise ApiError(429, "too_many_attempts", message, retry_after_s=wait)
    if attempt.officer is None:
        raise ApiError(401, "bad_credentials", say.gettext("Tên đăng nhập hoặc mật khẩu không đúng."))
    token = issue_token(attempt.officer, attempt.password_hash)
    return jsonify({"token": token, "officer": _officer_json(attempt.officer)})


@bp.get("/auth/me")
@require(officer=True)
def me():
    return jsonify({"officer": _officer_json(current_principal().officer)})


def _officer_json(o) -> dict:
    return {"id": o.id, "username": o.username, "full_name": o.full_name, "role": o.role,
            "counters": list(o.counters) or [c.id for c in svc().config.counters]}


# -- officers: counters -------------------------------------------------------------------------
def _ticket_reply(ticket):
    return jsonify({"ticket": ticket_json(ticket, svc().config) if ticket else None})


@bp.get("/counters/<counter_id>")
def counter_view(counter_id: str):
    officer_for_counter(counter_id)
    s = svc()
    state = next(c for c in s.engine.counters() if c.id == counter_id)
    cfg = s.config.counter(counter_id)
    waiting = {f.id: f.waiting for f in s.engine.fields() if f.id in cfg.fields}
    return jsonify({
        "counter": {"id": cfg.id, "number": cfg.number, "name": cfg.name, "fields": list(cfg.fields),
                    "paused": state.paused, "pause_reason": state.pause_reason},
        "ticket": ticket_json(state.ticket, s.config) if state.ticket else None,
        "waiting": waiting,
        "waiting_list": [ticket_json(t, s.config) for t in s.engine.waiting() if _waits_for(t, cfg)][:50],
        "missed": [ticket_json(t, s.config) for t in s.engine.missed(counter_id)],
        "today": counts_json(s.engine.counts_today(counter_id)),
        "calls_before_skip": s.config.queue.calls_before_skip,
        "printer_alerts": printer_alerts(s),  # the officers are the people nearest the kiosk
    })


def _waits_for(ticket, counter) -> bool:
    if ticket.target_counter_id is not None:
        return ticket.target_counter_id == counter.id
    return ticket.field_id in counter.fields


@bp.post("/counters/<counter_id>/sign-in")
def counter_sign_in(counter_id: str):
    p = officer_for_counter(counter_id)
    svc().engine.sign_in(counter_id, p.officer.id)
    return jsonify({"ok": True})


@bp.post("/counters/<counter_id>/sign-out")
def counter_sign_out(counter_id: str):
    officer_for_counter(counter_id)
    svc().engine.sign_in(counter_id, None)
    return jsonify({"ok": True})


@bp.post("/counters/<counter_id>/call-next")
def call_next(counter_id: str):
    p = officer_for_counter(counter_id)
    parse(EmptyBody)
    return _ticket_reply(svc().engine.call_next(counter_id, officer_id=p.officer.id, actor=p.actor))


@bp.post("/counters/<counter_id>/call-missed")
def call_missed(counter_id: str):
    p = officer_for_counter(counter_id)
    body = parse(CallMissedBody)
    return _ticket_reply(svc().engine.call_missed(counter_id, body.ticket_id,
                                                  officer_id=p.officer.id, actor=p.actor))


@bp.post("/counters/<counter_id>/recall")
def recall(counter_id: str):
    p = officer_for_counter(counter_id)
    return _ticket_reply(svc().engine.recall(counter_id, actor=p.actor))


@bp.post("/counters/<counter_id>/skip")
def skip(counter_id: str):
    p = officer_for_counter(counter_id)
    return _ticket_reply(svc().engine.skip(counter_id, actor=p.actor))


@bp.post("/counters/<counter_id>/finish")
def finish(counter_id: str):
    p = officer_for_counter(counter_id)
    return _ticket_reply(svc().engine.finish(counter_id, actor=p.actor))


@bp.post("/counters/<counter_id>/transfer")
def transfer(counter_id: str):
    p = officer_for_counter(counter_id)
    body = parse(TransferBody)
    ticket = svc().engine.transfer(counter_id, field_id=body.field_id,
                                   to_counter_id=body.counter_id, actor=p.actor)
    return _ticket_reply(ticket)


@bp.post("/counters/<counter_id>/dossier")
def dossier(counter_id: str):
    p = officer_for_counter(counter_id)
    body = parse(DossierBody)
    return _ticket_reply(svc().engine.set_dossier(counter_id, body.dossier_code, actor=p.actor))


@bp.post("/counters/<counter_id>/pause")
def pause(counter_id: str):
    p = officer_for_counter(counter_id)
    body = parse(PauseBody)
    svc().engine.pause(counter_id, body.reason, actor=p.actor)
    return jsonify({"paused": True, "reason": body.reason})


@bp.post("/counters/<counter_id>/resume")
def resume(counter_id: str):
    p = officer_for_counter(counter_id)
    svc().engine.resume(counter_id, actor=p.actor)
    return jsonify({"paused": False})


@bp.get("/openapi.json")
def openapi():
    from .openapi import document

    return jsonify(document(svc().config))
