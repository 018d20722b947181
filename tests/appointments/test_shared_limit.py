"""The public booking limit per client address is kept in the database: server processes share
it (two apps on one SQLite file here; PostgreSQL in tests/pg/test_pg_attempts.py), a restart
keeps it, and old attempts are deleted."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from display_server.app import create_app
from motcua.core.storage import Database, upgrade
from motcua.core.storage import tables as t
from motcua.core.storage.attempts import StoredWindow


def _book(client, slot: str, phone: str, address: str = "10.0.0.7"):
    return client.post("/api/v1/appointments", environ_base={"REMOTE_ADDR": address}, json={
        "service_id": "ho-tich", "day": "2026-11-26", "slot": slot, "name": "Công dân",
        "phone": phone})


def test_two_apps_on_one_database_share_the_limit(make_config, clock) -> None:
    config = make_config(appointments={"bookings_per_address_per_hour": 3})
    apps = [create_app(config, clock=clock) for _ in range(2)]
    try:
        clients = [app.test_client() for app in apps]
        codes = [_book(clients[i % 2], "09:00", f"090000000{i}").status_code for i in range(3)]
        assert codes == [201, 201, 201]
        for client in clients:  # the third booking was the limit's, whichever app took it
            r = _book(client, "09:30", "0900000009")
            assert r.status_code == 429 and r.headers["Retry-After"] == "3600"
            assert r.json["error"]["code"] == "too_many_bookings"
            assert r.json["error"]["message"] == ("Đã đặt quá nhiều lịch hẹn từ thiết bị này. "
                                                  "Xin thử lại sau 60 phút.")
        assert _book(clients[1], "09:30", "0900000008", "10.0.0.8").status_code == 201
        restarted = create_app(config, clock=clock)  # a restart remembers
        apps.append(restarted)
        assert _book(restarted.test_client(), "09:30", "0900000009").status_code == 429
        clock.advance(minutes=59, seconds=59)
        r = _book(clients[0], "09:30", "0900000009")
        assert r.status_code == 429 and r.headers["Retry-After"] == "1"
        clock.advance(seconds=1)
        assert _book(clients[0], "09:30", "0900000009").status_code == 201
    finally:
        for app in apps:
            app.extensions["motcua"].close()


def test_the_window_slides_and_old_attempts_are_deleted(tmp_path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'a.db'}")
    upgrade(db)
    now = [datetime(2026, 11, 25, 2, 0)]
    window = StoredWindow(db, "test", 2, 600.0, lambda: now[0], salt="s")
    longer = StoredWindow(db, "long", 2, 3600.0, lambda: now[0], salt="s")
    try:
        assert [window.attempt("a"), window.attempt("a"), window.attempt("b")] == [0, 0, 0]
        assert longer.attempt("a") == 0  # another limit, its own count
        assert window.attempt("a") == 600
        now[0] += timedelta(seconds=599)
        assert window.attempt("a") == 1
        now[0] += timedelta(seconds=1)
        assert window.attempt("a") == 0 and window.attempt("a") == 0
        with db.read() as conn:  # the three first attempts are gone; keys are hashes
            keys = conn.execute(select(t.attempts.c.key).order_by(t.attempts.c.id)).scalars().all()
        assert [k.split(":")[0] for k in keys] == ["long", "test", "test"]
        assert len(set(keys)) == 2 and all(len(k.split(":")[1]) == 32 for k in keys)
        assert longer.attempt("a") == 0 and longer.attempt("a") == 3000  # kept by the pruning
    finally:
        db.dispose()
