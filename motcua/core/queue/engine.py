"""The queue engine: issue, call, recall, skip, transfer, finish, pause, rate.

Every operation is one database transaction that also appends its audit-log rows; the events are
handed to the publishers only after the commit. Numbers come from a per-day, per-field sequence row
updated inside the transaction, and a ticket is moved to a counter with a guarded
``UPDATE ... WHERE state IN (waiting)``, so threads and processes sharing one database never produce
a duplicate number nor give one ticket to two counters.

On PostgreSQL writers run side by side and only the audit-log insert and the commit are
serialised (:meth:`Database.append_audit`). Row locks keep writers apart, always taken in
the same order so that two writers never wait for each other: the ``day`` meta row, then one
counter's row (or all of them, for a new day), then tickets, then sequences. A counter calling
next passes over a ticket another counter is calling at that moment (``SKIP LOCKED``) instead of
waiting for it.
"""

from __future__ import annotations

import json
import logging
import secrets
import time as _time
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy import (
    Connection,
    and_,
    bindparam,
    case,
    false,
    func,
    literal,
    or_,
    select,
    text,
    union_all,
    update,
)
from sqlalchemy.exc import IntegrityError, OperationalError

from config.schema import Config, CounterConfig, FieldConfig

from ..storage import tables as t
from ..storage.database import Database
from ..storage.prepared import Prepared
from ..storage.upsert import insert_ignore, upsert_increment
from .errors import QueueError
from .events import Event, Publisher, notify_events
from .hours import is_open
from .model import AT_COUNTER_STATES, WAITING_STATES, RatingRecord, Ticket

log = logging.getLogger(__name__)

RATING_WINDOW = timedelta(minutes=15)
"""A press counts for the ticket finished at most this long before it."""
SERVICE_SAMPLE = 20
"""How many recent services of a field the wait estimate averages."""
_ESTIMATE_TTL_S = 30.0
"""How long a field's service times are reused before they are read again (other processes'
finished tickets show up then): reading them after every finish would cost every ticket issued
in a busy hall a query."""
_RETRY_SQLSTATES = {"40P01", "40001"}
"""PostgreSQL's deadlock and serialisation failures: the transaction is run again."""
_CALL_ATTEMPTS = 20
"""How many tickets a call-next may find being called by other counters before it starts again."""


def _plausible(seconds: float) -> bool:
    """A service time worth averaging: not a ticket left open over lunch or overnight, nor one
    finished within seconds of its call (a slip, a no-show, a test): those would tell the next
    citizens that nine people ahead means under a minute."""
    return 10 <= seconds < 4 * 3600


# Statements built once (building one costs more than running it on SQLite).
_TICKET_BY_ID = Prepared(select(t.tickets).where(t.tickets.c.id == bindparam("b_id")))
_LOCK_COUNTER = Prepared(select(t.counter_states)
                         .where(t.counter_states.c.counter_id == bindparam("b_cid"))
                         .with_for_update())
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
    for states in (WAITING_STATES, ("skipped",))
}
# PostgreSQL: the same guard, and no other transaction may be moving the ticket now (its row is
# locked without waiting: SKIP LOCKED); the counter's update is in the same statement, done
# only if the ticket moved (one round trip fewer while the counter's row is locked).
_CALL_AND_SEAT = {
    states: Prepared(text(f"""
WITH called AS (
    UPDATE tickets SET state = 'called', counter_id = :counter_id, officer_id = :officer_id,
        called_at = :now, finished_at = NULL, target_counter_id = NULL,
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
    for states in (WAITING_STATES, ("skipped",))
}
_SEQ = Prepared(upsert_increment(t.sequences, {"day": "b_day", "service_id": "b_service"},
                                 "last_seq"))


def _ahead_statements(transferred_first: bool) -> dict:
    """People ahead of a waiting ticket, by its kind. Tickets sent to one counter wait in that
    counter's own line (``targeted``), apart from their field's."""
    c = t.tickets.c
    today = [c.day == bindparam("b_day"), c.state.in_(WAITING_STATES), c.id != bindparam("b_id")]
    base = select(func.count()).where(*today, c.service_id == bindparam("b_service"),
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
_INSERT_TICKET = Prepared(t.tickets.insert().returning(*t.tickets.c))
_TICKET_BY_REQUEST = Prepared(select(t.tickets).where(t.tickets.c.request_id == bindparam("b_req")))
_FINISH_AT_COUNTER = Prepared(update(t.tickets)
                              .where(t.tickets.c.id == bindparam("b_id"),
                                     t.tickets.c.state.in_(AT_COUNTER_STATES))
                              .values(state="done").returning(*t.tickets.c))
_RECALL_TICKET = Prepared(update(t.tickets).where(t.tickets.c.id == bindparam("b_id"))
                          .values(call_count=t.tickets.c.call_count + 1).returning(*t.tickets.c))

# The reads of a display snapshot (one per event on a busy server).
_WAITING_BY_SERVICE = Prepared(
    select(t.tickets.c.service_id, func.count())
    .where(t.tickets.c.day == bindparam("b_day"), t.tickets.c.state.in_(WAITING_STATES),
           t.tickets.c.target_counter_id.is_(None))
    .group_by(t.tickets.c.service_id))
_STAFFED = Prepared(select(t.counter_states.c.counter_id).where(
    t.counter_states.c.paused.is_(False), t.counter_states.c.officer_id.is_not(None)))
_COUNTER_STATES = Prepared(select(t.counter_states))
_TICKETS_BY_IDS = select(t.tickets).where(t.tickets.c.id.in_(bindparam("b_ids", expanding=True)))
_RECENT_CALLS = Prepared(
    select(t.tickets)
    .where(t.tickets.c.day == bindparam("b_day"), t.tickets.c.called_at.is_not(None),
           t.tickets.c.counter_id.is_not(None))
    .order_by(t.tickets.c.called_at.desc(), t.tickets.c.id.desc()).limit(bindparam("b_limit")))
_META_VALUES = select(t.meta.c.key, t.meta.c.value).where(  # the day, its round, closed fields
    t.meta.c.key.in_([bindparam("b_day_key"), bindparam("b_round_key"), bindparam("b_closed_key")]))
_NOTICES = Prepared(select(t.meta.c.value).where(t.meta.c.key == "notices"))
# An issue shares the day's rows (the day, its round, its closed fields); a reset or a closed
# field takes them alone: a ticket is never numbered in a round, or a field, that just ended.
# With a hall cap, issues take them alone too: each counts the people waiting after the one
# before. One statement locks the three rows, always in the same order.
_DAY_ROWS = {"": Prepared(_META_VALUES),
             "share": Prepared(_META_VALUES.with_for_update(read=True)),
             "alone": Prepared(_META_VALUES.with_for_update())}
_LAST_EVENT_ID = Prepared(select(func.coalesce(func.max(t.audit_log.c.id), 0)))


class _Conflict(Exception):
    """Another transaction won a race; the operation is run again."""


@dataclass
class _Tx:
    conn: Connection
    now: datetime  # naive UTC
    local: datetime  # aware, centre time zone
    day: str
    events: list[Event] = field(default_factory=list)
    after_commit: list[Callable[[], None]] = field(default_factory=list)
    _pending: list[dict] = field(default_factory=list)

    def log(self, kind: str, actor: str, *, ticket_id: int | None = None,
            counter_id: str | None = None, **data: object) -> None:
        """An audit-log row (and event) of this transaction; written by :meth:`flush`."""
        self._pending.append({
            "at": self.now, "actor": actor, "kind": kind, "ticket_id": ticket_id,
            "counter_id": counter_id, "data": data,
        })

    def flush(self, db: Database) -> None:
        """Append the pending audit-log rows in one statement, in order; their ids become the
        events' ids (on PostgreSQL the same statement tells the other server processes)."""
        if not self._pending:
            return
        rows = [{**r, "data": json.dumps(r["data"], ensure_ascii=False, default=str)}
                for r in self._pending]
        datas = [{"ticket_id": r["ticket_id"], "counter_id": r["counter_id"], **r["data"]}
                 for r in self._pending]
        events_json = None if db.is_sqlite else notify_events(
            [(r["kind"], r["at"], r["actor"], d) for r, d in zip(self._pending, datas, strict=True)])
        ids = db.append_audit(self.conn, rows, events_json)
        for row_id, r, d in zip(ids, self._pending, datas, strict=True):
            self.events.append(Event(id=row_id, kind=r["kind"], at=r["at"], actor=r["actor"],
                                     data=d))
        self._pending.clear()


class QueueEngine:
    """The queue of one centre, over one :class:`Database`."""

    def __init__(self, config: Config, db: Database, *,
                 clock: Callable[[], datetime] | None = None,
                 publish: Publisher | None = None):
        self.config = config
        self.db = db
        self.clock = clock or (lambda: datetime.now(UTC))
        self.publishers: list[Publisher] = [publish] if publish else []
        self._fields = {f.id: f for f in config.fields}
        self._counters = {c.id: c for c in config.counters}
        self._levels = {lv.id for lv in config.ratings.effective_levels}
        self._known_day: str | None = None
        self._counter_rows: set[str] = set()
        self._choose_stmts: dict[tuple[str, bool], Prepared] = {}
        self._position_stmts: dict[tuple[str, str], Prepared] = {}
        self._service_cache: dict[str, tuple[float, deque[float]]] = {}

    # -- plumbing -----------------------------------------------------------------------------
    def _clock(self) -> tuple[datetime, datetime]:
        aware = self.clock()
        if aware.tzinfo is None:
            aware = aware.replace(tzinfo=UTC)
        return aware.astimezone(UTC).replace(tzinfo=None), aware.astimezone(self.config.zone)

    def today(self) -> str:
        """The current local service day, YYYY-MM-DD."""
        return self._clock()[1].date().isoformat()

    @contextmanager
    def _write(self) -> Iterator[_Tx]:
        now, local = self._clock()
        tx_events: list[Event] = []
        with self.db.write() as conn:
            tx = _Tx(conn, now, local, local.date().isoformat(), tx_events)
            self._roll_day(tx)
            yield tx
            tx.flush(self.db)
        for fn in tx.after_commit:
            fn()
        for ev in tx_events:
            self._publish(ev)

    def _run(self, op: Callable[[], object]):
        for attempt in range(8):
            try:
                return op()
            except _Conflict:
                pass
            except OperationalError as exc:
                if getattr(exc.orig, "sqlstate", None) not in _RETRY_SQLSTATES:
                    raise
                log.warning("queue write ran into another (%s); running it again", exc.orig)
            _time.sleep(0.002 * (attempt + 1))
        raise RuntimeError("queue operation kept conflicting with other writers")

    def _publish(self, ev: Event) -> None:
        for fn in self.publishers:
            try:
                fn(ev)
            except Exception:  # a broken subscriber must not undo a committed change
                log.exception("event publisher failed for %s", ev.kind)

    def _roll_day(self, tx: _Tx) -> None:
        if self._known_day == tx.day:
            return
        conn = tx.conn
        # The day's rows exist before any write reads them with a lock (see _day_flags).
        for key, value in (("day", tx.day), (f"round:{tx.day}", "0"), (f"closed:{tx.day}", "[]")):
            conn.execute(insert_ignore(conn, t.meta, {"key": key, "value": value}, ["key"]))
        stored = conn.execute(
            select(t.meta.c.value).where(t.meta.c.key == "day").with_for_update()
        ).scalar_one()
        if stored < tx.day:
            conn.execute(  # counters before tickets: the order every writer locks them in
                update(t.counter_states).values(
                    current_ticket_id=None, paused=False, pause_reason="",
                    normals_since_priority=0, updated_at=tx.now,
                )
            )
            expired = conn.execute(
                update(t.tickets)
                .where(t.tickets.c.day < tx.day,
                       t.tickets.c.state.in_(WAITING_STATES + ("skipped",)))
                .values(state="expired")
            ).rowcount
            closed = conn.execute(
                update(t.tickets)
                .where(t.tickets.c.day < tx.day, t.tickets.c.state.in_(AT_COUNTER_STATES))
                .values(state="done")
            ).rowcount
            conn.execute(update(t.meta).where(t.meta.c.key == "day").values(value=tx.day))
            tx.log("day.reset", "system", day=tx.day, previous_day=stored,
                   expired=expired, closed_at_counter=closed)
            log.info("new service day %s: %d waiting tickets expired", tx.day, expired)
        day = tx.day
        tx.after_commit.append(lambda: setattr(self, "_known_day", day))  # not if rolled back

    # -- look-ups -----------------------------------------------------------------------------
    def _field(self, service_id: str) -> FieldConfig:
        f = self._fields.get(service_id)
        if f is None:
            raise QueueError("unknown_field", service_id=service_id)
        return f

    def _counter(self, counter_id: str) -> CounterConfig:
        c = self._counters.get(counter_id)
        if c is None:
            raise QueueError("unknown_counter", counter_id=counter_id)
        return c

    def _counter_state(self, tx: _Tx, counter_id: str):
        conn = tx.conn
        if counter_id not in self._counter_rows:  # rows are never deleted: insert once
            conn.execute(insert_ignore(conn, t.counter_states, {
                "counter_id": counter_id, "paused": False, "pause_reason": "",
                "normals_since_priority": 0, "updated_at": tx.now,
            }, ["counter_id"]))
            tx.after_commit.append(lambda: self._counter_rows.add(counter_id))
        return _LOCK_COUNTER.run(conn, {"b_cid": counter_id}).one()

    def _current(self, tx: _Tx, counter_id: str):
        state = self._counter_state(tx, counter_id)
        if state.current_ticket_id is None:
            raise QueueError("no_current_ticket", counter_id=counter_id)
        row = _TICKET_BY_ID.run(tx.conn, {"b_id": state.current_ticket_id}).one()
        if row.state not in AT_COUNTER_STATES:
            raise QueueError("no_current_ticket", counter_id=counter_id)
        return state, row

    def _ticket_data(self, row, counter: CounterConfig | None = None) -> dict:
        data = {"number": row.number, "service_id": row.service_id, "priority": bool(row.priority)}
        if counter is not None:
            data.update(counter_id=counter.id, counter_number=counter.number)
        return data

    # -- issuing ------------------------------------------------------------------------------
    def issue(self, service_id: str, *, priority: bool = False, request_id: str | None = None,
              device_id: str | None = None, actor: str = "system") -> tuple[Ticket, bool]:
        """Issue the next ticket of ``service_id``; returns (ticket, created).

        The same ``request_id`` again returns the ticket it first got, with ``created`` False.
        Refuses with :class:`QueueError` ``closed``, ``daily_cap``, ``hall_full`` or
        ``unknown_field``.
        """
        fld = self._field(service_id)

        def op() -> tuple[Ticket, bool]:
            try:
                with self._write() as tx:
                    return self._issue(tx, fld, priority, request_id, device_id, actor)
            except IntegrityError as exc:
                # A concurrent transaction (PostgreSQL) took this request_id or sequence slot.
                raise _Conflict() from exc

        return self._run(op)

    def _issue(self, tx: _Tx, fld: FieldConfig, priority: bool, request_id: str | None,
               device_id: str | None, actor: str) -> tuple[Ticket, bool]:
        conn = tx.conn
        if request_id is not None:
            row = _TICKET_BY_REQUEST.run(conn, {"b_req": request_id}).one_or_none()
            if row is not None:
                return self._with_position(conn, row), False
        if not is_open(self.config, fld, tx.local.replace(tzinfo=None)):
            raise QueueError("closed", service_id=fld.id)
        flags = self._day_flags(conn, tx.day,
                                lock="alone" if self.config.queue.max_waiting else "share")
        if fld.id in flags["closed"]:
            raise QueueError("closed", "Lĩnh vực này đã ngừng nhận số trong hôm nay.",
                             service_id=fld.id)
        cap = self.config.queue.max_waiting
        if cap and self._count_waiting(conn, tx.day) >= cap:
            raise QueueError("hall_full", max_waiting=cap)
        seq = _SEQ.run(conn, {"b_day": tx.day, "b_service": fld.id}).scalar_one()
        limit = min(fld.daily_cap or fld.numbering.capacity, fld.numbering.capacity)
        if seq > limit:  # raising rolls the increment back
            raise QueueError("daily_cap", service_id=fld.id, daily_cap=limit)
        values = {
            "day": tx.day, "round": flags["round"], "origin_service_id": fld.id, "seq": seq,
            "number": fld.numbering.format(seq), "service_id": fld.id, "priority": priority,
            "transferred": False, "state": "waiting", "request_id": request_id,
            "token": secrets.token_urlsafe(12), "device_id": device_id,
            "issued_at": tx.now, "queued_at": tx.now, "call_count": 0,
        }
        row = _INSERT_TICKET.run(conn, values).one()
        ticket_id = row.id
        ticket = self._with_position(conn, row)
        tx.log("ticket.issued", actor, ticket_id=ticket_id, **self._ticket_data(row),
               waiting_before=ticket.waiting_before, device_id=device_id)
        return ticket, True

    # -- positions and estimates --------------------------------------------------------------
    def _count_waiting(self, conn: Connection, day: str, service_id: str | None = None) -> int:
        q = select(func.count()).select_from(t.tickets).where(
            t.tickets.c.day == day, t.tickets.c.state.in_(WAITING_STATES))
        if service_id is not None:
            q = q.where(t.tickets.c.service_id == service_id)
        return conn.execute(q).scalar_one()

    def _mean_service_s(self, conn: Connection, service_id: str) -> float:
        """The mean of the field's last ``SERVICE_SAMPLE`` service times (the default when none
        yet). Read from the database at most every ``_ESTIMATE_TTL_S``; in between, tickets this
        process finishes are added to it (:meth:`_learn_service`)."""
        cached = self._service_cache.get(service_id)
        if cached is None or _time.monotonic() - cached[0] >= _ESTIMATE_TTL_S:
            c = t.tickets.c
            rows = conn.execute(
                select(c.called_at, c.finished_at)
                .where(c.service_id == service_id, c.state == "done", c.finished_at.is_not(None),
                       c.called_at.is_not(None))
                .order_by(c.finished_at.desc()).limit(SERVICE_SAMPLE)
            ).all()
            durations = deque(
                (d for d in ((r.finished_at - r.called_at).total_seconds() for r in reversed(rows))
                 if _plausible(d)), maxlen=SERVICE_SAMPLE)
            cached = self._service_cache[service_id] = (_time.monotonic(), durations)
        durations = cached[1]
        return (sum(durations) / len(durations) if durations
                else self.config.queue.default_service_minutes * 60)

    def _learn_service(self, tx: _Tx, row) -> None:
        """After the commit, add a finished ticket's service time to its field's cached mean."""
        if row.called_at is None:
            return
        seconds = (tx.now - row.called_at).total_seconds()
        cached = self._service_cache.get(row.service_id)
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
        line = row.target_counter_id or row.service_id
        ahead, open_counters = self._position_stmt(kind, line).run(conn, {
            "b_day": row.day, "b_service": row.service_id, "b_id": row.id,
            "b_queued": row.queued_at, "b_target": row.target_counter_id}).one()
        wait = int(ahead * self._mean_service_s(conn, row.service_id) / max(1, open_counters))
        return Ticket.from_row(row, waiting_before=ahead, estimated_wait_s=wait)

    # -- calling ------------------------------------------------------------------------------
    def call_next(self, counter_id: str, *, officer_id: int | None = None,
                  actor: str = "system") -> Ticket | None:
        """Call the next ticket for ``counter_id``; None when nobody waits for it.

        The counter's current ticket, if any, is finished first; a paused counter resumes.
        """
        counter = self._counter(counter_id)

        def op() -> Ticket | None:
            with self._write() as tx:
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
                raise _Conflict()

        return self._run(op)

    def call_missed(self, counter_id: str, ticket_id: int, *, officer_id: int | None = None,
                    actor: str = "system") -> Ticket:
        """Call a skipped (no-show) ticket of today again at ``counter_id``."""
        counter = self._counter(counter_id)

        def op() -> Ticket:
            with self._write() as tx:
                row = tx.conn.execute(
                    select(t.tickets).where(t.tickets.c.id == ticket_id)).one_or_none()
                if row is None or row.day != tx.day or row.state != "skipped":
                    raise QueueError("not_missed", ticket_id=ticket_id)
                if row.service_id not in counter.fields:
                    raise QueueError("not_missed", ticket_id=ticket_id)
                state = self._leave_current(tx, counter, actor)
                ticket = self._call(tx, counter, row, officer_id, actor, state,
                                    from_states=("skipped",))
                if ticket is None:  # another counter is calling it: look again
                    raise _Conflict()
                return ticket

        return self._run(op)

    def _leave_current(self, tx: _Tx, counter: CounterConfig, actor: str):
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

    def _clear_counter(self, tx: _Tx, counter: CounterConfig, state) -> None:
        """After :meth:`_leave_current` when nobody waits: the counter is resumed and
        serves nobody."""
        if state.paused or state.current_ticket_id is not None:
            _UPDATE_COUNTER.run(tx.conn, {"b_cid": counter.id, "current_ticket_id": None,
                                          "paused": False, "pause_reason": "",
                                          "updated_at": tx.now})

    def _choose(self, tx: _Tx, counter: CounterConfig, state, passed: list[int]):
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
        head = {r.grp: r for r in stmt.run(tx.conn, params)}
        if self.config.queue.transferred == "first":
            pick = head.get("targeted") or head.get("transferred")
        else:  # a ticket sent to this counter takes its turn by when its number was taken
            targeted, normal = head.get("targeted"), head.get("normal")
            if targeted is not None and (normal is None or (targeted.queued_at, targeted.id)
                                         < (normal.queued_at, normal.id)):
                head["normal"] = targeted
            pick = None
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
        mine = and_(c.service_id.in_(counter.fields), c.target_counter_id.is_(None))
        waiting = [c.day == bindparam("day"), c.state.in_(WAITING_STATES)]
        if passing:
            waiting.append(c.id.not_in(bindparam("passed", expanding=True)))
        order = [c.queued_at, c.id]
        if self.config.queue.call_order == "field_order":
            rank = {f: i for i, f in enumerate(counter.fields)}
            order.insert(0, case(rank, value=c.service_id, else_=len(rank)))
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
        heads = [
            select(c.id, c.number, c.state, c.service_id, c.priority, c.transferred, c.queued_at,
                   literal(name).label("grp"))
            .where(*waiting, cond)
            .order_by(*order).limit(1).subquery()
            for name, cond in groups.items()
        ]
        return union_all(*(select(h) for h in heads))

    def _call(self, tx: _Tx, counter: CounterConfig, row, officer_id: int | None, actor: str,
              state, from_states: tuple[str, ...] = WAITING_STATES) -> Ticket | None:
        """Move ``row`` to the counter; None if another counter took it or is taking it now."""
        normals = 0 if (row.priority or row.transferred) else state.normals_since_priority + 1
        if row.state == "skipped":
            normals = state.normals_since_priority
        if not self.db.is_sqlite:
            new = _CALL_AND_SEAT[from_states].run(tx.conn, {
                "ticket_id": row.id, "counter_id": counter.id, "officer_id": officer_id,
                "now": tx.now, "normals": normals}).one_or_none()
        else:
            new = _CALL_TICKET[from_states].run(tx.conn, {
                "b_id": row.id, "state": "called", "counter_id": counter.id,
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
               from_missed=row.state == "skipped")
        return Ticket.from_row(new)

    def recall(self, counter_id: str, *, actor: str = "system") -> Ticket:
        """Announce the counter's current ticket again."""
        counter = self._counter(counter_id)
        with self._write() as tx:
            _, row = self._current(tx, counter_id)
            new = _RECALL_TICKET.run(tx.conn, {"b_id": row.id}).one()
            tx.log("ticket.recalled", actor, ticket_id=row.id, **self._ticket_data(new, counter),
                   call_count=new.call_count)
            return Ticket.from_row(new)

    def skip(self, counter_id: str, *, actor: str = "system") -> Ticket:
        """Mark the current ticket a no-show; it goes to the missed list."""
        counter = self._counter(counter_id)
        with self._write() as tx:
            _, row = self._current(tx, counter_id)
            needed = self.config.queue.calls_before_skip
            if row.call_count < needed:
                raise QueueError(
                    "too_early", f"Cần gọi đủ {needed} lần trước khi bỏ qua số này "
                                 f"(đã gọi {row.call_count} lần).",
                    calls_before_skip=needed, call_count=row.call_count)
            return self._end_current(tx, counter, row, "skipped", "ticket.skipped", actor)

    def finish(self, counter_id: str, *, actor: str = "system") -> Ticket:
        """The current ticket has been served."""
        counter = self._counter(counter_id)
        with self._write() as tx:
            _, row = self._current(tx, counter_id)
            return self._finish_row(tx, counter, row, actor)

    def _finish_row(self, tx: _Tx, counter: CounterConfig, row, actor: str) -> Ticket:
        self._learn_service(tx, row)
        return self._end_current(tx, counter, row, "done", "ticket.finished", actor)

    def _end_current(self, tx: _Tx, counter: CounterConfig, row, new_state: str, kind: str,
                     actor: str, **extra: object) -> Ticket:
        values: dict = {"state": new_state}
        if new_state in ("done", "skipped"):
            values["finished_at"] = tx.now
        values.update(extra.pop("_values", {}))
        new = _UPDATE_TICKET.run(tx.conn, {"b_id": row.id, **values}).one()
        _UPDATE_COUNTER.run(tx.conn, {"b_cid": counter.id, "current_ticket_id": None,
                                      "updated_at": tx.now})
        tx.log(kind, actor, ticket_id=row.id, **self._ticket_data(row, counter), **extra)
        return Ticket.from_row(new)

    def transfer(self, counter_id: str, *, service_id: str | None = None,
                 to_counter_id: str | None = None, actor: str = "system") -> Ticket:
        """Send the current ticket to another field or counter. It keeps its number; where it
        waits there is ``queue.transferred``: by when its number was taken (``by_issue_time``),
        or before every ticket waiting there (``first``). Its calls are counted afresh there."""
        counter = self._counter(counter_id)
        if (service_id is None) == (to_counter_id is None):
            raise QueueError("bad_transfer", "Chọn một lĩnh vực hoặc một quầy để chuyển đến.")
        if service_id is not None:
            self._field(service_id)
        else:
            target = self._counter(to_counter_id)
            if target.id == counter.id:
                raise QueueError("bad_transfer", "Không thể chuyển về chính quầy này.")
        with self._write() as tx:
            _, row = self._current(tx, counter_id)
            first = self.config.queue.transferred == "first"
            values = {"transferred": True, "queued_at": tx.now if first else row.issued_at,
                      "called_at": None, "call_count": 0, "target_counter_id": to_counter_id}
            if service_id is not None:
                values["service_id"] = service_id
            return self._end_current(
                tx, counter, row, "transferred", "ticket.transferred", actor,
                _values=values, to_service_id=service_id, to_counter_id=to_counter_id,
                from_service_id=row.service_id)

    # -- the day (admin) -----------------------------------------------------------------------
    def _day_flags(self, conn: Connection, day: str, *, lock: str = "") -> dict:
        """Today's numbering round and the fields closed for the rest of the day; with ``lock``
        ("share" or "alone"), they (and the ``day`` row) cannot change until the transaction
        ends. Locked rows are read as the last writer before left them: they exist from the
        day's first write on (:meth:`_roll_day`), so none appears after this statement began."""
        rows = dict(_DAY_ROWS[lock].run(conn, {
            "b_day_key": "day", "b_round_key": f"round:{day}", "b_closed_key": f"closed:{day}"}).all())
        return {"round": int(rows.get(f"round:{day}", 0)),
                "closed": set(json.loads(rows.get(f"closed:{day}", "[]")))}

    def _set_meta(self, conn: Connection, key: str, value: str) -> None:
        conn.execute(insert_ignore(conn, t.meta, {"key": key, "value": value}, ["key"]))
        conn.execute(update(t.meta).where(t.meta.c.key == key).values(value=value))

    def closed_today(self) -> set[str]:
        with self.db.read() as conn:
            return self._day_flags(conn, self.today())["closed"]

    def close_field(self, service_id: str, *, reopen: bool = False, actor: str = "system") -> None:
        """Stop (or, with ``reopen``, restart) issuing tickets of a field for the rest of today."""
        fld = self._field(service_id)

        def op() -> None:
            with self._write() as tx:
                closed = self._day_flags(tx.conn, tx.day, lock="alone")["closed"]
                changed = (fld.id in closed) == reopen
                closed = closed - {fld.id} if reopen else closed | {fld.id}
                self._set_meta(tx.conn, f"closed:{tx.day}", json.dumps(sorted(closed)))
                if changed:
                    tx.log("service.reopened" if reopen else "service.closed", actor,
                           service_id=fld.id)

        self._run(op)

    def reset_day(self, *, actor: str = "system") -> int:
        """Start today again: waiting and missed tickets expire, counters are cleared and numbers
        restart from the first; returns how many waiting tickets expired."""
        def op() -> int:
            with self._write() as tx:
                c = t.tickets.c
                # the day's rows first: waits for issues under way; later ones wait for this
                new_round = self._day_flags(tx.conn, tx.day, lock="alone")["round"] + 1
                tx.conn.execute(update(t.counter_states).values(  # counters before tickets
                    current_ticket_id=None, paused=False, pause_reason="", normals_since_priority=0,
                    updated_at=tx.now))
                expired = tx.conn.execute(
                    update(t.tickets).where(c.day == tx.day,
                                            c.state.in_(WAITING_STATES + ("skipped",)))
                    .values(state="expired")).rowcount
                tx.conn.execute(update(t.tickets).where(c.day == tx.day,
                                                        c.state.in_(AT_COUNTER_STATES))
                                .values(state="done", finished_at=tx.now))
                tx.conn.execute(update(t.sequences).where(t.sequences.c.day == tx.day)
                                .values(last_seq=0))
                self._set_meta(tx.conn, f"round:{tx.day}", str(new_round))
                tx.log("day.reset", actor, day=tx.day, manual=True, round=new_round, expired=expired)
                return expired

        return self._run(op)

    def notices(self) -> list[str]:
        """Hall notices: as edited by an admin, else those in the config."""
        with self.db.read() as conn:
            value = _NOTICES.run(conn).scalar_one_or_none()
        return json.loads(value) if value is not None else list(self.config.display.notices)

    def set_notices(self, notices: list[str], *, actor: str = "system") -> list[str]:
        clean = [n.strip()[:300] for n in notices if n and n.strip()][:20]
        with self._write() as tx:
            self._set_meta(tx.conn, "notices", json.dumps(clean, ensure_ascii=False))
            tx.log("notice.changed", actor, notices=clean)
        return clean

    def record(self, kind: str, actor: str, **data: object) -> Event:
        """Append an audit-log entry for a change made outside the queue (e.g. accounts)."""
        with self._write() as tx:
            tx.log(kind, actor, **data)
        return tx.events[-1]

    def set_dossier(self, counter_id: str, dossier_code: str, *, actor: str = "system") -> Ticket:
        """Record the dossier code (mã hồ sơ) of the ticket the counter serves now, or last
        finished, so a rating can be followed up."""
        self._counter(counter_id)
        code = dossier_code.strip()[:64]
        c = t.tickets.c
        with self._write() as tx:
            state = self._counter_state(tx, counter_id)
            ticket_id = state.current_ticket_id or tx.conn.execute(
                select(c.id).where(c.counter_id == counter_id, c.day == tx.day,
                                   c.state == "done")
                .order_by(c.finished_at.desc()).limit(1)).scalar_one_or_none()
            if ticket_id is None:
                raise QueueError("no_current_ticket", counter_id=counter_id)
            new = _UPDATE_TICKET.run(tx.conn, {"b_id": ticket_id,
                                               "dossier_code": code or None}).one()
            tx.log("ticket.dossier", actor, ticket_id=ticket_id, counter_id=counter_id,
                   number=new.number, dossier_code=code)
            return Ticket.from_row(new)

    # -- pause --------------------------------------------------------------------------------
    def pause(self, counter_id: str, reason: str = "", *, actor: str = "system") -> None:
        """Pause the counter (e.g. "Đi họp"); it calls nobody until it resumes or calls next."""
        counter = self._counter(counter_id)
        reason = (reason or "").strip()[:200]
        with self._write() as tx:
            self._counter_state(tx, counter_id)
            tx.conn.execute(update(t.counter_states)
                            .where(t.counter_states.c.counter_id == counter_id)
                            .values(paused=True, pause_reason=reason, updated_at=tx.now))
            tx.log("counter.paused", actor, counter_id=counter_id,
                   counter_number=counter.number, reason=reason)

    def resume(self, counter_id: str, *, actor: str = "system") -> bool:
        """Resume a paused counter; False (and no event) when it was not paused."""
        counter = self._counter(counter_id)
        with self._write() as tx:
            state = self._counter_state(tx, counter_id)
            if not state.paused:
                return False
            tx.conn.execute(update(t.counter_states)
                            .where(t.counter_states.c.counter_id == counter_id)
                            .values(paused=False, pause_reason="", updated_at=tx.now))
            tx.log("counter.resumed", actor, counter_id=counter_id, counter_number=counter.number)
            return True

    def sign_in(self, counter_id: str, officer_id: int | None) -> None:
        """Record which officer sits at the counter (for ratings and wait estimates)."""
        self._counter(counter_id)
        with self._write() as tx:
            self._counter_state(tx, counter_id)
            tx.conn.execute(update(t.counter_states)
                            .where(t.counter_states.c.counter_id == counter_id)
                            .values(officer_id=officer_id, updated_at=tx.now))

    # -- ratings ------------------------------------------------------------------------------
    def record_rating(self, rating_id: str, counter_id: str, level: str, pressed_at: datetime,
                      *, source: str = "", actor: str = "system") -> tuple[RatingRecord, bool]:
        """Record one press; the same ``rating_id`` again is counted once (created False).

        The rating is attributed to the ticket the counter was serving at ``pressed_at`` (or had
        finished within :data:`RATING_WINDOW` before it), if that ticket has no rating yet.
        """
        self._counter(counter_id)
        if level not in self._levels:
            raise QueueError("unknown_level", level=level)
        if pressed_at.tzinfo is None:
            raise ValueError("pressed_at must carry a UTC offset")
        pressed = pressed_at.astimezone(UTC).replace(tzinfo=None)

        def op() -> tuple[RatingRecord, bool]:
            try:
                with self._write() as tx:
                    return self._rate(tx, rating_id, counter_id, level, pressed, source, actor)
            except IntegrityError as exc:
                raise _Conflict() from exc

        return self._run(op)

    def _rate(self, tx: _Tx, rating_id: str, counter_id: str, level: str, pressed: datetime,
              source: str, actor: str) -> tuple[RatingRecord, bool]:
        conn = tx.conn
        r = t.ratings.c
        state = self._counter_state(tx, counter_id)  # one press at a time per counter
        existing = conn.execute(select(t.ratings).where(r.rating_id == rating_id)).one_or_none()
        if existing is not None:
            return _rating(existing), False
        c = t.tickets.c
        ticket = conn.execute(
            select(c.id, c.officer_id, c.service_id, c.number, c.finished_at, c.state)
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
            service_id=ticket.service_id if ticket else None, pressed_at=pressed,
            received_at=tx.now, source=source,
        )).inserted_primary_key[0]
        row = conn.execute(select(t.ratings).where(r.id == row_id)).one()
        tx.log("rating.recorded", actor, ticket_id=row.ticket_id, counter_id=counter_id,
               level=level, rating_id=rating_id, number=ticket.number if ticket else None,
               officer_id=officer_id)
        return _rating(row), True

    # -- reading ------------------------------------------------------------------------------
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

    def services(self) -> list[dict]:
        """Per field: open now, people waiting, estimated wait for a new ticket."""
        _, local = self._clock()
        day = local.date().isoformat()
        with self.db.read() as conn:
            counts = dict(_WAITING_BY_SERVICE.run(conn, {"b_day": day}).all())
            staffed = {r.counter_id for r in _STAFFED.run(conn)}
            means = {f.id: self._mean_service_s(conn, f.id) for f in self.config.fields}
            closed = self._day_flags(conn, day)["closed"]
        out = []
        for f in self.config.fields:
            waiting = counts.get(f.id, 0)
            serving = sum(1 for cc in self.config.counters if f.id in cc.fields and cc.id in staffed)
            out.append({
                "id": f.id, "code": f.numbering.prefix or f.numbering.format(1),
                "name": f.name, "name_en": f.name_en,
                "open": f.id not in closed and is_open(self.config, f, local.replace(tzinfo=None)),
                "closed_today": f.id in closed,
                "waiting": waiting,
                "estimated_wait_s": int(waiting * means[f.id] / max(1, serving)),
            })
        return out

    def counters(self) -> list[dict]:
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
            out.append({
                "id": cc.id, "number": cc.number, "name": cc.name, "fields": list(cc.fields),
                "paused": bool(s.paused) if s else False,
                "pause_reason": s.pause_reason if s else "",
                "officer_id": s.officer_id if s else None,
                "ticket": Ticket.from_row(row) if row is not None else None,
            })
        return out

    def waiting(self, service_id: str | None = None) -> list[Ticket]:
        """Today's waiting tickets in queue order (oldest first)."""
        day = self.today()
        c = t.tickets.c
        q = select(t.tickets).where(c.day == day, c.state.in_(WAITING_STATES))
        if service_id is not None:
            q = q.where(c.service_id == service_id)
        with self.db.read() as conn:
            return [Ticket.from_row(r) for r in conn.execute(q.order_by(c.queued_at, c.id))]

    def missed(self, counter_id: str) -> list[Ticket]:
        """Today's skipped tickets in the fields this counter serves."""
        counter = self._counter(counter_id)
        c = t.tickets.c
        with self.db.read() as conn:
            rows = conn.execute(
                select(t.tickets).where(c.day == self.today(), c.state == "skipped",
                                        c.service_id.in_(counter.fields))
                .order_by(c.finished_at.desc())).all()
        return [Ticket.from_row(r) for r in rows]

    def recent_calls(self, limit: int = 10) -> list[Ticket]:
        """Today's most recent calls, newest first."""
        with self.db.read() as conn:
            rows = _RECENT_CALLS.run(conn, {"b_day": self.today(), "b_limit": limit}).all()
        return [Ticket.from_row(r) for r in rows]

    def counts_today(self, counter_id: str | None = None) -> dict[str, int]:
        """Today's tickets by state (for one counter, the ones it called)."""
        c = t.tickets.c
        q = select(c.state, func.count()).where(c.day == self.today()).group_by(c.state)
        if counter_id is not None:
            q = q.where(c.counter_id == counter_id)
        with self.db.read() as conn:
            return dict(conn.execute(q).all())

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


def _rating(row) -> RatingRecord:
    return RatingRecord(id=row.id, rating_id=row.rating_id, counter_id=row.counter_id,
                        level=row.level, ticket_id=row.ticket_id, officer_id=row.officer_id,
                        pressed_at=row.pressed_at, received_at=row.received_at)


def _event(row) -> Event:
    data = json.loads(row.data or "{}")
    return Event(id=row.id, kind=row.kind, at=row.at, actor=row.actor,
                 data={"ticket_id": row.ticket_id, "counter_id": row.counter_id, **data})
