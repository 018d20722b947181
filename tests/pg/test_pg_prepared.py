"""Prepared statements on PostgreSQL: straight on psycopg, the same rows and errors as SQLAlchemy."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import bindparam, exc, select, text, update

from motcua.core.storage import tables as t
from motcua.core.storage.prepared import Prepared, Rows

NOW = datetime(2026, 12, 2, 8, 30)
TICKET = {"day": "2026-12-02", "round": 0, "origin_field_id": "ho-tich", "seq": 1,
          "number": "1001", "field_id": "ho-tich", "priority": True, "transferred": False,
          "state": "waiting", "request_id": "r-1", "token": "tok-1", "device_id": None,
          "issued_at": NOW, "queued_at": NOW, "call_count": 0}
INSERT = Prepared(t.tickets.insert().returning(*t.tickets.c))
BY_ID = Prepared(select(t.tickets).where(t.tickets.c.id == bindparam("b_id")))
CALL = Prepared(update(t.tickets)
                .where(t.tickets.c.id == bindparam("b_id"), t.tickets.c.state.in_(("waiting",)))
                .values(call_count=t.tickets.c.call_count + 1).returning(*t.tickets.c))


def test_rows_are_the_same_as_sqlalchemys(pg_db) -> None:
    with pg_db.write() as conn:
        inserted = INSERT.run(conn, TICKET)
        assert isinstance(inserted, Rows)  # not through Connection.execute
        row = inserted.one()
        assert row.priority is True and row.issued_at == NOW and row.number == "1001"
        fast = BY_ID.run(conn, {"b_id": row.id}).one()
        assert tuple(fast) == tuple(conn.execute(BY_ID.stmt, {"b_id": row.id}).one())

        called = CALL.run(conn, {"b_id": row.id, "state": "called", "called_at": NOW})
        assert called.rowcount == 1
        new = called.one()
        assert (new.state, new.call_count, new.called_at) == ("called", 1, NOW)
        assert CALL.run(conn, {"b_id": row.id, "state": "called", "called_at": NOW}).all() == []

        assert Prepared(text("SELECT :a + 1")).run(conn, {"a": 41}).scalar_one() == 42
        assert BY_ID.run(conn, {"b_id": -1}).one_or_none() is None
        with pytest.raises(exc.NoResultFound):
            BY_ID.run(conn, {"b_id": -1}).one()


def test_a_list_given_at_run_time_goes_through_sqlalchemy(pg_db) -> None:
    ids = Prepared(select(t.tickets.c.number)
                   .where(t.tickets.c.id.in_(bindparam("b_ids", expanding=True))))
    with pg_db.write() as conn:
        first = INSERT.run(conn, TICKET).one()
        second = INSERT.run(conn, {**TICKET, "seq": 2, "number": "1002", "request_id": "r-2",
                                   "token": "tok-2"}).one()
        result = ids.run(conn, {"b_ids": [first.id, second.id]})
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
