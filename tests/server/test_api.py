"""API v1 over HTTP, answered by the app in the test's process (tests/servers.py)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
import requests


def test_health_and_services(api) -> None:
    health = api.get("/health").json()
    assert health["status"] == "ok" and health["db"] == "ok" and health["version"]
    services = api.get("/services").json()
    assert [s["id"] for s in services][:2] == ["ho-tich", "chung-thuc"]
    first = services[0]
    assert set(first) >= {"id", "code", "name", "open", "waiting", "estimated_wait_s"}
    assert first["name"] == "Tư pháp - Hộ tịch" and first["open"] is True and first["waiting"] == 0


def test_issue_ticket_and_idempotency(api) -> None:
    r = api.post("/tickets", as_="kiosk", json={"service_id": "ho-tich", "request_id": "k1-0001"})
    assert r.status_code == 201
    t = r.json()
    assert t["number"] == "1001" and t["service_id"] == "ho-tich" and t["state"] == "waiting"
    assert t["waiting_before"] == 0 and t["priority"] is False
    assert t["track_url"].startswith(api.server.url + "/t/")
    assert datetime.fromisoformat(t["issued_at"]).utcoffset() == timedelta(hours=7)
    again = api.post("/tickets", as_="kiosk", json={"service_id": "ho-tich", "request_id": "k1-0001"})
    assert again.status_code == 200 and again.json()["id"] == t["id"]
    second = api.issue("ho-tich", priority=True)
    assert second["number"] == "1002" and second["priority"] is True
    public = api.get(f"/tickets/{t['id']}").json()
    assert public["number"] == "1001" and public["position"] == 2  # the priority ticket goes first
    assert "track_url" not in public  # the tracking link goes only to the ticket's holder


def test_ticket_lifecycle_over_http(api) -> None:
    t = api.issue("ho-tich")
    assert api.act("quay-1", "call-next").json()["ticket"]["number"] == t["number"]
    assert api.get(f"/tickets/{t['id']}").json()["state"] == "called"
    r = api.act("quay-1", "recall")
    assert r.status_code == 200 and r.json()["ticket"]["call_count"] == 2
    r = api.act("quay-1", "finish")
    assert r.json()["ticket"]["state"] == "done"
    assert api.act("quay-1", "call-next").json() == {"ticket": None}
    view = api.get("/counters/quay-1", as_="an").json()
    assert view["today"] == {"done": 1} and view["ticket"] is None


def test_skip_and_call_missed(api) -> None:
    t = api.issue("ho-tich")
    api.act("quay-1", "call-next")
    r = api.act("quay-1", "skip")
    assert r.status_code == 409 and r.json()["error"]["code"] == "too_early"
    api.act("quay-1", "recall")
    assert api.act("quay-1", "skip").json()["ticket"]["state"] == "skipped"
    view = api.get("/counters/quay-1", as_="an").json()
    assert [m["number"] for m in view["missed"]] == [t["number"]]
    r = api.act("quay-1", "call-missed", ticket_id=t["id"])
    assert r.json()["ticket"]["state"] == "called"


def test_transfer(api) -> None:
    api.issue("ho-tich")
    api.act("quay-1", "call-next")
    r = api.act("quay-1", "transfer", service_id="dat-dai")
    assert r.status_code == 200
    moved = r.json()["ticket"]
    assert moved["state"] == "transferred" and moved["service_id"] == "dat-dai"
    assert api.act("quay-3", "call-next", as_="admin").json()["ticket"]["number"] == "1001"
    r = api.act("quay-3", "transfer", as_="admin", counter_id="quay-2")
    assert r.json()["ticket"]["state"] == "transferred"
    assert api.act("quay-2", "call-next").json()["ticket"]["number"] == "1001"
    r = api.act("quay-2", "transfer")
    assert r.status_code == 409 and r.json()["error"]["code"] == "bad_transfer"


def test_pause_resume(api) -> None:
    r = api.act("quay-1", "pause", reason="Đi họp")
    assert r.status_code == 200
    snap = api.get("/display").json()
    q1 = next(c for c in snap["counters"] if c["id"] == "quay-1")
    assert q1["paused"] is True and q1["pause_reason"] == "Đi họp"
    assert api.act("quay-1", "resume").status_code == 200
    snap = api.get("/display").json()
    assert next(c for c in snap["counters"] if c["id"] == "quay-1")["paused"] is False



KIOSK_AUTH = {"Authorization": "Bearer demo-kiosk-1-token-not-secret"}


def test_hall_full_over_http(start_app, demo_config_text) -> None:
    server = start_app(demo_config_text.replace("max_waiting = 0", "max_waiting = 1"))
    ok = requests.post(server.api("/tickets"), json={"service_id": "ho-tich"}, headers=KIOSK_AUTH,
                       timeout=5)
    assert ok.status_code == 201
    full = requests.post(server.api("/tickets"), json={"service_id": "dat-dai"}, headers=KIOSK_AUTH,
                         timeout=5)
    assert full.status_code == 409
    err = full.json()["error"]
    assert err["code"] == "hall_full" and "chờ" in err["message"]


def test_closed_field_over_http(start_app, demo_config_text) -> None:
    text = demo_config_text
    for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun"):
        text = text.replace(f'{day} = "00:00-24:00"', f"{day} = []")
    server = start_app(text)
    r = requests.post(server.api("/tickets"), json={"service_id": "ho-tich"}, headers=KIOSK_AUTH,
                      timeout=5)
    assert r.status_code == 409 and r.json()["error"]["code"] == "closed"
    assert all(not s["open"] for s in requests.get(server.api("/services"), timeout=5).json())


def test_ratings_counted_once(api) -> None:
    t = api.issue("ho-tich")
    api.act("quay-1", "call-next")
    key = str(uuid.uuid4())
    r = api.rate("quay-1", "very_satisfied", rating_id=key)
    assert r.status_code == 201
    body = r.json()
    assert body["ticket_id"] == t["id"] and body["created"] is True
    again = api.rate("quay-1", "very_satisfied", rating_id=key)
    assert again.status_code == 200 and again.json()["id"] == body["id"]
    assert again.json()["created"] is False


def test_rating_station_only_for_its_counters(api) -> None:
    r = api.rate("quay-3", "satisfied", as_="rating1")
    assert r.status_code == 403 and r.json()["error"]["code"] == "counter_not_allowed"
    assert api.rate("quay-3", "satisfied", as_="rating2").status_code == 201


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"counter_id": "quay-1", "level": "satisfied", "pressed_at": "2026-11-25T09:00:00+07:00"},
         "rating_id"),
        ({"rating_id": "not-a-uuid", "counter_id": "quay-1", "level": "satisfied",
          "pressed_at": "2026-11-25T09:00:00+07:00"}, "rating_id"),
        ({"rating_id": str(uuid.uuid4()), "counter_id": "quay-1", "level": "satisfied",
          "pressed_at": "2026-11-25T09:00:00"}, "pressed_at"),
        ({"rating_id": str(uuid.uuid4()), "counter_id": "quay-1", "level": "satisfied",
          "pressed_at": (datetime.now(UTC) + timedelta(days=1)).isoformat()}, "pressed_at"),
    ],
)
def test_bad_rating_bodies(api, body, field) -> None:
    r = api.post("/ratings", as_="rating1", json=body)
    assert r.status_code == 400
    err = r.json()["error"]
    assert err["code"] == "invalid_body" and field in err["message"]


def test_unknown_rating_level(api) -> None:
    r = api.rate("quay-1", "great")
    assert r.status_code == 400 and r.json()["error"]["code"] == "unknown_level"


@pytest.mark.parametrize(
    ("data", "headers", "code"),
    [
        ("not json", {"Content-Type": "application/json"}, "bad_json"),
        ("[1, 2]", {"Content-Type": "application/json"}, "bad_json"),
        ('{"service_id": 5}', {"Content-Type": "application/json"}, "invalid_body"),
        ('{"service_id": "ho-tich", "priority": "yes"}', {"Content-Type": "application/json"},
         "invalid_body"),
        ('{}', {"Content-Type": "application/json"}, "invalid_body"),
        ('{"service_id": "khong-co"}', {"Content-Type": "application/json"}, "unknown_field"),
    ],
)
def test_bad_ticket_bodies(api, data, headers, code) -> None:
    r = api.http.post(api.server.api("/tickets"), data=data,
                      headers={**headers, "Authorization": "Bearer demo-kiosk-1-token-not-secret"},
                      timeout=5)
    assert r.status_code == 400, r.text
    err = r.json()["error"]
    assert err["code"] == code and err["message"]


def test_auth_failures(api) -> None:
    # no credentials
    assert api.post("/tickets", json={"service_id": "ho-tich"}).status_code == 401
    # a wrong token
    r = api.http.post(api.server.api("/tickets"), json={"service_id": "ho-tich"},
                      headers={"Authorization": "Bearer nope"}, timeout=5)
    assert r.status_code == 401 and r.json()["error"]["code"] == "unauthorized"
    # a rating station cannot issue tickets; a kiosk cannot call numbers or rate
    assert api.post("/tickets", as_="rating1", json={"service_id": "ho-tich"}).status_code == 403
    r = api.act("quay-1", "call-next", as_="kiosk")  # known, but not an officer: 403, not 401
    assert r.status_code == 403 and r.json()["error"]["code"] == "officers_only"
    assert api.rate("quay-1", "satisfied", as_="kiosk").status_code == 403
    # an officer acts only on the counters given to them
    r = api.act("quay-3", "call-next", as_="an")
    assert r.status_code == 403 and r.json()["error"]["code"] == "counter_not_allowed"
    assert api.act("quay-9", "call-next", as_="an").status_code == 404
    # nobody learns which counters exist without logging in
    for counter in ("quay-1", "quay-9"):
        r = api.http.post(api.server.api(f"/counters/{counter}/call-next"), timeout=5)
        assert r.status_code == 401, counter
    # public endpoints are read-only
    assert api.http.post(api.server.api("/display"), timeout=5).status_code == 405
    assert api.http.delete(api.server.api("/services"), timeout=5).status_code == 405


def test_login_failures_and_throttle(api) -> None:
    url = api.server.api("/auth/login")
    r = api.http.post(url, json={"username": "an", "password": "sai-mat-khau"}, timeout=5)
    assert r.status_code == 401 and r.json()["error"]["code"] == "bad_credentials"
    for _ in range(4):
        api.http.post(url, json={"username": "an", "password": "sai-mat-khau"}, timeout=5)
    r = api.http.post(url, json={"username": "an", "password": "matkhau-123"}, timeout=5)
    assert r.status_code == 429 and r.json()["error"]["code"] == "too_many_attempts"
    assert "phút" in r.json()["error"]["message"]


def test_password_change_ends_old_tokens(api) -> None:
    assert api.get("/auth/me", as_="an").status_code == 200
    r = api.server.motcua("officer", "passwd", "an", "--password-stdin", stdin="mat-khau-moi-1\n")
    assert r.returncode == 0
    assert api.get("/auth/me", as_="an").status_code == 401


def test_unknown_routes_are_json_404(api) -> None:
    r = api.get("/nothing-here")
    assert r.status_code == 404 and r.json()["error"]["code"] == "not_found"
    r = api.get("/tickets/99999")
    assert r.status_code == 404 and r.json()["error"]["code"] == "unknown_ticket"


def test_heartbeat(api) -> None:
    r = api.post("/devices/heartbeat", as_="kiosk", json={"printer_status": "paper_low"})
    assert r.status_code == 200 and r.json()["server_time"]
    assert api.post("/devices/heartbeat", as_="an", json={}).status_code == 403
    from motcua.core.storage import Database

    db = Database(f"sqlite:///{api.server.data_dir / 'motcua.db'}")
    with db.read() as conn:
        row = conn.exec_driver_sql("SELECT kind, address, info FROM device_status "
                                   "WHERE device_id = 'kiosk-1'").one()
    assert row[0] == "kiosk" and row[1] == "127.0.0.1" and '"paper_low"' in row[2]


def test_display_snapshot_is_public_and_reveals_no_tokens(api) -> None:
    t = api.issue("ho-tich")
    api.act("quay-1", "call-next")
    snap = api.get("/display").json()
    text = str(snap)
    assert t["track_url"].rsplit("/", 1)[1] not in text
    q1 = next(c for c in snap["counters"] if c["id"] == "quay-1")
    assert q1["ticket"]["number"] == "1001" and q1["open"] is True
    assert snap["recent_calls"][0]["number"] == "1001"
    assert snap["recent_calls"][0]["counter_number"] == 1
    assert snap["centre"]["name"].startswith("Bộ phận Một cửa")


def test_announcement_audio(api) -> None:
    api.issue("ho-tich")
    api.act("quay-1", "call-next")
    snap = api.get("/display").json()
    r = api.get(f"/announcements/{snap['last_event_id']}.wav")
    assert r.status_code == 200 and r.headers["Content-Type"] == "audio/wav"
    assert r.content[:4] == b"RIFF" and len(r.content) > 20000
    assert api.get("/announcements/1.wav").status_code == 404  # ticket.issued is not a call


def test_dossier_code(api) -> None:
    api.issue("ho-tich")
    api.act("quay-1", "call-next")
    r = api.act("quay-1", "dossier", dossier_code="000.00.12.H01-261125-0001")
    assert r.status_code == 200
    assert r.json()["ticket"]["dossier_code"] == "000.00.12.H01-261125-0001"
    r = api.act("quay-2", "dossier", dossier_code="x")
    assert r.status_code == 409 and r.json()["error"]["code"] == "no_current_ticket"
