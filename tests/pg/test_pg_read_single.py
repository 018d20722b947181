"""``Database.read_single`` on PostgreSQL: one statement outside a transaction, and the pooled
connection it used comes back to ``read()`` and ``write()`` with transactions again."""

from __future__ import annotations

import psycopg
import pytest
from sqlalchemy import select

from display_server.storage import Database, upgrade
from display_server.storage import tables as t
from tests.pg.test_pg_prepared import TICKET


@pytest.fixture
def db(pg_url) -> Database:
    database = Database(pg_url)
    upgrade(database)
    yield database
    database.dispose()


def _status(conn) -> psycopg.pq.TransactionStatus:
    return conn.connection.dbapi_connection.info.transaction_status


def test_a_single_read_leaves_no_transaction_open(db) -> None:
    with db.read_single() as conn:
        assert conn.execute(select(t.officers.c.id)).all() == []
        assert _status(conn) == psycopg.pq.TransactionStatus.IDLE
    with db.read() as conn:
        conn.execute(select(t.officers.c.id)).all()
        assert _status(conn) == psycopg.pq.TransactionStatus.INTRANS


def test_a_write_after_a_single_read_on_the_same_connection_still_rolls_back(db) -> None:
    with db.read_single() as conn:
        used = conn.connection.dbapi_connection
        conn.execute(select(t.officers.c.id)).all()
    with pytest.raises(RuntimeError), db.write() as conn:
        assert conn.connection.dbapi_connection is used  # the pool gave the same one back
        conn.execute(t.tickets.insert(), TICKET)
        raise RuntimeError("undo it")
    with db.read() as conn:
        assert conn.execute(select(t.tickets.c.id)).all() == []


def test_inside_read_together_a_single_read_shares_its_transaction(db) -> None:
    with db.read_together() as shared, db.read_single() as conn:
        assert conn is shared
