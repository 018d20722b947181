"""``Database.read_single`` on PostgreSQL: one statement outside a transaction, and the pooled
connection it used comes back to ``read()`` and ``write()`` with transactions again."""

from __future__ import annotations

import psycopg
import pytest
from sqlalchemy import select

from motcua.core.storage import tables as t
from tests.pg.test_pg_prepared import TICKET


def _status(conn) -> psycopg.pq.TransactionStatus:
    return conn.connection.dbapi_connection.info.transaction_status


def test_a_single_read_leaves_no_transaction_open(pg_db) -> None:
    with pg_db.read_single() as conn:
        assert conn.execute(select(t.officers.c.id)).all() == []
        assert _status(conn) == psycopg.pq.TransactionStatus.IDLE
    with pg_db.read() as conn:
        conn.execute(select(t.officers.c.id)).all()
        assert _status(conn) == psycopg.pq.TransactionStatus.INTRANS


def test_a_write_after_a_single_read_on_the_same_connection_still_rolls_back(pg_db) -> None:
    with pg_db.read_single() as conn:
        used = conn.connection.dbapi_connection
        conn.execute(select(t.officers.c.id)).all()
    with pytest.raises(RuntimeError), pg_db.write() as conn:
        assert conn.connection.dbapi_connection is used  # the pool gave the same one back
        conn.execute(t.tickets.insert(), TICKET)
        raise RuntimeError("undo it")
    with pg_db.read() as conn:
        assert conn.execute(select(t.tickets.c.id)).all() == []


def test_inside_read_together_a_single_read_shares_its_transaction(pg_db) -> None:
    with pg_db.read_together() as shared, pg_db.read_single() as conn:
        assert conn is shared
