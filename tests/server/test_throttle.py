"""LoginThrottle: a stranger's wrong passwords never lock the right person out elsewhere, and one
address cannot try many accounts quickly. Failures are kept in the database: every server
process counts the same ones, and a restart keeps them."""

from __future__ import annotations

import http.client
import json
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from display_server.login_throttle import LoginThrottle
from motcua.core.storage import Database, upgrade
from motcua.core.storage import tables as t


class Clock:
    def __init__(self) -> None:
        self.t = datetime(2026, 11, 25, 2, 0)

    def __call__(self) -> datetime:
        return self.t

    def advance(self, seconds: float) -> None:
        self.t += timedelta(seconds=seconds)


@pytest.fixture
def db(tmp_path):
    db = Database(f"sqlite:///{tmp_path / 'throttle.db'}")
    upgrade(db)
    yield db
    db.dispose()


def test_a_strangers_failures_lock_only_that_address_and_account(db) -> None:
    clock = Clock()
    th = LoginThrottle(db, clock, salt="s")
    for _ in range(5):
        assert th.retry_after("10.0.0.66", "admin") == 0
        th.failed("10.0.0.66", "admin")
        clock.advance(1)
    assert th.retry_after("10.0.0.66", "Admin") == 595  # that pair waits the window out
    assert th.retry_after("10.0.0.5", "admin") == 0  # the real admin, at their own machine
    assert th.retry_after("10.0.0.66", "canbo1") == 0  # not past the address's free tries
    other = LoginThrottle(db, clock, salt="s")  # another process, or this one restarted
    assert other.retry_after("10.0.0.66", "admin") == 595
    clock.advance(595)
    assert th.retry_after("10.0.0.66", "admin") == 0


def test_one_address_trying_many_accounts_backs_off_doubling(db) -> None:
    clock = Clock()
    th = LoginThrottle(db, clock, address_free=10, max_backoff_s=900)
    waits = []
    for i in range(20):
        clock.advance(0.1)
        th.failed("10.0.0.66", f"user{i}")
        waits.append(th.retry_after("10.0.0.66", f"other{i}"))
    assert waits[:10] == [0] * 10
    assert waits[10:14] == [1, 2, 4, 8]  # after the 11th failure: 1 s, then twice as long each time
    assert max(waits) <= 900
    assert th.retry_after("10.0.0.7", "user1") == 0  # other machines are untouched
    clock.advance(600)
    assert th.retry_after("10.0.0.66", "x") == 0


def test_success_forgets_the_pair_and_old_failures_are_deleted(db) -> None:
    clock = Clock()
    th = LoginThrottle(db, clock, address_free=10**6)
    for _ in range(4):
        th.failed("10.0.0.5", "an")
    th.succeeded("10.0.0.5", "an")
    th.failed("10.0.0.5", "an")
    assert th.retry_after("10.0.0.5", "an") == 0  # 1 failure since the success, not 5
    for i in range(300):
        th.failed(f"10.1.{i // 250}.{i % 250}", f"guess{i}")
    clock.advance(601)
    th.failed("10.0.0.9", "x")
    with db.read() as conn:  # the expired guesses are gone; no address or name is kept
        keys = conn.execute(select(t.attempts.c.key)).scalars().all()
        assert conn.execute(select(func.count()).select_from(t.attempts)).scalar() == 2
    assert sorted(k.split(":")[0] for k in keys) == ["loginaddress", "loginpair"]
    assert not any("10.0.0.9" in k or "x" in k.split(":")[0] for k in keys)


def _login(port: int, source: str, username: str, password: str) -> tuple[int, dict, dict]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10, source_address=(source, 0))
    conn.request("POST", "/api/v1/auth/login", json.dumps({"username": username,
                                                           "password": password}),
                 {"Content-Type": "application/json"})
    r = conn.getresponse()
    body = json.loads(r.read())
    conn.close()
    return r.status, body, dict(r.getheaders())


def test_the_real_admin_logs_in_while_a_stranger_is_locked_out_even_after_a_restart(
        live_server) -> None:
    port = live_server.port
    for _ in range(5):
        assert _login(port, "127.0.0.66", "admin", "doan-bua-1")[0] == 401
    status, body, headers = _login(port, "127.0.0.66", "admin", "matkhau-123")
    assert status == 429 and body["error"]["code"] == "too_many_attempts"
    assert int(headers["Retry-After"]) > 500 and "phút" in body["error"]["message"]
    status, body, _ = _login(port, "127.0.0.1", "admin", "matkhau-123")  # the admin's own PC
    assert status == 200 and body["token"]
    live_server.stop()  # a restart does not give the stranger five new tries
    live_server.start()
    assert _login(port, "127.0.0.66", "admin", "matkhau-123")[0] == 429
    assert _login(port, "127.0.0.1", "admin", "matkhau-123")[0] == 200
