"""A day's statements read through indexes: none reads every day's tickets, ratings or events
(a year holds 450,000 tickets, bench/reports.py), so a centre's requests cost the same in
December as in January. SQLite's own query plans, for everything a day of the queue runs."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from sqlalchemy import event

from display_server.present import display_snapshot

EVERY_DAY = re.compile(r"^SCAN (tickets|ratings|audit_log)\b")


def test_no_statement_of_a_day_reads_every_day(make_engine, config, db, clock) -> None:
    engine = make_engine(config)
    seen: set[str] = set()  # as SQLite runs them, values in place (prepared ones too)

    def trace(dbapi_conn, _record) -> None:
        dbapi_conn.set_trace_callback(seen.add)

    db.engine.dispose()  # new connections, each traced
    event.listen(db.engine, "connect", trace)
    try:
        display_snapshot(engine)
        engine.sign_in("quay-1", None)
        engine.sign_in("quay-2", None)
        tickets = [engine.issue(f)[0] for f in ("ho-tich", "ho-tich", "chung-thuc", "ho-tich")]
        engine.ticket_by_token(tickets[0].token)
        engine.call_next("quay-1")
        engine.recall("quay-1")
        clock.advance(seconds=90)
        engine.transfer("quay-1", field_id="chung-thuc")
        engine.call_next("quay-1")
        clock.advance(seconds=120)
        engine.finish("quay-1")
        engine.record_rating("r-1", "quay-1", "satisfied", datetime.now(UTC))
        engine.call_next("quay-2")
        engine.recall("quay-2")
        engine.skip("quay-2")
        engine.missed("quay-2")
        engine.waiting("ho-tich")
        engine.counts_today()
        engine.events_after(0)
        display_snapshot(engine)
    finally:
        event.remove(db.engine, "connect", trace)
        db.engine.dispose()

    queries = {sql for sql in seen if sql.lstrip().upper().startswith(("SELECT", "UPDATE",
                                                                        "DELETE", "WITH"))}
    assert len(queries) > 20
    with db.read() as conn:
        plans = {sql: [row[3] for row in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + sql)]
                 for sql in queries}
    every_day = {" ".join(sql.split())[:200]: plan for sql, plan in plans.items()
                 if any(EVERY_DAY.match(step) for step in plan)}
    assert every_day == {}
