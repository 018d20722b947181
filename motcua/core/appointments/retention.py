"""Erasing personal data: a booking's name and phone number are kept ``retention_days`` after its
day, then set to NULL (the booking itself stays, for the figures)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import or_, update

from ..storage import tables as t

A = t.appointments.c


class Retention:
    def erase_personal_data(self) -> int:
        """Erase the names and phone numbers kept long enough; returns how many bookings."""
        _, local = self.engine.now()
        today = local.date()
        cutoff = (today - timedelta(days=self.config.appointments.retention_days)).isoformat()
        with self.engine.write() as tx:
            erased = tx.conn.execute(
                update(t.appointments)
                .where(A.day < cutoff, or_(A.name.is_not(None), A.phone.is_not(None)))
                .values(name=None, phone=None, erased_at=tx.now)).rowcount
            if erased:
                tx.log("appointment.erased", "system", before_day=cutoff, count=erased)
        self._erased_day = today.isoformat()
        return erased

