"""Booking a slot and cancelling it.

The slot's row in ``appointment_slots`` is incremented in the booking's transaction and the
booking is refused (the transaction rolled back) when it passes the capacity: on SQLite writers
take turns (``BEGIN IMMEDIATE``), on PostgreSQL the increment locks the row until the commit,
so concurrent bookings of one slot never give more places than it has.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from sqlalchemy import bindparam, func, select, update
from sqlalchemy.exc import IntegrityError

from config.schema import FieldConfig, SlotPlan

from ..queue import Conflict, Tx
from ..storage import tables as t
from ..storage.prepared import Prepared
from ..storage.upsert import upsert_increment
from .codes import new_code, new_secret, secret_hash
from .errors import refuse
from .model import LIVE_STATES, Appointment, AppointmentState, Booking
from .slots import slot_start, slot_times

A = t.appointments.c
_TAKE_PLACE = Prepared(upsert_increment(
    t.appointment_slots, {"field_id": "b_field", "day": "b_day", "slot": "b_slot"}, "booked"))
_GIVE_BACK = Prepared(update(t.appointment_slots).where(
    t.appointment_slots.c.field_id == bindparam("b_field"), t.appointment_slots.c.day == bindparam("b_day"),
    t.appointment_slots.c.slot == bindparam("b_slot"))
    .values(booked=t.appointment_slots.c.booked - 1))
_BY_REQUEST = Prepared(select(t.appointments).where(A.request_id == bindparam("b_req")))
_BY_SECRET = Prepared(select(t.appointments).where(A.secret_hash == bindparam("b_hash"))
                      .with_for_update())
_PHONE_BOOKINGS = Prepared(select(func.count()).select_from(t.appointments).where(
    A.day == bindparam("b_day"), A.phone == bindparam("b_phone"), A.state.in_(LIVE_STATES)))
_INSERT = Prepared(t.appointments.insert().returning(*t.appointments.c))
_UPDATE = Prepared(update(t.appointments).where(A.id == bindparam("b_id")).returning(*t.appointments.c))

_PHONE = re.compile(r"^0[1-9][0-9]{8}$")


def clean_name(name: str) -> str:
    """The name as given, with runs of spaces made one; refused when too short or too long, or
    with control characters."""
    text = " ".join(name.split())
    if not 2 <= len(text) <= 100 or any(ord(ch) < 32 for ch in text):
        refuse("bad_name")
    return text


def clean_phone(phone: str) -> str:
    """A Vietnamese phone number as 10 digits from 0 (``+84``/``84`` and separators accepted)."""
    digits = re.sub(r"[\s.\-()]", "", phone)
    if digits.startswith("+84"):
        digits = "0" + digits[3:]
    elif digits.startswith("84") and len(digits) == 11:
        digits = "0" + digits[2:]
    if not _PHONE.match(digits):
        refuse("bad_phone")
    return digits


class Bookings:
    """Book a slot (public, rate-limited per client), cancel with the booking's secret."""

    def book(self, field_id: str, day: str, slot: str, *, name: str, phone: str,
             request_id: str | None = None, who: str | None = None,
             actor: str = "public") -> Booking:
        """Book ``slot`` ("HH:MM") of ``day`` (YYYY-MM-DD) in ``field_id``. The same
        ``request_id`` again returns the first booking (without its secret). ``who`` (the
        client's address; None for a booking not made by the public, e.g. an officer's) is
        limited to ``bookings_per_address_per_hour`` attempts, counted in the database (so
        across server processes and restarts)."""
        fld = self.engine.field(field_id)
        plan = self.plan(fld)
        if plan is None:
            refuse("not_bookable", field_id=fld.id)
        if who is not None:
            wait = self.bookings.attempt(who)
            if wait:
                refuse("too_many_bookings", minutes=-(-wait // 60), retry_after_s=wait)
        person, number = clean_name(name), clean_phone(phone)
        when = self._bookable(fld, plan, day, slot)

        def op() -> Booking:
            try:
                with self.engine.write() as tx:
                    return self._book(tx, fld, plan, when, slot, person, number, request_id, actor)
            except IntegrityError as exc:  # a code taken by another booking, or the request_id
                raise Conflict() from exc

        return self.engine.run(op)

    def _bookable(self, fld: FieldConfig, plan: SlotPlan, day: str, slot: str) -> date:
        """The day of a slot that can be booked now; refuses past, far, closed days and slots
        that are not the plan's or have begun."""
        try:
            wanted = date.fromisoformat(day)
        except (TypeError, ValueError):
            refuse("bad_day", day=str(day)[:10])
        now, local = self.engine.now()
        today = local.date()
        if wanted < today:
            refuse("past_day", day=day)
        if wanted > today + timedelta(days=plan.days_ahead):
            refuse("too_far", day=day, days_ahead=plan.days_ahead)
        times = slot_times(self.config, fld, plan, wanted)
        if not times:
            refuse("closed_day", day=day)
        if slot not in {start for start, _ in times}:
            refuse("bad_slot", day=day, slot=str(slot)[:5])
        if slot_start(self.config, wanted, slot) <= now:
            refuse("past_slot", day=day, slot=slot)
        return wanted

    def _book(self, tx: Tx, fld: FieldConfig, plan: SlotPlan, day: date, slot: str,
              name: str, phone: str, request_id: str | None, actor: str) -> Booking:
        conn = tx.conn
        if request_id is not None:
            row = _BY_REQUEST.run(conn, {"b_req": request_id}).one_or_none()
            if row is not None:
                return Booking(Appointment.from_row(row), None)
        key = {"b_field": fld.id, "b_day": day.isoformat(), "b_slot": slot}
        taken = _TAKE_PLACE.run(conn, key).scalar_one()  # locks the slot's row until the commit
        if taken > plan.capacity:  # raising rolls the increment back
            refuse("slot_full", day=day.isoformat(), slot=slot, capacity=plan.capacity)
        held = _PHONE_BOOKINGS.run(conn, {"b_day": day.isoformat(), "b_phone": phone}).scalar_one()
        if held >= self.config.appointments.bookings_per_phone_per_day:
            refuse("phone_limit", day=day.isoformat())
        secret = new_secret()
        row = _INSERT.run(conn, {
            "field_id": fld.id, "day": day.isoformat(), "slot": slot,
            "starts_at": slot_start(self.config, day, slot), "slot_minutes": plan.slot_minutes,
            "code": new_code(), "secret_hash": secret_hash(secret), "request_id": request_id,
            "name": name, "phone": phone, "state": AppointmentState.BOOKED, "booked_at": tx.now,
        }).one()
        tx.log("appointment.booked", actor, appointment_id=row.id, service_id=fld.id,
               day=row.day, slot=slot, taken=taken, capacity=plan.capacity)
        return Booking(Appointment.from_row(row), secret)

    def cancel(self, secret: str, *, actor: str = "public") -> Appointment:
        """Cancel the booking ``secret`` belongs to, until its slot starts; its place is free
        again. Cancelling a cancelled booking again answers it as it is."""
        def op() -> Appointment:
            with self.engine.write() as tx:
                row = _BY_SECRET.run(tx.conn, {"b_hash": secret_hash(secret)}).one_or_none()
                if row is None:
                    refuse("unknown_appointment")
                if row.state == AppointmentState.CANCELLED:
                    return Appointment.from_row(row)
                if row.state != AppointmentState.BOOKED or row.starts_at <= tx.now:
                    refuse("cannot_cancel")
                return self._cancel(tx, row, actor)

        return self.engine.run(op)

    def _cancel(self, tx: Tx, row, actor: str) -> Appointment:
        _GIVE_BACK.run(tx.conn, {"b_field": row.field_id, "b_day": row.day, "b_slot": row.slot})
        new = _UPDATE.run(tx.conn, {"b_id": row.id, "state": AppointmentState.CANCELLED,
                                    "cancelled_at": tx.now}).one()
        tx.log("appointment.cancelled", actor, appointment_id=row.id, service_id=row.field_id,
               day=row.day, slot=row.slot)
        return Appointment.from_row(new)

    def by_secret(self, secret: str) -> Appointment:
        """The booking ``secret`` belongs to (its holder's view)."""
        with self.db.read() as conn:
            row = conn.execute(select(t.appointments)
                               .where(A.secret_hash == secret_hash(secret))).one_or_none()
        if row is None:
            refuse("unknown_appointment")
        return Appointment.from_row(row)

