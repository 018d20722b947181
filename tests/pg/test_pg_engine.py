"""The queue engine on PostgreSQL: same behaviour, same guarantees under concurrency."""

from __future__ import annotations

import threading

from sqlalchemy import func, select

from motcua.core.queue import QueueEngine, QueueError
from motcua.core.queue.model import AT_COUNTER_STATES, WAITING_STATES
from motcua.core.storage import Database, upgrade
from motcua.core.storage import tables as t
from tests.conftest import wait_for


def test_engine_basics_on_postgres(pg_url, config, clock) -> None:
    db = Database(pg_url)
    upgrade(db)
    events: list = []
    engine = QueueEngine(config, db, clock=clock, publish=events.append)
    t1, created = engine.issue("ho-tich", request_id="r-1")
    assert created and t1.number == "1001"
    assert engine.issue("ho-tich", request_id="r-1")[0].id == t1.id
    engine.issue("ho-tich", priority=True)
    assert engine.call_next("quay-1").number in ("1001", "1002")
    engine.recall("quay-1")
    engine.finish("quay-1")
    clock.advance(days=1)
    assert engine.issue("ho-tich")[0].number == "1001"
    kinds = [e.kind for e in events]
    assert kinds.count("day.reset") == 1 and "ticket.finished" in kinds
    ids = [e.id for e in engine.events_after(0)]
    assert ids == sorted(ids) and len(ids) == len(events)


def test_threads_never_duplicate_numbers_or_calls_on_postgres(pg_url, config) -> None:
    db = Database(pg_url)
    upgrade(db)
    numbers: list[str] = []
    called: list[int] = []
    lock = threading.Lock()

    def issuer() -> None:
        engine = QueueEngine(config, db)
        for _ in range(20):
            t, _ = engine.issue("chung-thuc")
            with lock:
                numbers.append(t.number)

    threads = [threading.Thread(target=issuer) for _ in range(6)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert sorted(numbers) == [str(2001 + i) for i in range(120)]

    def caller(counter: str) -> None:
        engine = QueueEngine(config, db)
        while (t := engine.call_next(counter)) is not None:
            with lock:
                called.append(t.id)

    threads = [threading.Thread(target=caller, args=(c,)) for c in ("quay-1", "quay-2", "quay-5")
               for _ in range(2)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert len(called) == 120 and len(set(called)) == 120


def test_event_ids_follow_commit_order_on_postgres(pg_url, config) -> None:
    """Ids are what SSE clients resume from: a smaller id must never commit after a larger one."""
    db = Database(pg_url)
    upgrade(db)
    seen: list[int] = []
    lock = threading.Lock()

    def record(ev) -> None:  # called after each commit, in commit order per thread
        with lock:
            seen.append(ev.id)

    def work() -> None:
        engine = QueueEngine(config, db, publish=record)
        for _ in range(25):
            engine.issue("dat-dai")

    threads = [threading.Thread(target=work) for _ in range(4)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    ids = [e.id for e in QueueEngine(config, db).events_after(0, 1000)]
    assert sorted(ids) == ids and len(ids) == 100
    assert ids == list(range(ids[0], ids[0] + 100))  # no holes from rolled-back inserts


def test_reset_during_calls_and_issues_leaves_no_ticket_of_the_old_round(pg_url, config,
                                                                         clock) -> None:
    db = Database(pg_url)
    upgrade(db)
    errors: list = []
    stop = threading.Event()

    def busy(counter: str) -> None:
        engine = QueueEngine(config, db, clock=clock)
        try:
            while not stop.is_set():
                engine.issue("ho-tich")
                engine.call_next(counter)
        except Exception as exc:  # noqa: BLE001 (reported below)
            errors.append(exc)

    engine = QueueEngine(config, db, clock=clock)
    for _ in range(5):  # tickets wait when the reset comes (each thread issues, then calls)
        engine.issue("ho-tich")
    threads = [threading.Thread(target=busy, args=(c,)) for c in ("quay-1", "quay-2", "quay-5")]
    for th in threads:
        th.start()
    wait_for(lambda: sum(e.kind == "ticket.called" for e in engine.events_after(0)) >= 3,
             "the counters to call")
    engine.reset_day()
    stop.set()
    for th in threads:
        th.join(60)
    assert not errors
    with db.read() as conn:
        old = conn.execute(select(func.count()).where(
            t.tickets.c.round == 0,
            t.tickets.c.state.in_(WAITING_STATES + AT_COUNTER_STATES))).scalar_one()
    assert old == 0


def test_the_hall_cap_holds_with_many_writers_at_once(pg_url, make_config, clock) -> None:
    config = make_config(queue={"max_waiting": 5})
    db = Database(pg_url)
    upgrade(db)
    results: list[str] = []
    lock = threading.Lock()

    def kiosk() -> None:
        engine = QueueEngine(config, db, clock=clock)
        for _ in range(3):
            try:
                engine.issue("ho-tich")
                outcome = "issued"
            except QueueError as exc:
                outcome = exc.code
            with lock:
                results.append(outcome)

    threads = [threading.Thread(target=kiosk) for _ in range(6)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(60)
    assert sorted(results) == ["hall_full"] * 13 + ["issued"] * 5
    assert len(QueueEngine(config, db, clock=clock).waiting()) == 5


def test_a_counter_calling_slowly_holds_up_no_other_counter(pg_url, config) -> None:
    """On PostgreSQL only the audit-log insert and the commit are serialised: while one counter's
    call-next is still under way (its ticket chosen and locked, not committed), another counter
    of the same field calls the next ticket at once, passing over the one being called."""
    db = Database(pg_url)
    upgrade(db)
    first = QueueEngine(config, db)
    numbers = [first.issue("ho-tich")[0].number for _ in range(3)]
    assert numbers == ["1001", "1002", "1003"]

    called_inside, release = threading.Event(), threading.Event()
    real_call = first._call

    def slow_call(*args, **kwargs):
        ticket = real_call(*args, **kwargs)
        called_inside.set()
        release.wait(20)  # the transaction stays open, the ticket's row locked
        return ticket

    first._call = slow_call  # type: ignore[method-assign]
    results: dict[str, str] = {}
    slow = threading.Thread(target=lambda: results.update(q1=first.call_next("quay-1").number))
    slow.start()
    try:
        assert called_inside.wait(10), "quay-1 never reached its call"
        other = threading.Thread(
            target=lambda: results.update(q2=QueueEngine(config, db).call_next("quay-2").number))
        other.start()
        other.join(10)
        assert not other.is_alive(), "quay-2 waited for quay-1's transaction"
        assert results == {"q2": "1002"}
    finally:
        release.set()
        slow.join(20)
    assert results == {"q1": "1001", "q2": "1002"}
    assert [t.number for t in first.waiting()] == ["1003"]
    kinds = [(e.kind, e.data["number"]) for e in first.events_after(0)
             if e.kind == "ticket.called"]
    assert kinds == [("ticket.called", "1002"), ("ticket.called", "1001")]  # commit order
