"""API v1 routes of appointments (đặt lịch hẹn): free slots and booking (public; booking limited
per client address), cancelling with the booking's secret, check-in by code (a kiosk or an
officer), a counter's appointments of the day (officers). The rules are the core's
(:mod:`motcua.core.appointments`); refusals are its codes with Vietnamese messages."""

from __future__ import annotations

from datetime import date

from flask import current_app, jsonify, request

from motcua.core.appointments import Appointment, AppointmentBook, DaySlots
from motcua.core.i18n import DEFAULT, words

from ..auth import current_principal, officer_for_counter, require
from ..present import local_iso, ticket_json
from . import bp
from .bodies import BookBody, CheckInBody, SecretBody, parse
from .errors import ApiError
from .routes import track_url


def book() -> AppointmentBook:
    return current_app.extensions["motcua"].appointments


def appointment_json(a: Appointment, *, personal: bool = False, masked: bool = False) -> dict:
    """A booking as the API shows it; its name and phone number to officers (``personal``) or,
    the phone number masked, to its holder (``masked``)."""
    cfg = book().config
    fld = cfg.field(a.field_id)
    out = {
        "id": a.id, "service_id": a.field_id, "service_name": fld.name if fld else a.field_id,
        "service_name_en": fld.name_en if fld else "", "day": a.day, "slot": a.slot,
        "end": _end(a), "starts_at": local_iso(a.starts_at, cfg.zone),
        "state": str(a.state), "code": a.code, "ticket_number": a.ticket_number,
    }
    if personal:
        out.update(name=a.name, phone=a.phone)
    elif masked:
        out.update(name=a.name, phone=f"{a.phone[:3]}****{a.phone[-3:]}" if a.phone else None)
    return out


def _end(a: Appointment) -> str:
    h, m = (int(x) for x in a.slot.split(":"))
    minutes = h * 60 + m + a.slot_minutes
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _days_json(days: list[DaySlots]) -> list[dict]:
    return [{"day": d.day, "open": d.open,
             "slots": [{"start": s.start, "end": s.end, "capacity": s.capacity, "free": s.free}
                       for s in d.slots]} for d in days]


# -- public -------------------------------------------------------------------------------------
@bp.get("/appointments/services")
def appointment_services():
    """The fields that take appointments, with their slot plans."""
    b = book()
    return jsonify([{"id": f.id, "name": f.name, "name_en": f.name_en,
                     "slot_minutes": p.slot_minutes, "capacity": p.capacity,
                     "days_ahead": p.days_ahead}
                    for f in b.bookable() if (p := b.plan(f)) is not None])


@bp.get("/appointments/slots")
def appointment_slots():
    field_id = request.args.get("service_id", "")
    if not field_id or len(field_id) > 40:
        raise ApiError(400, "unknown_field", words(DEFAULT).gettext("Lĩnh vực không tồn tại."))
    raw_days = request.args.get("days")
    days = None
    if raw_days is not None:  # the document says an integer from 0 to 90: anything else is a 400
        if not (raw_days.isascii() and raw_days.isdigit() and int(raw_days[:4]) <= 90):
            raise ApiError(400, "bad_days", words(DEFAULT).gettext(
                "Số ngày không hợp lệ: một số nguyên từ 0 đến 90."))
        days = int(raw_days)
    found = book().search(field_id, days)
    return jsonify({"service_id": field_id, "days": _days_json(found)})


@bp.post("/appointments")
def book_appointment():
    body = parse(BookBody)
    b = book()
    principal = current_principal()
    booking = b.book(body.field_id, body.day, body.slot, name=body.name, phone=body.phone,
                     request_id=body.request_id, who=request.remote_addr or "?",
                     actor=principal.actor if principal else "public")
    out = {"appointment": appointment_json(booking.appointment, masked=True)}
    if booking.secret is not None:
        out["secret"] = booking.secret
    return jsonify(out), 201 if booking.secret is not None else 200


@bp.post("/appointments/lookup")
def lookup_appointment():
    body = parse(SecretBody)
    return jsonify({"appointment": appointment_json(book().by_secret(body.secret), masked=True)})


@bp.post("/appointments/cancel")
def cancel_appointment():
    body = parse(SecretBody)
    return jsonify({"appointment": appointment_json(book().cancel(body.secret), masked=True)})


# -- kiosks and officers ------------------------------------------------------------------------
@bp.post("/appointments/check-in")
@require(device_kinds=("kiosk",), officer=True)
def check_in():
    body = parse(CheckInBody)
    p = current_principal()
    ticket, appointment, created = book().check_in(body.code, who=p.actor, device_id=p.device_id,
                                                   actor=p.actor)
    return jsonify({"ticket": ticket_json(ticket, book().config, track_url=track_url(ticket.token)),
                    "appointment": appointment_json(appointment)}), 201 if created else 200


@bp.get("/counters/<counter_id>/appointments")
def counter_appointments(counter_id: str):
    officer_for_counter(counter_id)
    b = book()
    day = b.engine.today()
    found = b.day_list(counter_id, date.fromisoformat(day))
    return jsonify({"day": day, "appointments": [appointment_json(a, personal=True)
                                                 for a in found]})
