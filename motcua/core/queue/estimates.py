"""Positions and wait estimates: the people ahead of a waiting ticket and the open counters of its
line, in one query; the mean of the field's recent service times, cached for a while."""

from __future__ import annotations

import time as _time
from collections import deque

from sqlalchemy import Connection, and_, bindparam, false, func, or_, select

from ..storage import tables as t
from ..storage.prepared import Prepared
from .base import Tx
from .model import WAITING_STATES, Ticket, TicketState

SERVICE_SAMPLE = 20
"""How many recent services of a field the wait estimate averages."""

_ESTIMATE_TTL_S = 30.0
"""How long a field's service times are reused before they are read again (other processes'
finished tickets show up then): reading them after every finish would cost every ticket issued
in a busy hall a query."""


def _plausible(seconds: float) -> bool:
    """A service time worth averaging: not a ticket left open over lunch or overnight, nor one
    finished within seconds of its call (a slip, a no-show, a test): those would tell the next
    citizens that nine people ahead means under a minute."""
    return 10 <= seconds < 4 * 3600


def _ahead_statements(transferred_first: bool) -> dict:
    """People ahead of a waiting ticket, by its kind. Tickets sent to one counter wait in that
    counter's own line (``targeted``), apart from their field's."""
    c = t.tickets.c
    today = [c.day == bindparam("b_day"), c.state.in_(WAITING_STATES), c.id != bindparam("b_id")]
    base = select(func.count()).where(*today, c.field_id == bindparam("b_field"),
                                      c.target_counter_id.is_(None))
    queued = bindparam("b_queued")
    earlier = or_(c.queued_at < queued, and_(c.queued_at == queued, c.id < bindparam("b_id")))
    first = c.transferred.is_(True) if transferred_first else false()
    out = {
        "targeted": select(func.count()).where(*today, c.target_counter_id == bindparam("b_target"),
                                               earlier),
        "priority": base.where(or_(first, and_(c.priority.is_(True), earlier))),
        "normal": base.where(or_(first, c.priority.is_(True), earlier)),
    }
    if transferred_first:  # otherwise a transferred ticket is ranked as a normal or priority one
        out["transferred"] = base.where(c.transferred.is_(True), earlier)
    return out


_AHEAD = {True: _ahead_statements(True), False: _ahead_statements(False)}


class Estimates:
    """People ahead, open counters, mean service times."""

    def _count_waiting(self, conn: Connection, day: str, field_id: str | None = None) -> int:
        q = select(func.count()).select_from(t.tickets).where(
            t.tickets.c.day == day, t.tickets.c.state.in_(WAITING_STATES))
        if field_id is not None:
            q = q.where(t.tickets.c.field_id == field_id)
        return conn.execute(q).scalar_one()

    def _mean_service_s(self, conn: Connection, field_id: str) -> float:
        """The mean of the field's last ``SERVICE_SAMPLE`` service times (the default when none
        yet). Read from the database at most every ``_ESTIMATE_TTL_S``; in between, tickets this
        process finishes are added to it (:meth:`_learn_service`)."""
        cached = self._service_cache.get(field_id)
        if cached is None or _time.monotonic() - cached[0] >= _ESTIMATE_TTL_S:
            c = t.tickets.c
            rows = conn.execute(
                select(c.called_at, c.finished_at)
                .where(c.field_id == field_id, c.state == TicketState.DONE, c.finished_at.is_not(None),
                       c.called_at.is_not(None))
                .order_by(c.finished_at.desc()).limit(SERVICE_SAMPLE)
            ).all()
            durations = deque(
                (d for d in ((r.finished_at - r.called_at).total_seconds() for r in reversed(rows))
                 if _plausible(d)), maxlen=SERVICE_SAMPLE)
            cached = self._service_cache[field_id] = (_time.monotonic(), durations)
        durations = cached[1]
        return (sum(durations) / len(durations) if durations
                else self.config.queue.default_service_minutes * 60)

    def _learn_service(self, tx: Tx, row) -> None:
        """After the commit, add a finished ticket's service time to its field's cached mean."""
        if row.called_at is None:
            return
        seconds = (tx.now - row.called_at).total_seconds()
        cached = self._service_cache.get(row.field_id)
        if cached is not None and _plausible(seconds):
            tx.after_commit.append(lambda: cached[1].append(seconds))

    def _position_stmt(self, kind: str, line: str):
        """People ahead of a waiting ticket of ``kind`` in ``line`` (its field, or the counter
        it was sent to) and the open counters of that line, in one query; an estimate across
        priority policies."""
        stmt = self._position_stmts.get((kind, line))
        if stmt is None:
            serving = ([line] if kind == "targeted" else
                       [c.id for c in self.config.counters if line in c.fields])
            cs = t.counter_states.c
            open_counters = select(func.count()).where(
                cs.counter_id.in_(serving), cs.paused.is_(False), cs.officer_id.is_not(None))
            ahead = _AHEAD[self.config.queue.transferred == "first"][kind]
            stmt = self._position_stmts[(kind, line)] = Prepared(select(
                ahead.scalar_subquery(), open_counters.scalar_subquery()))
        return stmt

    def _with_position(self, conn: Connection, row) -> Ticket:
        if row.state not in WAITING_STATES:
            return Ticket.from_row(row)
        first = self.config.queue.transferred == "first"
        kind = ("targeted" if row.target_counter_id else
                "transferred" if row.transferred and first else
                "priority" if row.priority else "normal")
        line = row.target_counter_id or row.field_id
        ahead, open_counters = self._position_stmt(kind, line).run(conn, {
            "b_day": row.day, "b_field": row.field_id, "b_id": row.id,
            "b_queued": row.queued_at, "b_target": row.target_counter_id}).one()
        wait = int(ahead * self._mean_service_s(conn, row.field_id) / max(1, open_counters))
        return Ticket.from_row(row, waiting_before=ahead, estimated_wait_s=wait)
