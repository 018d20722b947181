"""The ticket lifecycle: issue, call next (the calling order and the priority policy), call a missed
ticket again, recall, skip, finish, transfer, and the dossier code of the ticket served."""

from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import and_, bindparam, case, literal, select, text, union_all, update

from config.schema import CounterConfig, FieldConfig

from ..i18n import N_
from ..storage import tables as t
from ..storage.prepared import Prepared
from ..storage.upsert import upsert_increment
from .base import Conflict, Tx
from .errors import QueueError
from .hours import is_open
from .model import AT_COUNTER_STATES, WAITING_STATES, Ticket, TicketState

_CALL_ATTEMPTS = 20
"""How many tickets a call-next may find being called by other counters before it starts again."""

_UPDATE_COUNTER = Prepared(update(t.counter_states)
                           .where(t.counter_states.c.counter_id == bindparam("b_cid")))


_UPDATE_TICKET = Prepared(update(t.tickets).where(t.tickets.c.id == bindparam("b_id"))
                          .returning(*t.tickets.c))

# The ticket moves to the counter only if it is still in ``states``. SQLite: one writer at a time,
# so the guard is enough, and the counter's row is updated next (_UPDATE_COUNTER).
_CALL_TICKET = {
    states: Prepared(
        update(t.tickets)
        .where(t.tickets.c.id == bindparam("b_id"), t.tickets.c.state.in_(states))
        .values(call_count=t.tickets.c.call_count + 1).returning(*t.tickets.c))
    for states in (WAITING_STATES, (TicketState.SKIPPED,))
}

# PostgreSQL: the same guard, and no other transaction may be moving the ticket now (its row is
# locked without waiting: SKIP LOCKED); the counter's update is in the same statement, done
# only if the ticket moved (one round trip fewer while the counter's row is locked).
_CALL_AND_SEAT = {
    states: Prepared(text(f"""
WITH called AS (
    UPDATE tickets SET state = '{TicketState.CALLED}', counter_id = :counter_id,
        officer_id = :officer_id, called_at = :now, finished_at = NULL, target_counter_id = NULL,
        call_count = call_count + 1
    WHERE id = (SELECT id FROM tickets WHERE id = :ticket_id
                AND state IN ({", ".join(f"'{s}'" for s in states)})
                FOR NO KEY UPDATE SKIP LOCKED)
    RETURNING *),
seated AS (
    UPDATE counter_states SET current_ticket_id = :ticket_id, officer_id = :officer_id,
        paused = false, pause_reason = '', normals_since_priority = :normals, updated_at = :now
    WHERE counter_id = :counter_id AND EXISTS (SELECT 1 FROM called))
SELECT * FROM called"""))
    for states in (WAITING_STATES, (TicketState.SKIPPED,))
}

_SEQ = Prepared(upsert_increment(t.sequences, {"day": "b_day", "field_id": "b_field"},
                                 "last_seq"))


_INSERT_TICKET = Prepared(t.tickets.insert().returning(*t.tickets.c))

_TICKET_BY_REQUEST = Prepared(select(t.tickets).where(t.tickets.c.request_id == bindparam("b_req")))

_FINISH_AT_COUNTER = Prepared(update(t.tickets)
                              .where(t.tickets.c.id == bindparam("b_id"),
                                     t.tickets.c.state.in_(AT_COUNTER_STATES))
                              .values(state=TicketState.DONE).returning(*t.tickets.c))


_RECALL_TICKET = Prepared(update(t.tickets).where(t.tickets.c.id == bindparam("b_id"))
                          .values(call_count=t.tickets.c.call_count + 1).returning(*t.tickets.c))


class Lifecycle:
    """A ticket from issue to done, skipped or transferred."""

    def issue(self, field_id: str, *, priority: bool = False, request_id: str | None = None,
              device_id: str | None = None, actor: str = "system",
              channel: str = "kiosk") -> tuple[Ticket, bool]:
        """Issue the next ticket of ``field_id``; returns (ticket, created). ``channel`` says how
        it was taken (kiosk, remote; appointments use their check-in), for the reports.

        The same ``request_id`` again returns the ticket it first got, with ``created`` False.
        Refuses with :class:`QueueError` ``closed``, ``daily_cap``, ``hall_full`` or
        ``unknown_field``.
        """
        fld = self.field(field_id)

        def op() -> tuple[Ticket, bool]:
            with self.write(duplicate_is_conflict=True) as tx:
                return self.issue_in(tx, fld, priority=priority, request_id=request_id,
                                     device_id=device_id, actor=actor, channel=channel)

        return self.run(op)

    def issue_in(self, tx: Tx, fld: FieldConfig, *, priority: bool = False,
                 request_id: str | None = None, device_id: str | None = None,
                 actor: str = "system", booked_at: datetime | None = None,
                 channel: str = "kiosk") -> tuple[Ticket, bool]:
        """The issue of :meth:`issue` inside ``tx``, an operation's own transaction (a
        check-in, a remote ticket): the same number series, refusals and audit-log row.
        ``booked_at`` (an appointment's check-in): the ticket waits as if taken then (its
        slot's start) and is marked booked; the booking already holds its place, so ticket
        hours, the daily cap and the hall cap do not refuse it (the numbering's own capacity
        still does)."""
        conn = tx.conn
        if request_id is not None:
            row = _TICKET_BY_REQUEST.run(conn, {"b_req": request_id}).one_or_none()
            if row is not None:
                return self._with_position(conn, row), False
        booked = booked_at is not None
        if not booked and not is_open(self.config, fld, tx.local.replace(tzinfo=None)):
            raise QueueError("closed", field_id=fld.id)
        cap = 0 if booked else self.config.queue.max_waiting
        flags = self._day_flags(conn, tx.day, lock="alone" if cap else "share")
        if fld.id in flags["closed"]:
            raise QueueError("closed", N_("Lĩnh vực này đã ngừng nhận số trong hôm nay."),
                             field_id=fld.id)
        if cap and self._count_waiting(conn, tx.day) >= cap:
            raise QueueError("hall_full", max_waiting=cap)
        seq = _SEQ.run(conn, {"b_day": tx.day, "b_field": fld.id}).scalar_one()
        limit = min(fld.daily_cap or fld.numbering.capacity, fld.numbering.capacity)
        if booked:
            limit = fld.numbering.capacity
        if seq > limit:  # raising rolls the increment back
            raise QueueError("daily_cap", field_id=fld.id, daily_cap=limit)
        values = {
            "day": tx.day, "round": flags["round"], "origin_field_id": fld.id, "seq": seq,
            "number": fld.numbering.format(seq), "field_id": fld.id, "priority": priority,
            "transferred": False, "state": TicketState.WAITING, "request_id": request_id,
            "token": secrets.token_urlsafe(12), "device_id": device_id,
            "issued_at": tx.now, "queued_at": booked_at or tx.now, "call_count": 0,
            "booked": booked, "channel": channel,
        }
        row = _INSERT_TICKET.run(conn, values).one()
        ticket_id = row.id
        ticket = self._with_position(conn, row)
        tx.log("ticket.issued", actor, ticket_id=ticket_id, **self._ticket_data(row),
               waiting_before=ticket.waiting_before, device_id=device_id, channel=channel)
        return ticket, True

    def call_next(self, counter_id: str, *, officer_id: int | None = None,
                  actor: str = "system") -> Ticket | None:
        """Call the next ticket for ``counter_id``; None when nobody waits for it.

        The counter's current ticket, if any, is finished first; a paused counter resumes.
        """
        counter = self.counter(counter_id)

        def op() -> Ticket | None:
            with self.write() as tx:
                state = self._leave_current(tx, counter, actor)
                passed: list[int] = []  # being called by other counters right now
                for _ in range(_CALL_ATTEMPTS):
                    row = self._choose(tx, counter, state, passed)
                    if row is None:
                        self._clear_counter(tx, counter, state)
                        return None
                    ticket = self._call(tx, counter, row, officer_id, actor, state)
                    if ticket is not None:
                        return ticket
                    passed.append(row.id)
                raise Conflict()

        return self.run(op)

    def call_missed(self, counter_id: str, ticket_id: int, *, officer_id: int | None = None,
                    actor: str = "system") -> Ticket:
        """Call a skipped (no-show) ticket of today again at ``counter_id``."""
        counter = self.counter(counter_id)

        def op() -> Ticket:
            with self.write() as tx:
                row = tx.conn.execute(
                    select(t.tickets).where(t.tickets.c.id == ticket_id)).one_or_none()
                if row is None or row.day != tx.day or row.state != TicketState.SKIPPED:
                    raise QueueError("not_missed", ticket_id=ticket_id)
                if row.field_id not in counter.fields:
                    raise QueueError("not_missed", ticket_id=ticket_id)
                state = self._leave_current(tx, counter, actor)
                ticket = self._call(tx, counter, row, officer_id, actor, state,
                                    from_states=(TicketState.SKIPPED,))
                if ticket is None:  # another counter is calling it: look again
                    raise Conflict()
                return ticket

        return self.run(op)

    def _leave_current(self, tx: Tx, counter: CounterConfig, actor: str):
        """Before a call: log the resume of a paused counter and finish its current ticket. The
        counter's row is left for the call to update (or :meth:`_clear_counter` when nobody
        waits): one statement instead of two."""
        state = self._counter_state(tx, counter.id)
        if state.paused:
            tx.log("counter.resumed", actor, counter_id=counter.id, counter_number=counter.number)
        if state.current_ticket_id is not None:
            done = _FINISH_AT_COUNTER.run(tx.conn, {"b_id": state.current_ticket_id,
                                                    "finished_at": tx.now}).one_or_none()
            if done is not None:  # it was still at the counter
                self._learn_service(tx, done)
                tx.log("ticket.finished", actor, ticket_id=done.id,
                       **self._ticket_data(done, counter))
        return state

    def _clear_counter(self, tx: Tx, counter: CounterConfig, state) -> None:
        """After :meth:`_leave_current` when nobody waits: the counter is resumed and
        serves nobody."""
        if state.paused or state.current_ticket_id is not None:
            _UPDATE_COUNTER.run(tx.conn, {"b_cid": counter.id, "current_ticket_id": None,
                                          "paused": False, "pause_reason": "",
                                          "updated_at": tx.now})

    def _choose(self, tx: Tx, counter: CounterConfig, state, passed: list[int]):
        """The ticket this counter calls next, or None; ``passed`` are tickets not to consider
        (other counters are calling them).

        One query fetches the head of each queue class: tickets transferred to this counter,
        tickets transferred to its fields, priority and normal tickets; the policy picks among them.
        """
        key = (counter.id, bool(passed))
        stmt = self._choose_stmts.get(key)
        if stmt is None:
            stmt = self._choose_stmts[key] = Prepared(self._choose_stmt(counter, bool(passed)))
        params: dict = {"day": tx.day, "passed": passed} if passed else {"day": tx.day}
        if self._booked_first(counter):
            params["now"] = tx.now
        head = {r.grp: r for r in stmt.run(tx.conn, params)}
        if self.config.queue.transferred == "first":
            pick = head.get("targeted") or head.get("transferred")
        else:  # a ticket sent to this counter takes its turn by when its number was taken
            targeted, normal = head.get("targeted"), head.get("normal")
            if targeted is not None and (normal is None or (targeted.queued_at, targeted.id)
                                         < (normal.queued_at, normal.id)):
                head["normal"] = targeted
            pick = None
        if pick is None:  # a booking whose slot has started, checked in: before the others
            pick = head.get("booked")
        if pick is None:
            prio, normal = head.get("priority"), head.get("normal")
            q = self.config.queue
            if q.priority_policy == "strict":
                pick = prio or normal
            elif prio is not None and (normal is None
                                       or state.normals_since_priority >= q.priority_every):
                pick = prio
            else:
                pick = normal or prio
        return pick

    def _choose_stmt(self, counter: CounterConfig, passing: bool):
        c = t.tickets.c
        mine = and_(c.field_id.in_(counter.fields), c.target_counter_id.is_(None))
        waiting = [c.day == bindparam("day"), c.state.in_(WAITING_STATES)]
        if passing:
            waiting.append(c.id.not_in(bindparam("passed", expanding=True)))
        order = [c.queued_at, c.id]
        if self.config.queue.call_order == "field_order":
            rank = {f: i for i, f in enumerate(counter.fields)}
            order.insert(0, case(rank, value=c.field_id, else_=len(rank)))
        if self.config.queue.transferred == "first":
            groups = {
                "targeted": c.target_counter_id == counter.id,
                "transferred": and_(mine, c.transferred.is_(True)),
                "priority": and_(mine, c.transferred.is_(False), c.priority.is_(True)),
                "normal": and_(mine, c.transferred.is_(False), c.priority.is_(False)),
            }
        else:  # transferred tickets wait among the others, by when their number was taken
            groups = {
                "targeted": c.target_counter_id == counter.id,
                "priority": and_(mine, c.priority.is_(True)),
                "normal": and_(mine, c.priority.is_(False)),
            }
        if self._booked_first(counter):  # checked in for a slot that has started
            groups["booked"] = and_(mine, c.booked.is_(True), c.queued_at <= bindparam("now"))
        heads = [
            select(c.id, c.number, c.state, c.field_id, c.priority, c.transferred, c.queued_at,
                   literal(name).label("grp"))
            .where(*waiting, cond)
            .order_by(*order).limit(1).subquery()
            for name, cond in groups.items()
        ]
        return union_all(*(select(h) for h in heads))

    def _booked_first(self, counter: CounterConfig) -> bool:
        """Whether checked-in bookings go first at ``counter`` (``appointments.arrival.order``,
        and one of its fields takes appointments)."""
        return (self.config.appointments.arrival.order == "first"
                and any(self._fields[f].appointments is not None for f in counter.fields))

    def _call(self, tx: Tx, counter: CounterConfig, row, officer_id: int | None, actor: str,
              state, from_states: tuple[str, ...] = WAITING_STATES) -> Ticket | None:
        """Move ``row`` to the counter; None if another counter took it or is taking it now."""
        normals = 0 if (row.priority or row.transferred) else state.normals_since_priority + 1
        if row.state == TicketState.SKIPPED:
            normals = state.normals_since_priority
        if not self.db.is_sqlite:
            new = _CALL_AND_SEAT[from_states].run(tx.conn, {
                "ticket_id": row.id, "counter_id": counter.id, "officer_id": officer_id,
                "now": tx.now, "normals": normals}).one_or_none()
        else:
            new = _CALL_TICKET[from_states].run(tx.conn, {
                "b_id": row.id, "state": TicketState.CALLED, "counter_id": counter.id,
                "officer_id": officer_id, "called_at": tx.now, "finished_at": None,
                "target_counter_id": None,
            }).one_or_none()
            if new is not None:
                _UPDATE_COUNTER.run(tx.conn, {
                    "b_cid": counter.id, "current_ticket_id": row.id, "officer_id": officer_id,
                    "paused": False, "pause_reason": "", "normals_since_priority": normals,
                    "updated_at": tx.now,
                })
        if new is None:  # another counter took it first, or is taking it now
            return None
        tx.log("ticket.called", actor, ticket_id=row.id, **self._ticket_data(new, counter),
               officer_id=officer_id, call_count=new.call_count,
               from_missed=row.state == TicketState.SKIPPED)
        return Ticket.from_row(new)

    def recall(self, counter_id: str, *, actor: str = "system") -> Ticket:
        """Announce the counter's current ticket again."""
        counter = self.counter(counter_id)
        with self.write() as tx:
            _, row = self._current(tx, counter_id)
            new = _RECALL_TICKET.run(tx.conn, {"b_id": row.id}).one()
            tx.log("ticket.recalled", actor, ticket_id=row.id, **self._ticket_data(new, counter),
                   call_count=new.call_count)
            return Ticket.from_row(new)

    def skip(self, counter_id: str, *, actor: str = "system") -> Ticket:
        """Mark the current ticket a no-show; it goes to the missed list."""
        counter = self.counter(counter_id)
        with self.write() as tx:
            _, row = self._current(tx, counter_id)
            needed = self.config.queue.calls_before_skip
            if row.call_count < needed:
                raise QueueError(
                    "too_early", N_("Cần gọi đủ {calls_before_skip} lần trước khi bỏ qua số này "
                                    "(đã gọi {call_count} lần)."),
                    calls_before_skip=needed, call_count=row.call_count)
            return self._end_current(tx, counter, row, TicketState.SKIPPED, "ticket.skipped", actor)

    def finish(self, counter_id: str, *, actor: str = "system") -> Ticket:
        """The current ticket has been served."""
        counter = self.counter(counter_id)
        with self.write() as tx:
            _, row = self._current(tx, counter_id)
            return self._finish_row(tx, counter, row, actor)

    def _finish_row(self, tx: Tx, counter: CounterConfig, row, actor: str) -> Ticket:
        self._learn_service(tx, row)
        return self._end_current(tx, counter, row, TicketState.DONE, "ticket.finished", actor)

    def _end_current(self, tx: Tx, counter: CounterConfig, row, new_state: TicketState,
                     kind: str, actor: str, **extra: object) -> Ticket:
        values: dict = {"state": new_state}
        if new_state in (TicketState.DONE, TicketState.SKIPPED):
            values["finished_at"] = tx.now
        values.update(extra.pop("_values", {}))
        new = _UPDATE_TICKET.run(tx.conn, {"b_id": row.id, **values}).one()
        _UPDATE_COUNTER.run(tx.conn, {"b_cid": counter.id, "current_ticket_id": None,
                                      "updated_at": tx.now})
        tx.log(kind, actor, ticket_id=row.id, **self._ticket_data(row, counter), **extra)
        return Ticket.from_row(new)

    def transfer(self, counter_id: str, *, field_id: str | None = None,
                 to_counter_id: str | None = None, actor: str = "system") -> Ticket:
        """Send the current ticket to another field or counter. It keeps its number; where it
        waits there is ``queue.transferred``: by when its number was taken (``by_issue_time``),
        or before every ticket waiting there (``first``). Its calls are counted afresh there."""
        counter = self.counter(counter_id)
        if (field_id is None) == (to_counter_id is None):
            raise QueueError("bad_transfer", N_("Chọn một lĩnh vực hoặc một quầy để chuyển đến."))
        if field_id is not None:
            self.field(field_id)
        else:
            target = self.counter(to_counter_id)
            if target.id == counter.id:
                raise QueueError("bad_transfer", N_("Không thể chuyển về chính quầy này."))
        with self.write() as tx:
            _, row = self._current(tx, counter_id)
            first = self.config.queue.transferred == "first"
            values = {"transferred": True, "queued_at": tx.now if first else row.issued_at,
                      "called_at": None, "call_count": 0, "target_counter_id": to_counter_id}
            if field_id is not None:
                values["field_id"] = field_id
            return self._end_current(  # the event's keys stay those of the audit log
                tx, counter, row, TicketState.TRANSFERRED, "ticket.transferred", actor,
                _values=values, to_service_id=field_id, to_counter_id=to_counter_id,
                from_service_id=row.field_id)

    def set_dossier(self, counter_id: str, dossier_code: str, *, actor: str = "system") -> Ticket:
        """Record the dossier code (mã hồ sơ) of the ticket the counter serves now, or last
        finished, so a rating can be followed up."""
        self.counter(counter_id)
        code = dossier_code.strip()[:64]
        c = t.tickets.c
        with self.write() as tx:
            state = self._counter_state(tx, counter_id)
            ticket_id = state.current_ticket_id or tx.conn.execute(
                select(c.id).where(c.counter_id == counter_id, c.day == tx.day,
                                   c.state == TicketState.DONE)
                .order_by(c.finished_at.desc()).limit(1)).scalar_one_or_none()
            if ticket_id is None:
                raise QueueError("no_current_ticket", counter_id=counter_id)
            new = _UPDATE_TICKET.run(tx.conn, {"b_id": ticket_id,
                                               "dossier_code": code or None}).one()
            tx.log("ticket.dossier", actor, ticket_id=ticket_id, counter_id=counter_id,
                   number=new.number, dossier_code=code)
            return Ticket.from_row(new)
