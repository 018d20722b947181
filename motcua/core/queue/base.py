"""The engine's plumbing: one write transaction with its audit-log rows (:class:`Tx`), runs
again after a conflict, events handed to the publishers after the commit, and the look-ups of
fields, counters and a counter's current ticket that every operation starts with."""

from __future__ import annotations

import json
import logging
import time as _time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TypeVar

from sqlalchemy import Connection, bindparam, select
from sqlalchemy.exc import IntegrityError, OperationalError

from config.schema import CounterConfig, FieldConfig

from ..storage import tables as t
from ..storage.database import Database
from ..storage.prepared import Prepared
from ..storage.upsert import insert_ignore
from .errors import QueueError
from .events import Event, notify_events
from .model import AT_COUNTER_STATES

log = logging.getLogger(__name__)

T = TypeVar("T")

_RETRY_SQLSTATES = {"40P01", "40001"}
"""PostgreSQL's deadlock and serialisation failures: the transaction is run again."""

# Statements built once (building one costs more than running it on SQLite).
_TICKET_BY_ID = Prepared(select(t.tickets).where(t.tickets.c.id == bindparam("b_id")))

_LOCK_COUNTER = Prepared(select(t.counter_states)
                         .where(t.counter_states.c.counter_id == bindparam("b_cid"))
                         .with_for_update())


class Conflict(Exception):
    """Another transaction won a race; raised inside an operation given to
    :meth:`EngineBase.run`, which runs it again."""


@dataclass


class Tx:
    """One write transaction of the engine (:meth:`EngineBase.write`): its connection, its
    moment and service day, and the audit-log rows (events) it appends with :meth:`log`."""

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


class EngineBase:
    """The plumbing the jobs of :class:`~.engine.QueueEngine` share."""

    def now(self) -> tuple[datetime, datetime]:
        """The engine's clock: (naive UTC, as the database keeps times; aware, centre time)."""
        aware = self.clock()
        if aware.tzinfo is None:
            aware = aware.replace(tzinfo=UTC)
        return aware.astimezone(UTC).replace(tzinfo=None), aware.astimezone(self.config.zone)

    def today(self) -> str:
        """The current local service day, YYYY-MM-DD."""
        return self.now()[1].date().isoformat()

    @contextmanager
    def write(self, *, duplicate_is_conflict: bool = False) -> Iterator[Tx]:
        """One write transaction (the day rolled over first if due): its audit-log rows are
        appended before the commit, its events handed to the publishers after it. Raising
        inside rolls it back. ``duplicate_is_conflict``: a unique key (a request or rating id,
        a sequence slot) taken meanwhile by a concurrent transaction (PostgreSQL) raises
        :class:`Conflict`, so :meth:`run` runs the operation again and finds it."""
        now, local = self.now()
        tx_events: list[Event] = []
        try:
            with self.db.write() as conn:
                tx = Tx(conn, now, local, local.date().isoformat(), tx_events)
                self._roll_day(tx)
                yield tx
                tx.flush(self.db)
        except IntegrityError as exc:
            if not duplicate_is_conflict:
                raise
            raise Conflict() from exc
        for fn in tx.after_commit:
            fn()
        for ev in tx_events:
            self._publish(ev)

    def run(self, op: Callable[[], T]) -> T:
        """``op()`` (which opens its own :meth:`write`), run again when it raises
        :class:`Conflict` or PostgreSQL reports a deadlock or serialisation failure."""
        for attempt in range(8):
            try:
                return op()
            except Conflict:
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

    def field(self, field_id: str) -> FieldConfig:
        """The field ``field_id``; refuses ``unknown_field``."""
        f = self._fields.get(field_id)
        if f is None:
            raise QueueError("unknown_field", field_id=field_id)
        return f

    def counter(self, counter_id: str) -> CounterConfig:
        """The counter ``counter_id``; refuses ``unknown_counter``."""
        c = self._counters.get(counter_id)
        if c is None:
            raise QueueError("unknown_counter", counter_id=counter_id)
        return c

    def _counter_state(self, tx: Tx, counter_id: str):
        conn = tx.conn
        if counter_id not in self._counter_rows:  # rows are never deleted: insert once
            conn.execute(insert_ignore(conn, t.counter_states, {
                "counter_id": counter_id, "paused": False, "pause_reason": "",
                "normals_since_priority": 0, "updated_at": tx.now,
            }, ["counter_id"]))
            tx.after_commit.append(lambda: self._counter_rows.add(counter_id))
        return _LOCK_COUNTER.run(conn, {"b_cid": counter_id}).one()

    def _current(self, tx: Tx, counter_id: str):
        state = self._counter_state(tx, counter_id)
        if state.current_ticket_id is None:
            raise QueueError("no_current_ticket", counter_id=counter_id)
        row = _TICKET_BY_ID.run(tx.conn, {"b_id": state.current_ticket_id}).one()
        if row.state not in AT_COUNTER_STATES:
            raise QueueError("no_current_ticket", counter_id=counter_id)
        return state, row

    def _ticket_data(self, row, counter: CounterConfig | None = None) -> dict:
        """A ticket's part of an event payload; its keys are a contract (screens read them, the
        audit log keeps them), so the field is ``service_id`` there, as in the v1 API."""
        data = {"number": row.number, "service_id": row.field_id, "priority": bool(row.priority)}
        if counter is not None:
            data.update(counter_id=counter.id, counter_number=counter.number)
        return data

    def record(self, kind: str, actor: str, **data: object) -> Event:
        """Append an audit-log entry for a change made outside the queue (e.g. accounts)."""
        with self.write() as tx:
            tx.log(kind, actor, **data)
        return tx.events[-1]
