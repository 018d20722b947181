"""Ratings: one press of a rating button, attributed to the ticket served at that counter."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, or_, select

from ..storage import tables as t
from .base import Tx
from .errors import QueueError
from .model import RatingRecord

RATING_WINDOW = timedelta(minutes=15)
"""A press counts for the ticket finished at most this long before it."""


class Ratings:
    """Record a press, counted once per ``rating_id`` and once per ticket."""

    def record_rating(self, rating_id: str, counter_id: str, level: str, pressed_at: datetime,
                      *, source: str = "", actor: str = "system") -> tuple[RatingRecord, bool]:
        """Record one press; the same ``rating_id`` again is counted once (created False).

        The rating is attributed to the ticket the counter was serving at ``pressed_at`` (or had
        finished within :data:`RATING_WINDOW` before it), if that ticket has no rating yet.
        """
        self.counter(counter_id)
        if level not in self._levels:
            raise QueueError("unknown_level", level=level)
        if pressed_at.tzinfo is None:
            raise ValueError("pressed_at must carry a UTC offset")
        pressed = pressed_at.astimezone(UTC).replace(tzinfo=None)

        def op() -> tuple[RatingRecord, bool]:
            with self.write(duplicate_is_conflict=True) as tx:
                return self._rate(tx, rating_id, counter_id, level, pressed, source, actor)

        return self.run(op)

    def _rate(self, tx: Tx, rating_id: str, counter_id: str, level: str, pressed: datetime,
              source: str, actor: str) -> tuple[RatingRecord, bool]:
        conn = tx.conn
        r = t.ratings.c
        state = self._counter_state(tx, counter_id)  # one press at a time per counter
        existing = conn.execute(select(t.ratings).where(r.rating_id == rating_id)).one_or_none()
        if existing is not None:
            return _rating(existing), False
        c = t.tickets.c
        ticket = conn.execute(
            select(c.id, c.officer_id, c.field_id, c.number, c.finished_at, c.state)
            .where(c.counter_id == counter_id, c.called_at <= pressed,
                   or_(c.finished_at.is_(None), c.finished_at >= pressed - RATING_WINDOW))
            .order_by(c.called_at.desc()).limit(1)
        ).one_or_none()
        if ticket is not None and conn.execute(
                select(func.count()).select_from(t.ratings).where(r.ticket_id == ticket.id)
        ).scalar_one():
            ticket = None  # one rating per ticket: a second press is kept but not attributed
        officer_id = ticket.officer_id if ticket is not None else state.officer_id
        row_id = conn.execute(t.ratings.insert().values(
            rating_id=rating_id, counter_id=counter_id, level=level,
            ticket_id=ticket.id if ticket else None, officer_id=officer_id,
            field_id=ticket.field_id if ticket else None, pressed_at=pressed,
            received_at=tx.now, source=source,
        )).inserted_primary_key[0]
        row = conn.execute(select(t.ratings).where(r.id == row_id)).one()
        tx.log("rating.recorded", actor, ticket_id=row.ticket_id, counter_id=counter_id,
               level=level, rating_id=rating_id, number=ticket.number if ticket else None,
               officer_id=officer_id)
        return _rating(row), True


def _rating(row) -> RatingRecord:
    return RatingRecord(id=row.id, rating_id=row.rating_id, counter_id=row.counter_id,
                        level=row.level, ticket_id=row.ticket_id, officer_id=row.officer_id,
                        pressed_at=row.pressed_at, received_at=row.received_at)
