"""The remote-ticket API through HTTP (public): a ticket of the kiosk's series to a phone, its
cookie set on the first answer; the limits per phone and per address a day (429 with
Retry-After), per field (409) and to the centre's networks (403), in the error shape with
Vietnamese messages; answers that match the OpenAPI document."""

from __future__ import annotations

import pytest

from tests.clients import Browser
from tests.server.test_openapi import _validator


@pytest.fixture(autouse=True)
def on_a_wednesday_morning(app_server, clock) -> None:
    app_server.app.extensions["motcua"].engine.clock = clock  # 2026-11-25 09:00 in Viet Nam


def take(phone: Browser, field: str = "ho-tich", **extra):
    return phone.post("/api/v1/remote-tickets", json={"service_id": field, **extra})


def check(doc: dict, name: str, body: dict) -> None:
    errors = list(_validator(doc, name).iter_errors(body))
    assert not errors, f"{name}: {errors[0].message}"


def test_a_phone_takes_a_ticket_of_the_kiosk_series(app_server, api) -> None:
    doc = api.get("/openapi.json").json()
    assert api.issue("ho-tich")["number"] == "1001"
    phone = Browser(app_server.url)
    r = take(phone, request_id="a1")
    assert r.status_code == 201, r.text
    t = r.json()
    check(doc, "Ticket", t)
    assert (t["number"], t["channel"], t["waiting_before"]) == ("1002", "remote", 1)
    assert t["track_url"].startswith("http://127.0.0.1:") and "/t/" in t["track_url"]
    cookie = r.headers["Set-Cookie"]
    assert cookie.startswith("motcua_phone=") and "HttpOnly" in cookie and "Max-Age=" in cookie
    again = take(phone, request_id="a1")
    assert again.status_code == 200 and again.json()["id"] == t["id"]
    assert "Set-Cookie" not in again.headers  # the phone keeps its id
    assert api.issue("ho-tich")["number"] == "1003"
    assert api.get(f"/track/{t['track_url'].rsplit('/', 1)[1]}").json()["channel"] == "remote"


def test_a_phone_is_limited_per_day_with_retry_after(app_server, api) -> None:
    doc = api.get("/openapi.json").json()
    phone = Browser(app_server.url)
    assert [take(phone).status_code, take(phone, "dat-dai").status_code] == [201, 201]
    r = take(phone)
    assert r.status_code == 429 and r.headers["Retry-After"] == str(15 * 3600)
    check(doc, "Error", r.json())
    err = r.json()["error"]
    assert err["code"] == "remote_phone_limit" and err["limit"] == 2
    assert err["message"].startswith("Điện thoại này đã lấy đủ 2 số trong hôm nay.")
    # a forged cookie is no phone id: a new one is given, and the address still counts
    phone.s.cookies.set("motcua_phone", "forged.value", domain="127.0.0.1")
    r = take(phone)
    assert r.status_code == 201 and "motcua_phone=" in r.headers["Set-Cookie"]


def test_clearing_cookies_within_the_day_meets_the_address_limit(start_app) -> None:
    from tests.conftest import DEMO_CONFIG

    server = start_app(DEMO_CONFIG.read_text(encoding="utf-8").replace(
        "per_address_per_day = 20 ", "per_address_per_day = 3  "))
    answers = [take(Browser(server.url)).status_code for _ in range(4)]  # a new cookie each time
    assert answers == [201, 201, 201, 429]
    err = take(Browser(server.url)).json()["error"]
    assert err["code"] == "remote_address_limit" and "Mạng bạn đang dùng" in err["message"]


def test_the_remote_cap_of_a_field_and_the_kiosks_refusals(start_app) -> None:
    from tests.conftest import DEMO_CONFIG

    server = start_app(DEMO_CONFIG.read_text(encoding="utf-8").replace(
        "daily_cap_per_field = 50", "daily_cap_per_field = 1 "))
    assert take(Browser(server.url)).status_code == 201
    r = take(Browser(server.url))
    assert r.status_code == 409 and r.json()["error"]["code"] == "remote_cap"
    assert "Retry-After" not in r.headers
    r = take(Browser(server.url), "khong-co")
    assert r.status_code == 400 and r.json()["error"]["code"] == "unknown_field"
    r = Browser(server.url).post("/api/v1/remote-tickets", json={"service_id": "ho-tich",
                                                                 "priority": True, "x": 1})
    assert r.status_code == 409  # extra keys are ignored (no priority from a phone): the cap
    r = Browser(server.url).post("/api/v1/remote-tickets", json={"request_id": ""})
    assert r.status_code == 400 and r.json()["error"]["code"] == "invalid_body"


@pytest.mark.parametrize(("setting", "code"), [
    ('networks = ["10.0.0.0/8"]', "outside_network"), ("enabled = false", "remote_off")])
def test_outside_the_centres_network_or_off(start_app, setting, code) -> None:
    from tests.conftest import DEMO_CONFIG

    text = DEMO_CONFIG.read_text(encoding="utf-8")
    key = setting.split(" =")[0]
    text = text.replace(next(line for line in text.splitlines()
                             if line.startswith(key + " ") and "=" in line), setting, 1)
    server = start_app(text)
    r = take(Browser(server.url))
    assert r.status_code == 403 and r.json()["error"]["code"] == code
    assert "Wi-Fi" in r.json()["error"]["message"] or "chưa nhận" in r.json()["error"]["message"]
