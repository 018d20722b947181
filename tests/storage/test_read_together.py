"""Reads that share one connection: a display snapshot is one pool checkout, not one per query."""

from __future__ import annotations

import threading

from sqlalchemy import event, text

from display_server.present import display_snapshot


def _checkouts(db) -> list[int]:
    seen: list[int] = []
    event.listen(db.engine, "checkout", lambda *_: seen.append(1))
    return seen


def test_display_snapshot_uses_one_connection(db, engine) -> None:
    engine.issue("ho-tich")
    engine.call_next("quay-1", officer_id=None)
    seen = _checkouts(db)
    snap = display_snapshot(engine)
    assert len(seen) == 1
    assert snap["counters"][0]["ticket"]["number"] == "1001"
    assert snap["last_event_id"] == engine.last_event_id()


def test_reads_inside_share_the_block_and_others_do_not(db) -> None:
    with db.read_together() as outer:
        with db.read() as inner:
            assert inner is outer
        other: list = []

        def elsewhere() -> None:  # another thread gets its own connection
            with db.read() as conn:
                other.append(conn is outer)
                other.append(conn.execute(text("SELECT 1")).scalar_one())

        th = threading.Thread(target=elsewhere)
        th.start()
        th.join()
        assert other == [False, 1]
    with db.read() as after:
        assert after is not outer
