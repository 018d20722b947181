"""What any anonymous client on the hall Wi-Fi can send ends in a 4xx with a JSON error, never a
500: integers past the database's range, JSON nested thousands deep, undeclared methods."""

from __future__ import annotations

import socket

import pytest

from tests.conftest import KIOSK_TOKEN

BIG = "9223372036854775808"  # 2**63: one past SQLite's and PostgreSQL's bigint
DEEP = "[" * 2000 + "]" * 2000


@pytest.mark.parametrize("path", [f"/tickets/{BIG}", "/tickets/99999999999999999999999",
                                  "/announcements/99999999999999999999.wav"])
def test_integers_past_the_databases_range_are_not_found(api, path: str) -> None:
    r = api.get(path)
    assert r.status_code == 404 and r.json()["error"]["code"] == "not_found", r.text


@pytest.mark.parametrize("last_id", ["9" * 30, BIG, "²", "-1", "12abc"])
def test_any_last_event_id_gets_a_snapshot(live_server, last_id: str) -> None:
    s = socket.create_connection(("127.0.0.1", live_server.port), timeout=10)
    s.sendall(f"GET /api/v1/events HTTP/1.1\r\nHost: x\r\nLast-Event-ID: {last_id}\r\n\r\n"
              .encode())
    head = b""
    while b"event: snapshot" not in head and len(head) < 100_000:
        chunk = s.recv(65536)
        assert chunk, head
        head += chunk
    s.close()
    assert head.startswith(b"HTTP/1.1 200"), head[:200]


@pytest.mark.parametrize(("path", "token"), [("/auth/login", None), ("/tickets", KIOSK_TOKEN),
                                              ("/ratings", "demo-rating-1-token-not-secret")])
def test_deeply_nested_json_is_a_bad_request(api, path: str, token: str | None) -> None:
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    r = api.http.post(api.server.api(path), data=DEEP, headers=headers, timeout=10)
    assert r.status_code == 400 and r.json()["error"]["code"] == "bad_json", r.text


def test_an_undeclared_method_says_which_are_allowed(api) -> None:
    r = api.http.request("TRACE", api.server.api("/auth/login"), timeout=10)
    assert r.status_code == 405 and set(r.headers["Allow"].split(", ")) == {"POST", "OPTIONS"}
    assert r.json()["error"]["code"] == "method_not_allowed"


def test_a_heartbeat_without_a_body_is_refused(api) -> None:
    r = api.http.post(api.server.api("/devices/heartbeat"), timeout=10,
                      headers={"Authorization": f"Bearer {KIOSK_TOKEN}"})
    assert r.status_code == 400 and r.json()["error"]["code"] == "missing_body", r.text
    assert api.post("/devices/heartbeat", as_="kiosk", json={}).status_code == 200


def test_a_press_time_must_be_text_not_seconds_since_1970(api) -> None:
    r = api.post("/ratings", as_="rating1", json={
        "rating_id": "e3e70682-c209-1cac-a29f-6fbed82c07cd", "counter_id": "quay-1",
        "level": "very_satisfied", "pressed_at": 0})
    assert r.status_code == 400 and r.json()["error"]["code"] == "invalid_body", r.text


@pytest.mark.parametrize(("start", "end"), [("9999-12-30", "9999-12-31"), ("0001-01-01", "0001-01-02"),
                                            ("20261101", "20261102"), ("1999-12-31", "2000-01-01")])
def test_report_dates_far_off_are_refused(api, start: str, end: str) -> None:
    for report in ("satisfaction", "waiting", "dissatisfied"):
        r = api.get(f"/reports/{report}", as_="admin", params={"from": start, "to": end})
        assert r.status_code == 400 and r.json()["error"]["code"] == "bad_date", (report, r.text)
