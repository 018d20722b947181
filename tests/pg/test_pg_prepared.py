"""Prepared statements on PostgreSQL: straight on psycopg, the same rows and errors as SQLAlchemy."""

from __future__ import annotations

import pytest
from sqlalchemy import exc, select, text

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


def test_rows_are_the_same_as_sqlalchemys(pg_db) -> None:
    with pg_db.write() as conn:
        inserted = INSERT.run(conn, TICKET)
        assert isinstance(inserted, Rows)  # not through Connection.execute
        row = inserted.one()
        assert row.priority is True and row.issued_at == NOW and row.number == "1001"
        fast = BY_ID.run(conn, {"b_id": row.id}).one()
        read_and_call_like_sqlalchemy(conn, row.id, fast)

        assert Prepared(text("SELECT :a + 1")).run(conn, {"a": 41}).scalar_one() == 42
        assert BY_ID.run(conn, {"b_id": -1}).one_or_none() is None
        with pytest.raises(exc.NoResultFound):
            BY_ID.run(conn, {"b_id": -1}).one()


def test_a_list_given_at_run_time_goes_through_sqlalchemy(pg_db) -> None:
    with pg_db.write() as conn:
        first = INSERT.run(conn, TICKET).one()
        second = INSERT.run(conn, {**TICKET, "seq": 2, "number": "1002", "request_id": "r-2",
                                   "token": "tok-2"}).one()
        result = NUMBERS.run(conn, {"b_ids": [first.id, second.id]})
        assert not isinstance(result, Rows)
        assert sorted(result.scalars().all()) == ["1001", "1002"]


def test_errors_are_sqlalchemys_and_the_connection_stays_usable(pg_db) -> None:
    with pg_db.write() as conn:
        INSERT.run(conn, TICKET)
    with pytest.raises(exc.IntegrityError) as caught, pg_db.write() as conn:
        INSERT.run(conn, {**TICKET, "seq": 2, "number": "1002"})  # same request_id, token
    assert getattr(caught.value.orig, "sqlstate", None) == "23505"
    with pg_db.read() as conn:
        assert Prepared(select(t.tickets.c.number)).run(conn).scalars().all() == ["1001"]
