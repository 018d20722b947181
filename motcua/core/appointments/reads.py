"""Read queries: free places per slot for the days ahead, a counter's appointments of the day."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import bindparam, select

from ..storage import tables as t
from ..storage.prepared import Prepared
from .errors import refuse
from .model import Appointment, DaySlots, Slot
from .slots import slot_start, slot_times

A = t.appointments.c
_TAKEN = Prepared(select(t.appointment_slots.c.day, t.appointment_slots.c.slot,
                         t.appointment_slots.c.booked)
                  .where(t.appointment_slots.c.field_id == bindparam("b_field"),
                         t.appointment_slots.c.day >= bindparam("b_from"),
                         t.appointment_slots.c.day <= bindparam("b_to")))


class Reads:
    def search(self, field_id: str, days: int | None = None) -> list[DaySlots]:
        """Each day from today to the plan's ``days_ahead`` (or ``days`` fewer) with its slots
        that have not begun and their free places; a closed day has none and ``open`` False."""
        fld = self.engine.field(field_id)
        plan = self.plan(fld)
        if plan is None:
            refuse("not_bookable", field_id=fld.id)
        now, local = self.engine.now()
        first = local.date()
        ahead = plan.days_ahead if days is None else max(0, min(days, plan.days_ahead))
        last = first + timedelta(days=ahead)
        with self.db.read_single() as conn:
            taken = {(r.day, r.slot): r.booked for r in _TAKEN.run(conn, {
                "b_field": fld.id, "b_from": first.isoformat(), "b_to": last.isoformat()})}
        out = []
        for n in range(ahead + 1):
            day = first + timedelta(days=n)
            iso = day.isoformat()
            every = slot_times(self.config, fld, plan, day)
            times = [(a, b) for a, b in every if n > 0 or slot_start(self.config, day, a) > now]
            out.append(DaySlots(iso, bool(every), tuple(
                Slot(a, b, plan.capacity, max(0, plan.capacity - taken.get((iso, a), 0)))
                for a, b in times)))
        return out

    def day_list(self, counter_id: str, day: date | None = None) -> list[Appointment]:
        """The appointments of the counter's fields on ``day`` (today), by slot, with the
        number of the ticket each got at check-in."""
        counter = self.engine.counter(counter_id)
        self.sweep()
        day = day or self.engine.now()[1].date()
        tk = t.tickets.c
        with self.db.read() as conn:
            rows = conn.execute(
                select(t.appointments, tk.number.label("ticket_number"))
                .select_from(t.appointments.outerjoin(t.tickets, tk.id == A.ticket_id))
                .where(A.day == day.isoformat(), A.field_id.in_(counter.fields))
                .order_by(A.starts_at, A.id)).all()
        return [Appointment.from_row(r, r.ticket_number) for r in rows]
