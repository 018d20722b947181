"""Prepared statements on SQLite: straight on sqlite3 (no SQLAlchemy execution around them), the
same rows, types and errors as SQLAlchemy; what needs SQLAlchemy still goes through it."""

from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy import event, exc, literal_column, select, text

from motcua.core.storage import tables as t
from motcua.core.storage.prepared import Prepared, Rows
from tests.storage.prepared_cases import (
    BY_ID,
    INSERT,
    NOW,
    NUMBERS,
    TICKET,
    read_and_call_like_sqlalchemy,
)


@pytest.fixture
def statements(db) -> list[str]:
    """The statements that went through SQLAlchemy's execution (its cursor events)."""
    seen: list[str] = []
    event.listen(db.engine, "before_cursor_execute",
                 lambda conn, cursor, statement, *args: seen.append(statement))
    return seen


def test_rows_types_and_counts_are_sqlalchemys_without_sqlalchemy(db, statements) -> None:
    with db.write() as conn:
        statements.clear()  # (the BEGIN IMMEDIATE)
        inserted = INSERT.run(conn, TICKET)
        assert isinstance(inserted, Rows)
        row = inserted.one()
        assert (row.priority, row.transferred, row.issued_at, row.called_at, row.number) == (
            True, False, NOW, None, "1001")
        fast = BY_ID.run(conn, {"b_id": row.id}).one()
        assert statements == []  # neither went through Connection.execute
        read_and_call_like_sqlalchemy(conn, row.id, fast)
        assert BY_ID.run(conn, {"b_id": -1}).one_or_none() is None
        with pytest.raises(exc.NoResultFound):
            BY_ID.run(conn, {"b_id": -1}).one()


def test_one_statement_read_needs_no_begin(db, statements) -> None:
    with db.write() as conn:
        row = INSERT.run(conn, TICKET).one()
    statements.clear()
    with db.read_single() as conn:
        assert BY_ID.run(conn, {"b_id": row.id}).one().number == "1001"
    assert statements == []


def test_what_needs_sqlalchemy_goes_through_it(db) -> None:
    odd_name = Prepared(select(literal_column("1").label("not a name")))
    with db.write() as conn:
        first = INSERT.run(conn, TICKET).one()
        second = INSERT.run(conn, {**TICKET, "seq": 2, "number": "1002", "request_id": "r-2",
                                   "token": "tok-2"}).one()
        result = NUMBERS.run(conn, {"b_ids": [first.id, second.id]})
        assert not isinstance(result, Rows)  # a list given at run time: expanded per call
        assert sorted(result.scalars().all()) == ["1001", "1002"]
        plain = Prepared(text("SELECT :a + 1")).run(conn, {"a": 41})
        assert not isinstance(plain, Rows) and plain.scalar_one() == 42
        named = odd_name.run(conn)
        assert not isinstance(named, Rows) and named.one()._mapping["not a name"] == 1


def test_errors_are_sqlalchemys_and_nothing_is_half_written(db) -> None:
    with db.write() as conn:
        INSERT.run(conn, TICKET)
    with pytest.raises(exc.IntegrityError) as caught, db.write() as conn:
        INSERT.run(conn, {**TICKET, "seq": 2, "number": "1002", "request_id": "r-9",
                          "token": "tok-9"})
        INSERT.run(conn, {**TICKET, "seq": 3, "number": "1003"})  # same request_id, token
    assert isinstance(caught.value.orig, sqlite3.IntegrityError)
    with db.read() as conn:
        assert Prepared(select(t.tickets.c.number)).run(conn).scalars().all() == ["1001"]
