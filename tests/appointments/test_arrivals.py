"""Check-in into the kiosk's number series, called first within the slot, late arrivals and
no-shows by the policy, wrong codes, erasure of personal data."""

from __future__ import annotations

import msgspec
import pytest
from sqlalchemy import select

from motcua.core.appointments.codes import new_code
from motcua.core.storage import tables as t
from tests.appointments.conftest import PERSON, refused

TODAY = "2026-11-25"  # the clock starts at 09:00


def booked(book, slot: str = "09:30", day: str = TODAY, phone: str = "0912345678"):
    return book.book("ho-tich", day, slot, name="Trần Văn Ba", phone=phone).appointment


def test_check_in_takes_the_next_number_of_the_kiosk_series(book, engine, clock) -> None:
    a = booked(book)
    assert engine.issue("ho-tich")[0].number == "1001"
    clock.advance(minutes=5)
    ticket, appt, created = book.check_in(a.code, who="device:kiosk-1", device_id="kiosk-1")
    assert created and ticket.number == "1002" and ticket.booked
    assert appt.state == "checked_in" and appt.ticket_number == "1002"
    assert engine.issue("ho-tich")[0].number == "1003"
    again, appt2, created2 = book.check_in(a.code, who="device:kiosk-1")  # a retry: same ticket
    assert (again.id, created2, appt2.state) == (ticket.id, False, "checked_in")
    numbers = [r.number for r in engine.waiting()]
    assert sorted(numbers) == ["1001", "1002", "1003"] and len(set(numbers)) == 3


@pytest.mark.parametrize("order", ["first", "by_slot_time"])
def test_a_booking_is_called_first_once_its_slot_starts(make_book, make_config, engine, clock,
                                                       order) -> None:
    cfg = make_config(appointments={"arrival": {"order": order}})
    book = make_book(cfg)
    engine = book.engine
    a = booked(book, "09:30")
    engine.issue("ho-tich")  # 1001 at 09:00
    clock.advance(minutes=10)
    engine.issue("ho-tich")  # 1002 at 09:10
    clock.advance(minutes=5)
    ticket, *_ = book.check_in(a.code, who="officer:an")  # 1003 at 09:15, early
    clock.advance(minutes=5)  # 09:20: the slot has not started: walk-ins first
    assert engine.call_next("quay-1").number == "1001"
    clock.advance(minutes=11)  # 09:31
    expected = "1003" if order == "first" else "1002"
    assert engine.call_next("quay-1").number == expected


def test_a_booking_checks_in_past_the_daily_cap(make_book, make_config, clock) -> None:
    """The booking holds its place: the daily cap does not refuse its ticket."""
    cfg = make_config(fields=[{**f, "daily_cap": 1} if f["id"] == "ho-tich" else f
                              for f in _demo_fields(make_config)])
    book = make_book(cfg)
    a = booked(book)
    book.engine.issue("ho-tich")
    assert refused(book.engine.issue, "ho-tich").code == "daily_cap"
    clock.advance(minutes=20)
    assert book.check_in(a.code, who="officer:an")[0].number == "1002"


def _demo_fields(make_config) -> list[dict]:
    return [msgspec.to_builtins(f) | {"numbering": {"range": f.numbering.range}}
            for f in make_config().fields]


def test_too_early_then_in_time(book, clock) -> None:
    a = booked(book, "10:30")
    err = refused(book.check_in, a.code, who="device:kiosk-1")
    assert (err.code, err.message) == (
        "too_early", "Chưa đến giờ nhận số cho lịch hẹn này. Xin quay lại từ 10:00.")
    clock.advance(hours=1)  # 10:00
    assert book.check_in(a.code, who="device:kiosk-1")[0].booked


def test_late_arrival_becomes_a_walk_in(book, engine, clock, events) -> None:
    a = booked(book, "09:30")
    clock.advance(minutes=46)  # 09:46: the 15-minute grace has passed
    ticket, appt, _ = book.check_in(a.code, who="device:kiosk-1")
    assert not ticket.booked and appt.state == "walked_in"
    kinds = [e.kind for e in events]
    assert kinds.index("appointment.late") < kinds.index("appointment.checked_in")
    assert [e.data["late"] for e in events if e.kind == "appointment.checked_in"] == [True]


def test_only_a_check_in_within_the_grace_period_is_called_first(book, engine, clock) -> None:
    """Lateness is worked out at check-in: past the grace period the ticket is an ordinary one
    and waits its turn; a citizen who checked in within it keeps the booked place, however long
    the wait lasts."""
    late, on_time = booked(book, "09:30"), booked(book, "10:00", phone="0912345679")
    clock.advance(minutes=40)
    assert engine.issue("ho-tich")[0].number == "1001"  # 09:40
    clock.advance(minutes=6)  # 09:46: the 09:30 booking's 15-minute grace has passed
    assert not book.check_in(late.code, who="device:kiosk-1")[0].booked  # 1002
    assert engine.call_next("quay-1").number == "1001"
    clock.advance(minutes=19)  # 10:05
    assert book.check_in(on_time.code, who="device:kiosk-1")[0].number == "1003"
    clock.advance(minutes=30)  # 10:35: its grace has passed too, while it waited
    engine.issue("ho-tich")  # 1004
    assert [engine.call_next("quay-1").number for _ in range(3)] == ["1003", "1002", "1004"]


def test_late_is_a_no_show_by_policy(make_book, make_config, clock, events) -> None:
    book = make_book(make_config(appointments={"arrival": {"after_grace": "no_show"}}))
    a = booked(book, "09:30")
    clock.advance(minutes=46)
    err = refused(book.check_in, a.code, who="device:kiosk-1")
    assert (err.code, err.message) == (
        "no_show", "Đã quá giờ hẹn 09:30, lịch hẹn không còn hiệu lực. Xin lấy số thường tại máy "
                   "lấy số.")
    assert [x.state for x in book.day_list("quay-1")] == ["no_show"]
    assert [e.kind for e in events].count("appointment.no_show") == 1


def test_a_late_booking_is_a_no_show_when_its_day_is_over(book, clock) -> None:
    booked(book, "09:30")
    clock.advance(minutes=50)
    assert [x.state for x in book.day_list("quay-1")] == ["late"]
    clock.advance(days=1)
    book.sweep()
    assert [x.state for x in book.day_list("quay-1", day=_day(TODAY))] == ["no_show"]


def _day(iso: str):
    from datetime import date

    return date.fromisoformat(iso)


def test_wrong_codes_pause_the_device_then_let_it_try_again(book, clock) -> None:
    a = booked(book, "09:30")
    bad = new_code()
    while bad == a.code:
        bad = new_code()
    err = refused(book.check_in, bad, who="device:kiosk-1")
    assert (err.code, err.details["attempts_left"]) == ("wrong_code", 2)
    assert err.message == "Mã lịch hẹn không đúng. Xin kiểm tra lại và nhập lại."
    assert refused(book.check_in, "12", who="device:kiosk-1").code == "wrong_code"  # a typo
    err = refused(book.check_in, bad, who="device:kiosk-1")
    assert err.code == "too_many_codes"
    assert err.message == ("Nhập sai mã quá nhiều lần. Xin thử lại sau 5 phút hoặc nhờ cán bộ "
                           "hỗ trợ.")
    assert refused(book.check_in, a.code, who="device:kiosk-1").code == "too_many_codes"
    assert book.check_in(a.code, who="officer:an")[2]  # another device or officer: not paused
    clock.advance(minutes=4, seconds=59)
    assert refused(book.check_in, bad, who="device:kiosk-1").details["retry_after_s"] == 1
    clock.advance(seconds=1)
    assert refused(book.check_in, bad, who="device:kiosk-1").code == "wrong_code"


def test_a_code_of_another_day_says_which(book) -> None:
    a = booked(book, "09:00", day="2026-11-27")
    err = refused(book.check_in, a.code, who="device:kiosk-1")
    assert (err.code, err.message) == ("not_today",
                                      "Lịch hẹn này là của ngày 2026-11-27, không phải hôm nay.")


def test_a_cancelled_booking_does_not_check_in(book) -> None:
    b = book.book("ho-tich", TODAY, "09:30", **PERSON)
    book.cancel(b.secret)
    assert refused(book.check_in, b.appointment.code, who="device:kiosk-1").code == "cancelled"


def test_the_day_list_of_a_counter(book, clock) -> None:
    a = booked(book, "10:00", phone="0911111111")
    booked(book, "09:30", phone="0922222222")
    book.book("chung-thuc", TODAY, "10:00", name="Ngô Thị Lan",
              phone="0933333333")
    clock.advance(minutes=40)  # 09:40
    book.check_in(a.code, who="officer:an")
    day = book.day_list("quay-1")
    assert [(x.field_id, x.slot, x.state, x.ticket_number) for x in day] == [
        ("ho-tich", "09:30", "booked", None), ("ho-tich", "10:00", "checked_in", "1001"),
        ("chung-thuc", "10:00", "booked", None)]  # by slot, then by booking
    assert [x.slot for x in book.day_list("quay-3")] == []


def test_names_and_phones_are_erased_after_the_retention_period(book, db, clock, events) -> None:
    booked(book, "09:30")
    clock.advance(days=30)
    book.sweep()
    with db.read() as conn:
        assert conn.execute(select(t.appointments.c.name)).scalar_one() == "Trần Văn Ba"
    clock.advance(days=1)
    book.sweep()
    with db.read() as conn:
        row = conn.execute(select(t.appointments)).one()
    assert (row.name, row.phone, row.state) == (None, None, "no_show")
    assert row.erased_at is not None
    erased = [e for e in events if e.kind == "appointment.erased"]
    assert len(erased) == 1 and erased[0].data["count"] == 1


def test_events_and_audit_log_hold_no_personal_data(book, db, clock) -> None:
    a = booked(book, "09:30")
    clock.advance(minutes=10)
    book.check_in(a.code, who="officer:an")
    with db.read() as conn:
        logged = " ".join(r.data for r in conn.execute(select(t.audit_log)))
    for secret in ("Trần Văn Ba", "0912345678", a.code):
        assert secret not in logged
