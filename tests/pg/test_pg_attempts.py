"""The public booking limit on PostgreSQL: server processes (here: apps with their own
connection pools) share it, and concurrent attempts of one address never pass it."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime

from motcua.core.appointments import AppointmentBook
from motcua.core.queue import QueueEngine, QueueError
from motcua.core.storage import Database
from motcua.core.storage.attempts import StoredWindow


def test_books_on_separate_pools_share_the_limit(pg_db, pg_url, make_config, clock) -> None:
    config = make_config(appointments={"bookings_per_address_per_hour": 2})
    dbs = [pg_db, Database(pg_url)]
    try:
        books = [AppointmentBook(QueueEngine(config, db, clock=clock), salt="s") for db in dbs]
        for i, book in enumerate(books):
            book.book("ho-tich", "2026-11-26", "09:00", name="Công dân", phone=f"090000000{i}",
                      who="10.0.0.7")
        for book in books:
            try:
                book.book("ho-tich", "2026-11-26", "09:30", name="Công dân", phone="0900000009",
                          who="10.0.0.7")
            except QueueError as exc:
                assert exc.code == "too_many_bookings" and exc.details["retry_after_s"] == 3600
            else:
                raise AssertionError("a third booking from one address passed the limit")
    finally:
        dbs[1].dispose()


def test_concurrent_attempts_of_one_key_never_pass_the_limit(pg_db) -> None:
    at = datetime(2026, 11, 25, 2, 0)
    window = StoredWindow(pg_db, "test", 3, 3600.0, lambda: at)
    start = threading.Barrier(12)

    def attempt(_: int) -> int:
        start.wait()
        return window.attempt("10.0.0.7")

    with ThreadPoolExecutor(12) as pool:
        answers = sorted(pool.map(attempt, range(12)))
    assert answers == [0, 0, 0] + [3600] * 9
