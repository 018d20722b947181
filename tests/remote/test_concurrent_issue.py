"""No number issued twice when the kiosk, phones and appointment check-ins take tickets of one
field at the same moment (threads, each with its own engine and connections, on one SQLite file
and on PostgreSQL); and the remote limits hold under contention: exactly the phone's limit, and
exactly a field's remote cap, however many ask at once."""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable

import pytest
from sqlalchemy import select

from motcua.core.appointments import AppointmentBook
from motcua.core.queue import QueueEngine, QueueError
from motcua.core.remote import RemoteDesk
from motcua.core.storage import Database, upgrade
from motcua.core.storage import tables as t
from tests.appointments.test_arrivals import _demo_fields
from tests.storage._workers import consistency_problems, shared_clock

EACH = 12  # per channel


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request, config):
    url = config.database_url if request.param == "sqlite" else request.getfixturevalue("pg_url")
    db = Database(url)
    upgrade(db)
    yield db
    db.dispose()


@pytest.fixture
def cfg(make_config):
    fields = [{**f, "appointments": {"slot_minutes": 30, "capacity": 50, "days_ahead": 3}}
              if f["id"] == "ho-tich" else f for f in _demo_fields(make_config)]
    return make_config(fields=fields, remote={"enabled": True, "per_phone_per_day": 2,
                                              "per_address_per_day": 1000,
                                              "daily_cap_per_field": 0})


def at_once(jobs: list[Callable[[], str]]) -> Counter:
    """Run ``jobs`` in threads released together; how many answered what."""
    barrier = threading.Barrier(len(jobs))
    answers: list[str] = []
    lock = threading.Lock()

    def run(job) -> None:
        barrier.wait()
        try:
            answer = job()
        except QueueError as exc:
            answer = exc.code
        with lock:
            answers.append(answer)

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for th in threads:
        th.start()
    for th in threads:
        th.join(60)
    assert len(answers) == len(jobs), "a thread hung"
    return Counter(answers)


def test_kiosk_phones_and_check_ins_never_share_a_number(cfg, database) -> None:
    clock = shared_clock(time.time())  # 09:00 on a Wednesday: check-in for 09:30 is open
    codes = [AppointmentBook(QueueEngine(cfg, database, clock=clock)).book(
        "ho-tich", "2026-11-25", "09:30", name="Công dân", phone=f"09100000{i:02d}")
        .appointment.code for i in range(EACH)]

    def engine() -> QueueEngine:
        return QueueEngine(cfg, database, clock=clock)

    def kiosk():
        e = engine()
        return lambda: e.issue("ho-tich", device_id="kiosk-1")[0].channel

    def phone(i: int):
        desk = RemoteDesk(engine(), salt="s")
        return lambda: desk.issue("ho-tich", phone=f"p{i}", address="192.0.2.1")[0].channel

    def check_in(code: str):
        book = AppointmentBook(engine())
        return lambda: book.check_in(code, who=f"officer:{code}")[0].channel

    jobs = ([kiosk() for _ in range(EACH)] + [phone(i) for i in range(EACH)]
            + [check_in(c) for c in codes])
    assert at_once(jobs) == {"kiosk": EACH, "remote": EACH, "appointment": EACH}
    with database.read() as conn:
        numbers = conn.execute(select(t.tickets.c.number)).scalars().all()
    assert sorted(numbers) == [str(1001 + i) for i in range(3 * EACH)]
    assert consistency_problems(database, cfg) == []


def test_a_phones_limit_holds_when_it_asks_many_times_at_once(cfg, database) -> None:
    clock = shared_clock(time.time())
    desks = [RemoteDesk(QueueEngine(cfg, database, clock=clock), salt="s") for _ in range(20)]
    jobs = [lambda d=d, i=i: d.issue(("ho-tich", "dat-dai")[i % 2], phone="same",
                                     address="192.0.2.9").__class__.__name__
            for i, d in enumerate(desks)]
    assert at_once(jobs) == {"tuple": 2, "remote_phone_limit": 18}


def test_a_fields_remote_cap_holds_under_contention(make_config, database) -> None:
    cfg = make_config(remote={"enabled": True, "per_address_per_day": 1000,
                              "daily_cap_per_field": 5})
    clock = shared_clock(time.time())
    desks = [RemoteDesk(QueueEngine(cfg, database, clock=clock), salt="s") for _ in range(20)]
    jobs = [lambda d=d, i=i: d.issue("dat-dai", phone=f"p{i}", address="192.0.2.9")[0].channel
            for i, d in enumerate(desks)]
    assert at_once(jobs) == {"remote": 5, "remote_cap": 15}
    with database.read() as conn:
        assert conn.execute(select(t.tickets.c.number).order_by(t.tickets.c.number)
                            ).scalars().all() == ["3001", "3002", "3003", "3004", "3005"]
