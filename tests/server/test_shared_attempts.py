"""Failed logins and wrong appointment codes are counted in the database: server processes
(here: two apps on one SQLite file; PostgreSQL in tests/pg/test_pg_attempts.py) count the same
ones, and a restart keeps them."""

from __future__ import annotations

from display_server.app import create_app

KIOSK = {"Authorization": "Bearer demo-kiosk-1-token-not-secret"}


def _login(client, password: str, address: str = "10.0.0.66"):
    return client.post("/api/v1/auth/login", environ_base={"REMOTE_ADDR": address},
                       json={"username": "admin", "password": password})


def _check_in(client, code: str = "000000"):
    return client.post("/api/v1/appointments/check-in", headers=KIOSK, json={"code": code})


def test_failed_logins_add_up_across_processes_and_a_restart(make_config, clock) -> None:
    config = make_config()
    apps = [create_app(config, clock=clock) for _ in range(2)]
    try:
        apps[0].extensions["motcua"].accounts.add("admin", "matkhau-123", role="admin")
        clients = [app.test_client() for app in apps]
        assert [_login(clients[i % 2], "doan-bua").status_code for i in range(5)] == [401] * 5
        for client in clients:  # the fifth failure was the limit's, whichever app took it
            r = _login(client, "matkhau-123")
            assert r.status_code == 429 and r.json["error"]["code"] == "too_many_attempts"
            assert r.headers["Retry-After"] == "600"
        apps.append(create_app(config, clock=clock))  # a restart remembers
        assert _login(apps[-1].test_client(), "matkhau-123").status_code == 429
        assert _login(clients[1], "matkhau-123", "10.0.0.5").status_code == 200  # the admin's PC
        clock.advance(minutes=10)
        assert _login(clients[0], "matkhau-123").status_code == 200
    finally:
        for app in apps:
            app.extensions["motcua"].close()


def test_wrong_codes_add_up_across_processes_and_a_restart(make_config, clock) -> None:
    config = make_config()
    apps = [create_app(config, clock=clock) for _ in range(2)]
    try:
        clients = [app.test_client() for app in apps]
        lefts = [_check_in(clients[i % 2]).json["error"]["attempts_left"] for i in range(2)]
        assert lefts == [2, 1]
        assert _check_in(clients[0]).status_code == 429  # the third, in a row
        apps.append(create_app(config, clock=clock))
        for client in [*clients, apps[-1].test_client()]:
            r = _check_in(client)
            assert r.status_code == 429 and r.json["error"]["code"] == "too_many_codes"
            assert r.headers["Retry-After"] == "300"
        clock.advance(minutes=5)
        assert _check_in(clients[1]).json["error"]["attempts_left"] == 2
    finally:
        for app in apps:
            app.extensions["motcua"].close()
