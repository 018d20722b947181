"""Slots, booking, cancelling: the rules of the config and their Vietnamese refusals."""

from __future__ import annotations

import pytest

from motcua.core.appointments import AppointmentState
from motcua.core.appointments.codes import clean_code, new_code
from tests.appointments.conftest import PERSON, refused

TODAY, TOMORROW = "2026-11-25", "2026-11-26"  # a Wednesday


def test_search_gives_each_day_ahead_with_free_places(book) -> None:
    days = book.search("ho-tich")
    assert [d.day for d in days][:2] == [TODAY, TOMORROW] and len(days) == 15  # today + 14
    today = days[0].slots
    assert (today[0].start, today[0].end, today[0].free) == ("09:30", "10:00", 3)  # 09:00 began
    assert today[-1].start == "23:30" and len(days[1].slots) == 48  # around the clock
    assert len(book.search("ho-tich", days=2)) == 3


def test_slots_respect_the_lunch_break_and_days_off(book) -> None:
    days = {d.day: d for d in book.search("chung-thuc")}
    starts = [s.start for s in days[TOMORROW].slots]
    assert starts[0] == "07:30" and "10:45" in starts and "11:00" not in starts
    assert "13:15" not in starts and "13:30" in starts and starts[-1] == "16:15"
    assert len(starts) == 14 + 12
    sunday = days["2026-11-29"]
    assert not sunday.open and sunday.slots == ()
    assert [s.start for s in days["2026-11-28"].slots][-1] == "10:45"  # Saturday morning


def test_a_closed_date_has_no_slot(make_book, make_config) -> None:
    cfg = make_config(centre={"closed_dates": [TOMORROW]})
    book = make_book(cfg)
    assert not book.search("ho-tich")[1].open
    err = refused(book.book, "ho-tich", TOMORROW, "09:00", **PERSON)
    assert err.code == "closed_day"
    assert err.message == f"Ngày {TOMORROW} không làm việc. Xin chọn ngày khác."


def test_booking_takes_a_place_and_gives_a_code_and_secret(book, events) -> None:
    b = book.book("ho-tich", TOMORROW, "09:00", **PERSON)
    a = b.appointment
    assert (a.field_id, a.day, a.slot, a.state) == ("ho-tich", TOMORROW, "09:00", "booked")
    assert a.phone == "0912345678" and a.name == "Nguyễn Thị Hoa"
    assert clean_code(a.code) == a.code and len(b.secret) >= 20
    assert book.search("ho-tich")[1].slots[18].free == 2  # 09:00 is the 19th slot
    assert book.by_secret(b.secret).id == a.id
    ev = [e for e in events if e.kind == "appointment.booked"]
    assert ev and ev[0].data["service_id"] == "ho-tich" and ev[0].data["taken"] == 1


def test_the_same_request_id_books_once(book) -> None:
    first = book.book("ho-tich", TOMORROW, "09:00", request_id="r-1", **PERSON)
    again = book.book("ho-tich", TOMORROW, "09:00", request_id="r-1", **PERSON)
    assert again.appointment.id == first.appointment.id and again.secret is None


@pytest.mark.parametrize(("day", "slot", "code", "message"), [
    ("2026-11-24", "09:00", "past_day", "Không thể đặt lịch cho ngày đã qua."),
    ("2026-12-10", "09:00", "too_far", "Chỉ nhận đặt lịch trước tối đa 14 ngày."),
    ("25/11/2026", "09:00", "bad_day", "Ngày hẹn không hợp lệ."),
    (TODAY, "08:30", "past_slot", "Khung giờ 08:30 đã qua. Xin chọn khung giờ khác."),
    (TOMORROW, "09:10", "bad_slot",
     f"Giờ 09:10 không phải khung giờ nhận hẹn của lĩnh vực này trong ngày {TOMORROW}."),
])
def test_bad_days_and_slots_are_refused_in_vietnamese(book, day, slot, code, message) -> None:
    err = refused(book.book, "ho-tich", day, slot, **PERSON)
    assert (err.code, err.message) == (code, message)


def test_a_field_without_plan_and_bad_details_are_refused(book) -> None:
    assert refused(book.book, "dat-dai", TOMORROW, "09:00", **PERSON).code == "not_bookable"
    assert refused(book.search, "dat-dai").code == "not_bookable"
    assert refused(book.book, "nope", TOMORROW, "09:00", **PERSON).code == "unknown_field"
    err = refused(book.book, "ho-tich", TOMORROW, "09:00", name="Hoa", phone="12345")
    assert err.code == "bad_phone" and "10 chữ số" in err.message
    assert refused(book.book, "ho-tich", TOMORROW, "09:00", name=" H ",
                   phone="0912345678").code == "bad_name"
    ok = book.book("ho-tich", TOMORROW, "09:00", name="Lê  Văn   Tám", phone="+84 912 000 111")
    assert (ok.appointment.name, ok.appointment.phone) == ("Lê Văn Tám", "0912000111")


def test_a_full_slot_and_a_phone_with_a_booking_are_refused(book) -> None:
    for i in range(3):
        book.book("ho-tich", TOMORROW, "09:00", name="Công dân", phone=f"090000000{i}")
    err = refused(book.book, "ho-tich", TOMORROW, "09:00", name="Công dân", phone="0900000009")
    assert err.code == "slot_full"
    assert err.message == f"Khung giờ 09:00 ngày {TOMORROW} đã kín chỗ. Xin chọn khung giờ khác."
    err = refused(book.book, "ho-tich", TOMORROW, "10:00", name="Công dân", phone="0900000001")
    assert (err.code, err.message) == ("phone_limit",
                                      f"Số điện thoại này đã có lịch hẹn trong ngày {TOMORROW}.")
    assert book.search("ho-tich")[1].slots[18].free == 0


def test_bookings_per_address_are_limited(make_book, make_config, clock) -> None:
    book = make_book(make_config(appointments={"bookings_per_address_per_hour": 2}))
    for i in range(2):
        book.book("ho-tich", TOMORROW, "09:00", name="Công dân", phone=f"090000000{i}",
                  who="10.0.0.7")
    err = refused(book.book, "ho-tich", TOMORROW, "09:00", name="Công dân", phone="0900000005",
                  who="10.0.0.7")
    assert err.code == "too_many_bookings" and err.details["retry_after_s"] > 0
    assert "Xin thử lại sau 60 phút" in err.message
    book.book("ho-tich", TOMORROW, "09:00", name="Công dân", phone="0900000005", who="10.0.0.8")
    clock.advance(hours=1)
    book.book("ho-tich", TOMORROW, "10:00", name="Công dân", phone="0900000006", who="10.0.0.7")


def test_cancel_frees_the_place_with_the_secret_only(book, clock, events) -> None:
    b = book.book("ho-tich", TODAY, "10:00", **PERSON)
    assert refused(book.cancel, "not-the-secret").code == "unknown_appointment"
    a = book.cancel(b.secret)
    assert a.state == AppointmentState.CANCELLED
    assert book.cancel(b.secret).state == "cancelled"  # again: as it is
    assert next(s for s in book.search("ho-tich")[0].slots if s.start == "10:00").free == 3
    assert [e.kind for e in events].count("appointment.cancelled") == 1
    late = book.book("ho-tich", TODAY, "10:00", **PERSON)
    clock.advance(hours=1, minutes=1)
    assert refused(book.cancel, late.secret).code == "cannot_cancel"


def test_codes_catch_every_single_typo_and_swap() -> None:
    for _ in range(200):
        code = new_code()
        assert clean_code(code) == code and clean_code(f" {code[:3]} {code[3:]} ") == code
        for i in range(len(code)):
            for d in "0123456789":
                if d != code[i]:
                    assert clean_code(code[:i] + d + code[i + 1:]) is None
            if i + 1 < len(code) and code[i] != code[i + 1]:
                assert clean_code(code[:i] + code[i + 1] + code[i] + code[i + 2:]) is None
    assert clean_code("12345") is None and clean_code("12345a") is None
