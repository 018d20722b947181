"""On PostgreSQL the server processes share one display snapshot per change."""

from __future__ import annotations

from display_server.present import DisplayJSON, display_snapshot
from display_server.shared_display import SharedDisplay
from motcua.core.queue import QueueEngine
from motcua.core.storage import Database, upgrade


class Process:
    """What one server process holds: its own database pool, engine and shared display."""

    def __init__(self, pg_url, config, clock):
        self.db = Database(pg_url)
        upgrade(self.db)
        self.engine = QueueEngine(config, self.db, clock=clock)
        self.heard = 0  # the newest event its relay has published
        self.builds = 0
        self.display = SharedDisplay(self.db, self._build, lambda: self.heard,
                                     self.engine.last_event_id, zone=config.zone)

    def _build(self) -> dict:
        self.builds += 1
        return display_snapshot(self.engine)


def _waiting(display: DisplayJSON, field_id: str = "ho-tich") -> int:
    return next(s["waiting"] for s in display.parse()["services"] if s["id"] == field_id)


def test_one_process_builds_the_others_read_it(pg_url, config, clock) -> None:
    a, b = Process(pg_url, config, clock), Process(pg_url, config, clock)
    a.engine.issue("ho-tich")
    a.heard = b.heard = a.engine.last_event_id()
    first = a.display()
    second = b.display()
    assert (a.builds, b.builds) == (1, 0)
    assert _waiting(first) == _waiting(second) == 1
    assert second.last_event_id == first.last_event_id == a.heard
    one, two, expected = first.parse(), second.parse(), display_snapshot(a.engine)
    for snap in (one, two, expected):
        assert snap.pop("server_time")
    assert one == two == expected

    a.engine.issue("ho-tich")  # a newer change: the next process to need it builds it
    b.heard = b.engine.last_event_id()
    assert _waiting(b.display()) == 2 and b.builds == 1
    a.heard = b.heard
    assert _waiting(a.display()) == 2 and a.builds == 1


def test_a_fresh_read_sees_a_commit_the_process_has_not_heard_of(pg_url, config, clock) -> None:
    a, b = Process(pg_url, config, clock), Process(pg_url, config, clock)
    assert _waiting(a.display()) == 0
    b.engine.issue("ho-tich")  # committed by another process; a's relay is behind
    assert _waiting(a.display()) == 0 and a.builds == 1  # screens: what a has sent them
    assert _waiting(a.display(fresh=True)) == 1 and a.builds == 2  # HTTP: the last commit


def test_an_unreadable_stored_snapshot_is_built_again(pg_url, config, clock) -> None:
    from sqlalchemy import update

    from motcua.core.storage import tables as t

    a = Process(pg_url, config, clock)
    a.engine.issue("ho-tich")
    assert _waiting(a.display(fresh=True)) == 1 and a.builds == 1
    with a.db.write() as conn:
        conn.execute(update(t.meta).where(t.meta.c.key == "display").values(value='{"garbage'))
    shown = a.display(fresh=True)
    assert a.builds == 2 and _waiting(shown) == 1
    assert shown.last_event_id == a.engine.last_event_id()


def test_a_stored_snapshot_new_enough_is_read_without_the_lock(pg_url, config, clock) -> None:
    import threading

    from sqlalchemy import text

    from display_server.shared_display import DISPLAY_LOCK

    a, b = Process(pg_url, config, clock), Process(pg_url, config, clock)
    a.engine.issue("ho-tich")
    a.heard = b.heard = a.engine.last_event_id()
    a.display()
    with a.db.engine.connect() as holder, holder.begin():  # a builder holds the lock meanwhile
        holder.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": DISPLAY_LOCK})
        shown: list[DisplayJSON] = []
        reader = threading.Thread(target=lambda: shown.append(b.display()), daemon=True)
        reader.start()
        reader.join(10)
        assert shown, "a reader waited for the lock although the stored snapshot was new enough"
    assert _waiting(shown[0]) == 1 and b.builds == 0
