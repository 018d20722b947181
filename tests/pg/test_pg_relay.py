"""Events between processes on PostgreSQL: a notification carries its transaction's events, and
the relay publishes every event once, in order, reading the audit log only to fill a gap."""

from __future__ import annotations

import json
import queue
from datetime import datetime

import psycopg

from motcua.core.queue import QueueEngine
from motcua.core.queue.events import (
    NOTIFY_LIMIT,
    notify_events,
    notify_payload,
    parse_notify_payload,
)
from motcua.core.queue.pg_relay import PgEventRelay
from motcua.core.storage import Database, upgrade
from motcua.core.storage.database import EVENTS_CHANNEL
from tests.conftest import wait_for


def _engine(pg_url, config, clock, published=None) -> QueueEngine:
    db = Database(pg_url)
    upgrade(db)
    return QueueEngine(config, db, clock=clock, publish=published)


def _listen(pg_url) -> psycopg.Connection:
    conn = psycopg.connect(pg_url.replace("postgresql+psycopg", "postgresql"), autocommit=True)
    conn.execute(f"LISTEN {EVENTS_CHANNEL}")
    return conn


def _payloads(conn: psycopg.Connection) -> list[str]:
    return [n.payload for n in conn.notifies(timeout=1)]


def test_a_notification_carries_the_events_as_the_audit_log_has_them(pg_url, config, clock) -> None:
    mine: list = []
    engine = _engine(pg_url, config, clock, mine.append)
    with _listen(pg_url) as listener:
        engine.issue("ho-tich", priority=True)
        engine.call_next("quay-1")
        engine.finish("quay-1")
        payloads = _payloads(listener)
    assert len(payloads) == 3  # one per transaction, sent by the statement that gave the ids
    parsed = [parse_notify_payload(p) for p in payloads]
    events = [ev for evs, _ in parsed for ev in evs]
    assert events == engine.events_after(0) == mine  # same ids, kinds, times, actors and data
    assert [last for _, last in parsed] == [evs[-1].id for evs, _ in parsed]
    # the database builds the text exactly as notify_payload defines it
    first = parsed[0][0]
    assert payloads[0] == notify_payload(
        [ev.id for ev in first], notify_events([(e.kind, e.at, e.actor, e.data) for e in first]))


def test_events_too_big_for_one_notification_send_only_the_last_id(pg_url, config, clock) -> None:
    big = [("notice.changed", datetime(2026, 12, 1, 2, 0), "admin", {"text": "Thông báo " * 100})
           for _ in range(19)]
    assert notify_events(big) is None
    one = notify_events(big[:1])
    assert one is not None
    assert len(notify_payload([2**63 - 1], one).encode()) <= NOTIFY_LIMIT
    assert parse_notify_payload(notify_payload([5, 19], None)) == ([], 19)
    assert parse_notify_payload("not json") == ([], 0)
    assert parse_notify_payload('[[1, "ticket.issued", "2026-12-01T02:00:00", "x", {}]]') == ([], 0)

    db = Database(pg_url)
    upgrade(db)
    rows = [{"at": at, "actor": actor, "kind": kind, "ticket_id": None, "counter_id": None,
             "data": json.dumps(data, ensure_ascii=False)} for kind, at, actor, data in big]
    with _listen(pg_url) as listener:
        with db.write() as conn:
            ids = db.append_audit(conn, rows, None)
        payloads = _payloads(listener)
    assert ids == sorted(ids) and len(ids) == 19
    assert payloads == [str(ids[-1])]


def test_the_relay_publishes_each_event_once_in_order_even_after_a_gap(pg_url, config, clock) -> None:
    engine = _engine(pg_url, config, clock)
    got: queue.Queue = queue.Queue()
    relay = PgEventRelay(engine.db, engine.events_after, engine.last_event_id, got.put,
                         poll_s=30)  # no timed catch-up: only notifications drive it
    reads: list[int] = []

    def counting_events_after(after: int, limit: int):
        reads.append(after)
        return engine.events_after(after, limit)

    relay.events_after = counting_events_after
    relay.start()
    try:
        assert _wait_listening(pg_url)
        wait_for(lambda: reads, "the catch-up every (re)connection starts with")
        reads.clear()
        engine.issue("ho-tich")
        engine.issue("ho-tich")
        first = [got.get(timeout=10) for _ in range(2)]
        assert [e.data["number"] for e in first] == ["1001", "1002"]
        assert reads == []  # both came in their notifications: no read of the audit log

        # a change whose notification is lost (sent on a channel nobody listens to)
        engine.db.events_channel = "nobody_listens"
        engine.issue("ho-tich")
        engine.db.events_channel = EVENTS_CHANNEL
        engine.issue("ho-tich")  # its notification shows the gap: the relay reads the log
        rest = [got.get(timeout=10) for _ in range(2)]
        assert [e.data["number"] for e in rest] == ["1003", "1004"]
        assert reads == [first[-1].id]
        assert got.empty()
    finally:
        relay.stop()


def _wait_listening(pg_url) -> bool:
    """True once some session LISTENs on the events channel (the relay has connected)."""
    import time

    deadline = time.monotonic() + 10
    with psycopg.connect(pg_url.replace("postgresql+psycopg", "postgresql"), autocommit=True) as c:
        while time.monotonic() < deadline:
            n = c.execute("SELECT count(*) FROM pg_stat_activity WHERE query = %s"
                          " AND datname = current_database()",
                          (f"LISTEN {EVENTS_CHANNEL}",)).fetchone()[0]
            if n:
                return True
            time.sleep(0.05)
    return False
