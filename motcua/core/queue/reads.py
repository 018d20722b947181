"""Read queries: a ticket and its position, the fields and counters now, waiting and missed
tickets, recent calls, today's counts, audit-log events."""

from __future__ import annotations

import json

from sqlalchemy import bindparam, func, select

from ..storage import tables as t
from ..storage.prepared import Prepared
from .errors import QueueError
from .events import Event
from .hours import is_open
from .model import (
    AT_COUNTER_STATES,
    WAITING_STATES,
    CounterStatus,
    FieldStatus,
    Ticket,
    TicketCounts,
    TicketState,
)

# The reads of a display snapshot (one per event on a busy server).
_WAITING_BY_FIELD = Prepared(
    select(t.tickets.c.field_id, func.count())
    .where(t.tickets.c.day == bindparam("b_day"), t.tickets.c.state.in_(WAITING_STATES),
           t.tickets.c.target_counter_id.is_(None))
    .group_by(t.tickets.c.field_id))


_STAFFED = Prepared(select(t.counter_states.c.counter_id).where(
    t.counter_states.c.paused.is_(False), t.counter_states.c.officer_id.is_not(None)))


_COUNTER_STATES = Prepared(select(t.counter_states))

_TICKETS_BY_IDS = select(t.tickets).where(t.tickets.c.id.in_(bindparam("b_ids", expanding=True)))

_RECENT_CALLS = Prepared(
    select(t.tickets)
    .where(t.tickets.c.day == bindparam("b_day"), t.tickets.c.called_at.is_not(None),
           t.tickets.c.counter_id.is_not(None))
    .order_by(t.tickets.c.called_at.desc(), t.tickets.c.id.desc()).limit(bindparam("b_limit")))


_LAST_EVENT_ID = Prepared(select(func.coalesce(func.max(t.audit_log.c.id), 0)))


class Reads:
    """What the screens, pages and API read; no writes."""

    def ticket(self, ticket_id: int) -> Ticket:
        with self.db.read() as conn:
            row = conn.execute(select(t.tickets).where(t.tickets.c.id == ticket_id)).one_or_none()
            if row is None:
                raise QueueError("unknown_ticket", ticket_id=ticket_id)
            return self._with_position(conn, row)

    def ticket_by_token(self, token: str) -> Ticket:
        with self.db.read() as conn:
            row = conn.execute(select(t.tickets).where(t.tickets.c.token == token)).one_or_none()
            if row is None:
                raise QueueError("unknown_ticket")
            return self._with_position(conn, row)

    def fields(self) -> list[FieldStatus]:
        """Per field: open now, people waiting, estimated wait for a new ticket."""
        _, local = self.now()
        day = local.date().isoformat()
        with self.db.read() as conn:
            counts = dict(_WAITING_BY_FIELD.run(conn, {"b_day": day}).all())
            staffed = {r.counter_id for r in _STAFFED.run(conn)}
            means = {f.id: self._mean_service_s(conn, f.id) for f in self.config.fields}
            closed = self._day_flags(conn, day)["closed"]
        out = []
        for f in self.config.fields:
            waiting = counts.get(f.id, 0)
            serving = sum(1 for cc in self.config.counters if f.id in cc.fields and cc.id in staffed)
            out.append(FieldStatus(
                id=f.id, code=f.numbering.prefix or f.numbering.format(1),
                name=f.name, name_en=f.name_en,
                open=f.id not in closed and is_open(self.config, f, local.replace(tzinfo=None)),
                closed_today=f.id in closed,
                waiting=waiting,
                estimated_wait_s=int(waiting * means[f.id] / max(1, serving)),
            ))
        return out

    def counters(self) -> list[CounterStatus]:
        """Per counter: paused state and reason, officer, the ticket it serves now."""
        day = self.today()
        with self.db.read() as conn:
            states = {r.counter_id: r for r in _COUNTER_STATES.run(conn).all()}
            current_ids = [s.current_ticket_id for s in states.values() if s.current_ticket_id]
            current = {r.id: r for r in conn.execute(
                _TICKETS_BY_IDS, {"b_ids": current_ids}).all()} if current_ids else {}
        out = []
        for cc in self.config.counters:
            s = states.get(cc.id)
            row = current.get(s.current_ticket_id) if s else None
            if row is not None and (row.day != day or row.state not in AT_COUNTER_STATES):
                row = None
            out.append(CounterStatus(
                id=cc.id, number=cc.number, name=cc.name, fields=tuple(cc.fields),
                paused=bool(s.paused) if s else False,
                pause_reason=s.pause_reason if s else "",
                officer_id=s.officer_id if s else None,
                ticket=Ticket.from_row(row) if row is not None else None,
            ))
        return out

    def waiting(self, field_id: str | None = None) -> list[Ticket]:
        """Today's waiting tickets in queue order (oldest first)."""
        day = self.today()
        c = t.tickets.c
        q = select(t.tickets).where(c.day == day, c.state.in_(WAITING_STATES))
        if field_id is not None:
            q = q.where(c.field_id == field_id)
        with self.db.read() as conn:
            return [Ticket.from_row(r) for r in conn.execute(q.order_by(c.queued_at, c.id))]

    def missed(self, counter_id: str) -> list[Ticket]:
        """Today's skipped tickets in the fields this counter serves."""
        counter = self.counter(counter_id)
        c = t.tickets.c
        with self.db.read() as conn:
            rows = conn.execute(
                select(t.tickets).where(c.day == self.today(), c.state == TicketState.SKIPPED,
                                        c.field_id.in_(counter.fields))
                .order_by(c.finished_at.desc())).all()
        return [Ticket.from_row(r) for r in rows]

    def recent_calls(self, limit: int = 10) -> list[Ticket]:
        """Today's most recent calls, newest first."""
        with self.db.read() as conn:
            rows = _RECENT_CALLS.run(conn, {"b_day": self.today(), "b_limit": limit}).all()
        return [Ticket.from_row(r) for r in rows]

    def counts_today(self, counter_id: str | None = None) -> TicketCounts:
        """Today's tickets by state (for one counter, the ones it called)."""
        c = t.tickets.c
        q = select(c.state, func.count()).where(c.day == self.today()).group_by(c.state)
        if counter_id is not None:
            q = q.where(c.counter_id == counter_id)
        with self.db.read() as conn:
            return TicketCounts.of(dict(conn.execute(q).all()))

    def events_after(self, event_id: int, limit: int = 500) -> list[Event]:
        """Audit-log events with ids above ``event_id``, oldest first."""
        a = t.audit_log.c
        with self.db.read() as conn:
            rows = conn.execute(select(t.audit_log).where(a.id > event_id)
                                .order_by(a.id).limit(limit)).all()
        return [_event(r) for r in rows]

    def last_event_id(self) -> int:
        with self.db.read() as conn:
            return _LAST_EVENT_ID.run(conn).scalar_one()


def _event(row) -> Event:
    data = json.loads(row.data or "{}")
    return Event(id=row.id, kind=row.kind, at=row.at, actor=row.actor,
                 data={"ticket_id": row.ticket_id, "counter_id": row.counter_id, **data})
