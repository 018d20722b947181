"""LoginThrottle: a stranger's wrong passwords never lock the right person out elsewhere, and one
address cannot try many accounts quickly."""

from __future__ import annotations

import http.client
import json

from display_server.login_throttle import LoginThrottle


class Clock:
    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t


def test_a_strangers_failures_lock_only_that_address_and_account() -> None:
    clock = Clock()
    th = LoginThrottle(clock=clock)
    for _ in range(5):
        assert th.retry_after("10.0.0.66", "admin") == 0
        th.failed("10.0.0.66", "admin")
    assert 595 <= th.retry_after("10.0.0.66", "Admin") <= 601  # that pair waits the window out
    assert th.retry_after("10.0.0.5", "admin") == 0  # the real admin, at their own machine
    assert th.retry_after("10.0.0.66", "canbo1") == 0  # not past the address's free tries
    clock.t += 601
    assert th.retry_after("10.0.0.66", "admin") == 0


def test_one_address_trying_many_accounts_backs_off_doubling() -> None:
    clock = Clock()
    th = LoginThrottle(clock=clock, address_free=10, max_backoff_s=900)
    waits = []
    for i in range(20):
        clock.t += 0.1
        th.failed("10.0.0.66", f"user{i}")
        waits.append(th.retry_after("10.0.0.66", f"other{i}"))
    assert waits[:9] == [0] * 9
    assert waits[10:14] == [1, 2, 4, 8]  # after the 11th failure: 1 s, then twice as long each time
    assert max(waits) <= 901
    assert th.retry_after("10.0.0.7", "user1") == 0  # other machines are untouched
    clock.t += 901
    assert th.retry_after("10.0.0.66", "x") == 0


def test_success_forgets_the_pair_and_names_are_pruned() -> None:
    clock = Clock()
    th = LoginThrottle(clock=clock, address_free=10**6)
    for _ in range(4):
        th.failed("10.0.0.5", "an")
    th.succeeded("10.0.0.5", "an")
    th.failed("10.0.0.5", "an")
    assert th.retry_after("10.0.0.5", "an") == 0  # 1 failure since the success, not 5
    for i in range(5000):
        th.failed(f"10.1.{i // 250}.{i % 250}", f"guess{i}")
    clock.t += 601
    th.failed("10.0.0.9", "x")
    assert len(th._failures) <= 4 + 2  # expired guesses were dropped


def _login(port: int, source: str, username: str, password: str) -> tuple[int, dict, dict]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10, source_address=(source, 0))
    conn.request("POST", "/api/v1/auth/login", json.dumps({"username": username,
                                                           "password": password}),
                 {"Content-Type": "application/json"})
    r = conn.getresponse()
    body = json.loads(r.read())
    conn.close()
    return r.status, body, dict(r.getheaders())


def test_the_real_admin_logs_in_while_a_stranger_is_locked_out(live_server) -> None:
    port = live_server.port
    for _ in range(5):
        assert _login(port, "127.0.0.66", "admin", "doan-bua-1")[0] == 401
    status, body, headers = _login(port, "127.0.0.66", "admin", "matkhau-123")
    assert status == 429 and body["error"]["code"] == "too_many_attempts"
    assert int(headers["Retry-After"]) > 500 and "phút" in body["error"]["message"]
    status, body, _ = _login(port, "127.0.0.1", "admin", "matkhau-123")  # the admin's own PC
    assert status == 200 and body["token"]
