"""Statements and a ticket row shared by the Prepared tests on SQLite and on PostgreSQL."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import bindparam, select, update

from motcua.core.storage import tables as t
from motcua.core.storage.prepared import Prepared

NOW = datetime(2026, 12, 2, 8, 30, 15, 250000)
TICKET = {"day": "2026-12-02", "round": 0, "origin_field_id": "ho-tich", "seq": 1,
          "number": "1001", "field_id": "ho-tich", "priority": True, "transferred": False,
          "state": "waiting", "request_id": "r-1", "token": "tok-1", "device_id": None,
          "issued_at": NOW, "queued_at": NOW, "call_count": 0}
INSERT = Prepared(t.tickets.insert().returning(*t.tickets.c))
BY_ID = Prepared(select(t.tickets).where(t.tickets.c.id == bindparam("b_id")))
CALL = Prepared(update(t.tickets)
                .where(t.tickets.c.id == bindparam("b_id"), t.tickets.c.state.in_(("waiting",)))
                .values(call_count=t.tickets.c.call_count + 1).returning(*t.tickets.c))
NUMBERS = Prepared(select(t.tickets.c.number)
                   .where(t.tickets.c.id.in_(bindparam("b_ids", expanding=True))))
"""A list given at run time: SQLAlchemy expands it per call."""


def read_and_call_like_sqlalchemy(conn, ticket_id: int, fast) -> None:
    """``fast`` (the ticket read through ``BY_ID``) is the row SQLAlchemy reads; ``CALL``
    updates it once, returning the new row and its count, then finds nothing to update."""
    assert tuple(fast) == tuple(conn.execute(BY_ID.stmt, {"b_id": ticket_id}).one())
    called = CALL.run(conn, {"b_id": ticket_id, "state": "called", "called_at": NOW})
    assert called.rowcount == 1
    new = called.one()
    assert (new.state, new.call_count, new.called_at) == ("called", 1, NOW)
    assert CALL.run(conn, {"b_id": ticket_id, "state": "called", "called_at": NOW}).all() == []
