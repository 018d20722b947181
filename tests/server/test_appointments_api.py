"""The appointments API through HTTP: slots and booking (public, limited per address), the
holder's view and cancel with the secret, check-in by the kiosk or an officer into the kiosk's
number series, a counter's appointments of the day; roles and Vietnamese refusals."""

from __future__ import annotations

import pytest

from tests.server.test_openapi import _validator

PERSON = {"name": "Phạm Thị Mai", "phone": "0987 654 321"}
TODAY = "2026-11-25"


@pytest.fixture(autouse=True)
def on_a_wednesday_morning(app_server, clock) -> None:
    """The server's queue runs on the test's clock: Wednesday 2026-11-25, 09:00 in Viet Nam."""
    app_server.app.extensions["motcua"].engine.clock = clock


def tomorrow() -> str:
    return "2026-11-26"


def next_slot() -> tuple[str, str]:
    """Today's next half-hour slot of ho-tich: its check-in is open (from 30 minutes before)."""
    return TODAY, "09:30"


def book(api, day: str, slot: str, phone: str = PERSON["phone"], **extra):
    return api.post("/appointments", json={"service_id": "ho-tich", "day": day, "slot": slot,
                                           "name": PERSON["name"], "phone": phone, **extra})


def test_slots_of_the_bookable_fields(api) -> None:
    fields = api.get("/appointments/services").json()
    assert [(f["id"], f["slot_minutes"], f["capacity"]) for f in fields] == [
        ("ho-tich", 30, 3), ("chung-thuc", 15, 2)]
    r = api.get("/appointments/slots", params={"service_id": "ho-tich", "days": "1"})
    days = r.json()["days"]
    assert r.status_code == 200 and [d["day"] for d in days][1] == tomorrow() and len(days) == 2
    assert days[1]["slots"][18] == {"start": "09:00", "end": "09:30", "capacity": 3, "free": 3}
    for bad in ("null", "-1", "91", "1.5", ""):  # the document's integer from 0 to 90, or none
        r = api.get("/appointments/slots", params={"service_id": "ho-tich", "days": bad})
        assert r.status_code == 400 and r.json()["error"]["code"] == "bad_days", bad
    r = api.get("/appointments/slots", params={"service_id": "dat-dai"})
    assert r.status_code == 400 and r.json()["error"] == {
        "code": "not_bookable", "message": "Lĩnh vực này không nhận đặt lịch hẹn.",
        "service_id": "dat-dai"}


def test_book_look_up_and_cancel_with_the_secret(api) -> None:
    r = book(api, tomorrow(), "09:00", request_id="req-1")
    assert r.status_code == 201, r.text
    body = r.json()
    a, secret = body["appointment"], body["secret"]
    assert (a["service_id"], a["slot"], a["end"], a["state"]) == ("ho-tich", "09:00", "09:30",
                                                                  "booked")
    assert a["phone"] == "098****321" and len(a["code"]) == 6
    again = book(api, tomorrow(), "09:00", request_id="req-1")
    assert again.status_code == 200 and "secret" not in again.json()
    assert api.post("/appointments/lookup", json={"secret": secret}).json()["appointment"]["id"] \
        == a["id"]
    r = api.post("/appointments/cancel", json={"secret": "wrong"})
    assert r.status_code == 404 and r.json()["error"]["message"] == "Không tìm thấy lịch hẹn."
    r = api.post("/appointments/cancel", json={"secret": secret})
    assert r.status_code == 200 and r.json()["appointment"]["state"] == "cancelled"
    slots = api.get("/appointments/slots", params={"service_id": "ho-tich"}).json()["days"][1]
    assert slots["slots"][18]["free"] == 3


def test_refusals_are_vietnamese_with_their_status(api) -> None:
    for i in range(3):
        assert book(api, tomorrow(), "10:00", phone=f"090000000{i}").status_code == 201
    r = book(api, tomorrow(), "10:00", phone="0900000007")
    assert r.status_code == 409 and r.json()["error"]["code"] == "slot_full"
    assert "đã kín chỗ" in r.json()["error"]["message"]
    r = book(api, "2020-01-01", "10:00", phone="0900000008")
    assert (r.status_code, r.json()["error"]["code"]) == (409, "past_day")
    r = book(api, tomorrow(), "10:10", phone="0900000008")
    assert (r.status_code, r.json()["error"]["code"]) == (400, "bad_slot")
    r = book(api, tomorrow(), "10:30", phone="12")
    assert (r.status_code, r.json()["error"]["code"]) == (400, "bad_phone")
    r = api.post("/appointments", json={"service_id": "ho-tich", "day": "mai", "slot": "10:00",
                                        "name": "A", "phone": "1"})
    assert r.status_code == 400 and r.json()["error"]["code"] == "invalid_body"


def test_booking_is_limited_per_address(api) -> None:
    codes = [book(api, tomorrow(), "11:00", phone=f"09100000{i:02d}").status_code
             for i in range(11)]
    assert codes.count(201) == 3 and codes[:10].count(409) == 7  # the slot is full after 3
    assert codes[10] == 429
    r = book(api, tomorrow(), "12:00", phone="0910000099")
    assert r.status_code == 429 and int(r.headers["Retry-After"]) > 0
    assert r.json()["error"]["code"] == "too_many_bookings"


def test_check_in_by_the_kiosk_takes_the_next_number(api) -> None:
    day, slot = next_slot()
    code = book(api, day, slot).json()["appointment"]["code"]
    assert api.issue("ho-tich")["number"] == "1001"
    assert api.post("/appointments/check-in", json={"code": code}).status_code == 401
    r = api.post("/appointments/check-in", as_="rating1", json={"code": code})
    assert r.status_code == 403
    r = api.post("/appointments/check-in", as_="kiosk", json={"code": code})
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["ticket"]["number"] == "1002" and body["ticket"]["track_url"]
    assert body["ticket"]["booked"] is True
    assert body["appointment"]["state"] == "checked_in"
    assert body["appointment"]["ticket_number"] == "1002"
    r = api.post("/appointments/check-in", as_="kiosk", json={"code": code})
    assert r.status_code == 200 and r.json()["ticket"]["number"] == "1002"
    assert api.issue("ho-tich")["number"] == "1003"


def test_wrong_codes_three_times_pause_the_kiosk(api) -> None:
    for left in (2, 1):
        r = api.post("/appointments/check-in", as_="kiosk", json={"code": "000000"})
        assert r.status_code == 404 and r.json()["error"]["attempts_left"] == left
    r = api.post("/appointments/check-in", as_="kiosk", json={"code": "999 999"})
    assert r.status_code == 429 and int(r.headers["Retry-After"]) > 0
    assert r.json()["error"]["message"].startswith("Nhập sai mã quá nhiều lần.")
    # an officer is not paused by the kiosk's mistakes
    r = api.post("/appointments/check-in", as_="an", json={"code": "000000"})
    assert r.status_code == 404


def test_a_counter_sees_its_appointments_of_the_day(api) -> None:
    day, slot = next_slot()
    booked = book(api, day, slot).json()["appointment"]
    r = api.get("/counters/quay-1/appointments", as_="an")
    assert r.status_code == 200 and r.json()["day"] == day
    [a] = r.json()["appointments"]
    assert (a["id"], a["name"], a["phone"]) == (booked["id"], PERSON["name"], "0987654321")
    assert api.get("/counters/quay-3/appointments", as_="an").status_code == 403
    assert api.get("/counters/quay-1/appointments").status_code == 401
    assert api.get("/counters/quay-1/appointments", as_="kiosk").status_code == 403
    r = api.get("/counters/quay-3/appointments", as_="admin")
    assert r.status_code == 200 and r.json()["appointments"] == []


def test_answers_match_the_document(api) -> None:
    doc = api.get("/openapi.json").json()

    def check(name: str, body) -> None:
        errors = list(_validator(doc, name).iter_errors(body))
        assert not errors, f"{name}: {errors[0].message}"

    check("AppointmentServices", api.get("/appointments/services").json())
    check("AppointmentSlots", api.get("/appointments/slots",
                                       params={"service_id": "chung-thuc"}).json())
    booking = book(api, *next_slot()).json()
    check("Booking", booking)
    check("AppointmentReply", api.post("/appointments/lookup",
                                       json={"secret": booking["secret"]}).json())
    check("CounterAppointments", api.get("/counters/quay-1/appointments", as_="an").json())
    check("CheckIn", api.post("/appointments/check-in", as_="an",
                              json={"code": booking["appointment"]["code"]}).json())
    check("AppointmentReply", api.post("/appointments/cancel",
                                       json={"secret": book(api, tomorrow(), "09:00").json()["secret"]}).json())
    check("Error", api.post("/appointments/check-in", as_="kiosk", json={"code": "1"}).json())
