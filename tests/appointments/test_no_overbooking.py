"""50 concurrent bookings of one slot with 3 places give exactly 3: threads and processes on one
SQLite file, threads and processes on PostgreSQL. The refused ones are told the slot is full."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import func, select

from motcua.core.appointments import AppointmentBook
from motcua.core.queue import QueueEngine, QueueError
from motcua.core.storage import Database, upgrade
from motcua.core.storage import tables as t
from tests.storage._workers import shared_clock

WORKER = Path(__file__).resolve().parent / "_book_worker.py"
SLOT = ("ho-tich", "2026-11-26", "09:00")  # capacity 3 in the demo
CLIENTS = 50


def places(db: Database) -> tuple[int, int]:
    """(live bookings of the slot, the slot row's count)."""
    with db.read() as conn:
        live = conn.execute(select(func.count()).select_from(t.appointments).where(
            t.appointments.c.slot == "09:00", t.appointments.c.state == "booked")).scalar_one()
        row = conn.execute(select(t.appointment_slots.c.booked)).scalar_one()
    return live, row


def book_in_threads(config, db: Database) -> Counter:
    epoch = time.time()
    books = [AppointmentBook(QueueEngine(config, db, clock=shared_clock(epoch)))
             for _ in range(CLIENTS)]
    barrier = threading.Barrier(CLIENTS)
    answers: list[str] = []
    lock = threading.Lock()

    def one(i: int) -> None:
        barrier.wait()
        try:
            books[i].book(*SLOT, name="Công dân", phone=f"09000000{i:02d}")
            answer = "ok"
        except QueueError as exc:
            answer = exc.code
        with lock:
            answers.append(answer)

    threads = [threading.Thread(target=one, args=(i,)) for i in range(CLIENTS)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(60)
    assert len(answers) == CLIENTS, "a booking thread hung"
    return Counter(answers)


def book_in_processes(tmp_path: Path, data_dir: Path, url: str | None = None) -> Counter:
    go, epoch = tmp_path / "go", repr(time.time())
    procs = [subprocess.Popen(
        [sys.executable, str(WORKER), str(data_dir), "5", f"09{p:02d}0000", str(go), epoch,
         *([url] if url else [])], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for p in range(CLIENTS // 5)]
    try:
        for p in procs:
            assert "ready" in p.stdout.readline(), p.stderr.read()
        go.touch()
        answers: Counter = Counter()
        for p in procs:
            out, err = p.communicate(timeout=120)
            assert p.returncode == 0, err
            for line in out.splitlines():
                rec = json.loads(line)
                answers["ok" if "ok" in rec else rec["refused"]] += 1
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
    return answers


def test_threads_on_sqlite(config, db) -> None:
    assert book_in_threads(config, db) == {"ok": 3, "slot_full": CLIENTS - 3}
    assert places(db) == (3, 3)


def test_processes_on_sqlite(config, db, data_dir, tmp_path) -> None:
    assert book_in_processes(tmp_path, data_dir) == {"ok": 3, "slot_full": CLIENTS - 3}
    assert places(db) == (3, 3)


@pytest.fixture
def pg(pg_url):
    db = Database(pg_url)
    upgrade(db)
    yield db
    db.dispose()


def test_threads_on_postgres(config, pg) -> None:
    assert book_in_threads(config, pg) == {"ok": 3, "slot_full": CLIENTS - 3}
    assert places(pg) == (3, 3)


def test_processes_on_postgres(pg, pg_url, data_dir, tmp_path) -> None:
    assert book_in_processes(tmp_path, data_dir, pg_url) == {"ok": 3, "slot_full": CLIENTS - 3}
    assert places(pg) == (3, 3)


def test_cancelling_gives_the_place_back_under_contention(config, db) -> None:
    epoch = time.time()
    book = AppointmentBook(QueueEngine(config, db, clock=shared_clock(epoch)))
    secrets = [book.book(*SLOT, name="Công dân", phone=f"091000000{i}").secret for i in range(3)]
    book.cancel(secrets[0])
    assert book_in_threads(config, db) == {"ok": 1, "slot_full": CLIENTS - 1}
    assert places(db) == (3, 3)
