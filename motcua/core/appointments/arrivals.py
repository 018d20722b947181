"""Arrivals: check-in by code (kiosk or officer), and bookings whose grace period has passed.

A check-in issues a ticket through the queue engine, in the same transaction and the same
number series as the kiosk's, so no number is ever given twice. In time (from
``early_minutes`` before the slot until ``grace_minutes`` after its start) the ticket is booked:
it waits as if taken at the slot's start and, with ``order = "first"``, is called before the
other tickets once the slot has started. Later, the booking is ``late``: with ``after_grace =
"walk_in"`` checking in gives an ordinary ticket; with ``"no_show"`` it is refused. Wrong codes
count per device or officer, in the database (every server process counts the same); after
``wrong_codes`` in a row they wait.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import bindparam, or_, select, update

from ..queue.model import Ticket
from ..storage import tables as t
from ..storage.prepared import Prepared
from .codes import clean_code
from .errors import refuse
from .model import Appointment, AppointmentState
from .slots import local_hhmm

A = t.appointments.c
S = AppointmentState
_BY_CODE = Prepared(select(t.appointments)
                    .where(A.day == bindparam("b_day"), A.code == bindparam("b_code"))
                    .with_for_update())
_LATER_DAY = Prepared(select(A.day).where(A.code == bindparam("b_code"), A.day > bindparam("b_day"),
                                          A.state == S.BOOKED).order_by(A.day).limit(1))
_CHECKED_IN = Prepared(update(t.appointments).where(A.id == bindparam("b_id"))
                       .returning(*t.appointments.c))
_TICKET = Prepared(select(t.tickets).where(t.tickets.c.id == bindparam("b_id")))


class _WrongCode(Exception):
    """No booking of today has this code."""


class Arrivals:
    """Check-in and the grace period."""

    def check_in(self, code: str, *, who: str, device_id: str | None = None,
                 actor: str = "system") -> tuple[Ticket, Appointment, bool]:
        """Check in today's booking ``code``: (ticket, appointment, created). Checking in again
        answers the same ticket with ``created`` False (a kiosk may retry). ``who`` (a device or
        an officer) is refused for a while after too many wrong codes in a row."""
        wrong = self.wrong_codes.recent(who)
        pause = self.wrong_codes.wait_for(wrong)
        if pause:
            refuse("too_many_codes", minutes=-(-pause // 60), retry_after_s=pause)
        clean = clean_code(code)
        self.sweep()

        def op() -> tuple[Ticket, Appointment, bool]:
            with self.engine.write() as tx:
                row = None if clean is None else _BY_CODE.run(
                    tx.conn, {"b_day": tx.day, "b_code": clean}).one_or_none()
                if row is None:
                    later = None if clean is None else _LATER_DAY.run(
                        tx.conn, {"b_code": clean, "b_day": tx.day}).scalar_one_or_none()
                    if later is not None:
                        refuse("not_today", day=later)
                    raise _WrongCode()
                return self._arrive(tx, row, device_id, actor)

        try:
            found = self.engine.run(op)
        except _WrongCode:
            left = max(0, self.wrong_codes.limit - self.wrong_codes.add(who).count)
            if left == 0:
                refuse("too_many_codes", minutes=self.config.appointments.wrong_code_pause_minutes,
                       retry_after_s=self.wrong_codes.wait_s(who))
            refuse("wrong_code", attempts_left=left)
        if wrong.count:  # in a row: a right code starts the count again
            self.wrong_codes.clear(who)
        return found

    def _arrive(self, tx, row, device_id: str | None, actor: str) -> tuple[Ticket, Appointment, bool]:
        if row.state in (S.CHECKED_IN, S.WALKED_IN):
            ticket = Ticket.from_row(_TICKET.run(tx.conn, {"b_id": row.ticket_id}).one())
            return ticket, Appointment.from_row(row, ticket.number), False
        if row.state == S.CANCELLED:
            refuse("cancelled")
        policy = self.config.appointments.arrival
        if row.state == S.NO_SHOW:
            refuse("no_show", slot=row.slot)
        opens = row.starts_at - timedelta(minutes=policy.early_minutes)
        if tx.now < opens:
            refuse("too_early", time=local_hhmm(self.config, opens))
        fld = self.engine.field(row.field_id)
        in_time = (row.state == S.BOOKED
                   and tx.now <= row.starts_at + timedelta(minutes=policy.grace_minutes))
        if not in_time and policy.after_grace == "no_show":
            refuse("no_show", slot=row.slot)  # the next sweep records it
        ticket, _ = self.engine.issue_in(tx, fld, device_id=device_id, actor=actor,
                                         booked_at=row.starts_at if in_time else None,
                                         channel="appointment")
        new = _CHECKED_IN.run(tx.conn, {
            "b_id": row.id, "state": S.CHECKED_IN if in_time else S.WALKED_IN,
            "checked_in_at": tx.now, "ticket_id": ticket.id}).one()
        tx.log("appointment.checked_in", actor, appointment_id=row.id, ticket_id=ticket.id,
               service_id=row.field_id, day=row.day, slot=row.slot, number=ticket.number,
               late=not in_time)
        return ticket, Appointment.from_row(new, ticket.number), True

    def sweep(self) -> int:
        """Record the bookings whose grace period has passed (``late``, or ``no_show`` by the
        policy; a late one still open when its day is over is a no-show), and erase the
        personal data that has been kept long enough. Writes only when something is due;
        returns how many bookings changed."""
        now, local = self.engine.now()
        today = local.date().isoformat()
        policy = self.config.appointments.arrival
        cutoff = now - timedelta(minutes=policy.grace_minutes)
        due = or_(A.state == S.BOOKED, A.state == S.LATE)
        overdue = or_((A.state == S.BOOKED) & (A.starts_at < cutoff),
                      (A.state == S.LATE) & (A.day < today))
        with self.db.read() as conn:
            pending = conn.execute(select(A.id).where(due, overdue).limit(1)).first()
        changed = 0
        if pending is not None:
            changed = self._mark_overdue(cutoff, "late" if policy.after_grace == "walk_in"
                                         else "no_show")
        if self._erased_day != today:
            self.erase_personal_data()
        return changed

    def _mark_overdue(self, cutoff, after_grace: str) -> int:
        cols = (A.id, A.field_id, A.day, A.slot)
        with self.engine.write() as tx:
            late = tx.conn.execute(
                update(t.appointments).where(A.state == S.BOOKED, A.starts_at < cutoff)
                .values(state=after_grace).returning(*cols)).all()
            gone = tx.conn.execute(
                update(t.appointments).where(A.state == S.LATE, A.day < tx.day)
                .values(state=S.NO_SHOW).returning(*cols)).all()
            for kind, rows in (("appointment." + after_grace, late), ("appointment.no_show", gone)):
                for r in rows:
                    tx.log(kind, "system", appointment_id=r.id, service_id=r.field_id, day=r.day,
                           slot=r.slot)
        return len(late) + len(gone)
