"""On PostgreSQL the server processes share one display snapshot per change."""

from __future__ import annotations

from display_server.present import display_snapshot
from display_server.queue import QueueEngine
from display_server.shared_display import SharedDisplay
from display_server.storage import Database, upgrade


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


def _waiting(snap: dict, service_id: str = "ho-tich") -> int:
    return next(s["waiting"] for s in snap["services"] if s["id"] == service_id)


def test_one_process_builds_the_others_read_it(pg_url, config, clock) -> None:
    a, b = Process(pg_url, config, clock), Process(pg_url, config, clock)
    a.engine.issue("ho-tich")
    a.heard = b.heard = a.engine.last_event_id()
    first = a.display()
    second = b.display()
    assert (a.builds, b.builds) == (1, 0)
    assert _waiting(first) == _waiting(second) == 1
    assert {k: v for k, v in second.items() if k != "server_time"} == \
        {k: v for k, v in first.items() if k != "server_time"}

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
