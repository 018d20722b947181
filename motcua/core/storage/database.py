"""Connections to SQLite or PostgreSQL with the settings the queue's guarantees rely on."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from functools import partial
from pathlib import Path

from sqlalchemy import Connection, Engine, create_engine, event, exc, text
from sqlalchemy.engine import make_url

from motcua.core.extras import require
from motcua.core.thread_locks import thread_lock

from . import tables as t
from .prepared import Prepared

SQLITE_BUSY_TIMEOUT_S = 30
PG_EVENT_LOCK = 0x6D6F7463  # "motc": the advisory lock that orders audit-log ids on PostgreSQL
EVENTS_CHANNEL = "motcua_events"
_APPEND_PG = Prepared(text("""
WITH turn AS MATERIALIZED (SELECT pg_advisory_xact_lock(:lock)),
added AS (
    INSERT INTO audit_log (at, actor, kind, ticket_id, counter_id, data)
    SELECT r.at, r.actor, r.kind, r.ticket_id, r.counter_id, r.data
    FROM turn, unnest(CAST(:at AS timestamp[]), CAST(:actor AS text[]), CAST(:kind AS text[]),
                      CAST(:ticket_id AS integer[]), CAST(:counter_id AS text[]),
                      CAST(:data AS text[]))
         WITH ORDINALITY AS r(at, actor, kind, ticket_id, counter_id, data, n)
    ORDER BY r.n
    RETURNING id)
SELECT array_agg(id ORDER BY id), pg_notify(:channel, CASE
    WHEN CAST(:events AS text) IS NULL THEN CAST(max(id) AS text)
    ELSE '{"ids": [' || string_agg(CAST(id AS text), ', ' ORDER BY id) || '], "events": '
         || CAST(:events AS text) || '}' END)
FROM added"""))
_AUDIT_COLUMNS = ("at", "actor", "kind", "ticket_id", "counter_id", "data")
_INSERT_AUDIT = t.audit_log.insert().returning(t.audit_log.c.id, sort_by_parameter_order=True)
PING_AFTER_IDLE_S = 2.0
"""A pooled PostgreSQL connection idle this long is pinged before use (a restarted or vanished
server is noticed before a request relies on it); one used more recently is not, which saves a
round trip per checkout on a busy server."""


class Database:
    """One database: ``read()`` and ``write()`` give a connection inside a transaction.

    On SQLite, a write transaction starts with ``BEGIN IMMEDIATE``: writers from any thread or
    process queue up on the database lock instead of failing half-way, and WAL with
    ``synchronous=FULL`` makes every committed transaction survive a power cut. On PostgreSQL
    writers run side by side (row locks keep them apart) and a writer takes
    :meth:`lock_event_order` just before it appends audit-log rows: those ids (the event ids
    screens resume from) are then assigned in commit order, and the lock is held only for the
    insert and the commit.
    """

    def __init__(self, url: str, *, echo: bool = False):
        self.url = make_url(url)
        self.is_sqlite = self.url.get_backend_name() == "sqlite"
        self.events_channel = EVENTS_CHANNEL
        """Where :meth:`append_audit` tells other processes (PostgreSQL NOTIFY)."""
        # Threads of one process queue on this lock rather than on SQLite's busy handler,
        # which sleeps and lets a writer starve for seconds under load.
        self._write_lock = thread_lock() if self.is_sqlite else nullcontext()
        self._shared_read = threading.local()  # the connection of an open ``read_together()``
        if self.is_sqlite:
            if self.url.database and self.url.database != ":memory:":
                Path(self.url.database).parent.mkdir(parents=True, exist_ok=True)
            self.engine: Engine = create_engine(
                self.url,
                echo=echo,
                connect_args={"timeout": SQLITE_BUSY_TIMEOUT_S, "check_same_thread": False},
                pool_size=4,
                max_overflow=12,
                pool_timeout=30,
            )
            event.listen(self.engine, "connect", _sqlite_connect)
            event.listen(self.engine, "begin", _sqlite_begin)
        else:
            if self.url.get_driver_name() == "psycopg":
                require("psycopg", "postgres")
            self.engine = create_engine(self.url, echo=echo, pool_size=10, max_overflow=40)
            event.listen(self.engine, "connect", _mark_used)
            event.listen(self.engine, "checkin", _mark_used)
            event.listen(self.engine, "checkout", partial(_ping_if_idle, self.engine.dialect))

    @contextmanager
    def write(self) -> Iterator[Connection]:
        """A transaction that will write; committed on success, rolled back on error."""
        with self._write_lock, self.engine.connect() as conn:
            conn.execution_options(motcua_write=True)
            with conn.begin():
                yield conn

    def append_audit(self, conn: Connection, rows: list[dict], events_json: str | None) -> list[int]:
        """Inside a ``write()``: insert audit-log rows (dicts of ``_AUDIT_COLUMNS``) in order and
        return their ids, which are the events' ids.

        On PostgreSQL one statement also waits for the transactions that came to this step
        before to commit (an advisory lock, released at commit), so ids are given and committed
        in the same order and a reader never sees a later id before an earlier one; and it
        tells the other server processes, at commit, with the ids and ``events_json`` (see
        ``queue.events.notify_payload``). The lock is held for that statement and the commit
        only, without a round trip between them. On SQLite a writer has the database to itself
        from its start, and there is nobody to tell."""
        if self.is_sqlite:
            return conn.execute(_INSERT_AUDIT, rows).scalars().all()
        params = {c: [r[c] for r in rows] for c in _AUDIT_COLUMNS}
        params.update(lock=PG_EVENT_LOCK, channel=self.events_channel, events=events_json)
        return list(_APPEND_PG.run(conn, params).one()[0])

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """A read-only transaction (a consistent snapshot); inside ``read_together()``, that
        block's transaction."""
        shared = getattr(self._shared_read, "conn", None)
        if shared is not None:
            yield shared
            return
        with self.engine.connect() as conn, conn.begin():
            yield conn

    @contextmanager
    def read_single(self) -> Iterator[Connection]:
        """A connection for one read-only statement, which is atomic by itself: on PostgreSQL
        it runs outside a transaction (two round trips fewer than ``read()``, for a query every
        request makes; on SQLite a :class:`~.prepared.Prepared` statement runs without a
        ``BEGIN``, another one begins a transaction as usual); inside ``read_together()``, that
        block's transaction."""
        if getattr(self._shared_read, "conn", None) is not None:
            with self.read() as conn:
                yield conn
            return
        with self.engine.connect() as conn:
            yield conn if self.is_sqlite else conn.execution_options(isolation_level="AUTOCOMMIT")

    @contextmanager
    def read_together(self) -> Iterator[Connection]:
        """Every ``read()`` of this thread inside the block shares one connection and
        transaction: one pool checkout instead of one per query (a display snapshot runs many)."""
        with self.read() as conn:
            outer = getattr(self._shared_read, "conn", None)
            self._shared_read.conn = conn
            try:
                yield conn
            finally:
                self._shared_read.conn = outer

    def dispose(self) -> None:
        self.engine.dispose()

    def __repr__(self) -> str:
        return f"Database({self.url.render_as_string(hide_password=True)!r})"


def error_reason(exc: Exception) -> str:
    """The database driver's own words of a failed statement, first line (for a log line)."""
    text = str(getattr(exc, "orig", None) or exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _mark_used(_dbapi_conn, record) -> None:
    record.info["used_at"] = time.monotonic()


def _ping_if_idle(dialect, dbapi_conn, record, _proxy) -> None:
    """Ping a connection that has been idle for a while; a dead one is replaced (the pool checks
    out another when this raises ``DisconnectionError``)."""
    if time.monotonic() - record.info.get("used_at", float("-inf")) < PING_AFTER_IDLE_S:
        return
    try:
        dialect.do_ping(dbapi_conn)
    except dialect.loaded_dbapi.Error as err:
        raise exc.DisconnectionError(f"stale connection: {err}") from err


def _sqlite_connect(dbapi_conn, _record) -> None:
    # Let SQLAlchemy's "begin" event emit BEGIN itself (pysqlite's own handling is lazy).
    dbapi_conn.isolation_level = None
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=FULL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_S * 1000}")
    cur.execute("PRAGMA cache_size=-1024")  # 1 MiB page cache per connection (Pi memory)
    cur.close()


def _sqlite_begin(conn: Connection) -> None:
    if conn.get_execution_options().get("motcua_write"):
        conn.exec_driver_sql("BEGIN IMMEDIATE")
    else:
        conn.exec_driver_sql("BEGIN")
