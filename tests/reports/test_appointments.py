"""Appointments against walk-ins: a day built through the engine and the appointment book with a
fake clock (bookings on time, late, cancelled, not come, not yet due; walk-ins from the kiosk and
a phone with known waits), and the exact figures."""

from __future__ import annotations

import pytest

from motcua.core.appointments import AppointmentBook
from motcua.core.queue import QueueEngine
from motcua.core.reports import ReportError, appointment_report, report_table, to_csv, to_text

DAY1, DAY2 = "2026-11-25", "2026-11-26"  # the clock starts on DAY1 at 09:00
OFFERED = {"ho-tich": 2 * 48 * 3, "chung-thuc": 2 * 26 * 2}  # 30-min slots x 3 all day; 15-min x 2


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request):
    """The migrated SQLite file, or a PostgreSQL database (skipped when not installed)."""
    return request.getfixturevalue("db" if request.param == "sqlite" else "pg_db")


@pytest.fixture
def day(store, config, clock):
    """The day of the docstring; returns the book."""
    book = AppointmentBook(QueueEngine(config, store, clock=clock))
    engine = book.engine

    def take(slot: str, phone: str, day: str = DAY1):
        return book.book("ho-tich", day, slot, name="Trần Văn Ba", phone=phone)

    def call_and_finish():
        ticket = engine.call_next("quay-1")
        engine.finish("quay-1")
        return ticket

    a, b, c = (take(s, f"091234567{i}").appointment for i, s in enumerate(("09:30", "10:00", "10:00")))
    cancelled = take("11:00", "0912345673")
    take("11:30", "0912345674")  # never comes: late, then a no-show the next day
    take("10:00", "0912345675", DAY2)  # not yet due
    engine.issue("ho-tich")  # kiosk at 09:00
    clock.advance(minutes=5)
    assert call_and_finish().channel == "kiosk"  # waited 5 min
    clock.advance(minutes=5)
    engine.issue("ho-tich", channel="remote")  # a phone at 09:10
    clock.advance(minutes=10)
    book.check_in(a.code, who="officer:an")  # 09:20, early for 09:30
    clock.advance(minutes=5)
    assert call_and_finish().channel == "remote"  # 09:25: the slot has not begun; waited 15 min
    clock.advance(minutes=10)
    assert call_and_finish().booked  # 09:35: 5 min after the slot's start
    clock.advance(minutes=5)
    engine.issue("ho-tich")  # kiosk at 09:40
    clock.advance(minutes=25)
    book.check_in(b.code, who="officer:an")  # 10:05, in time: waits from its check-in
    clock.advance(minutes=5)
    assert call_and_finish().booked  # 10:10: 5 min after the check-in
    clock.advance(minutes=2)
    assert call_and_finish().channel == "kiosk"  # 10:12: waited 32 min
    clock.advance(minutes=8)
    ticket, late, _ = book.check_in(c.code, who="officer:an")  # 10:20: past the grace period
    assert late.state == "walked_in" and not ticket.booked
    clock.advance(minutes=10)
    assert call_and_finish().channel == "appointment"  # 10:30: 10 min after the check-in
    book.cancel(cancelled.secret)
    clock.advance(hours=21, minutes=30)  # DAY2 08:00
    book.sweep()  # late, then a no-show: its day is over
    return book


def test_appointments_against_walk_ins(day, store, config) -> None:
    report = appointment_report(store, config, DAY1, DAY2)
    r = report.total
    offered = sum(OFFERED.values())
    assert (r.bookings, r.cancelled, r.checked_in, r.late, r.no_show, r.pending) == (6, 1, 3, 1, 1, 1)
    assert (r.no_show_rate, r.offered) == (25.0, offered)
    assert (r.capacity_use, r.checked_in_use) == (round(500 / offered, 2), round(300 / offered, 2))
    waits = {k: (s.count, s.median, s.p90) for k, s in r.waits.items()}
    assert waits == {"appointment": (3, 300.0, 540.0),  # 5, 5, 10 min
                     "walk_in": (3, 900.0, 1716.0),  # 5, 15, 32 min
                     "kiosk": (2, 1110.0, 1758.0),  # 5, 32 min
                     "remote": (1, 900.0, 900.0)}
    assert report.rows == []


def test_by_field_lists_the_fields_that_take_appointments(day, store, config) -> None:
    report = appointment_report(store, config, DAY1, DAY2, "service")
    rows = {r.group[0].id: r for r in report.rows}
    assert list(rows) == ["ho-tich", "chung-thuc"]
    assert (rows["ho-tich"].bookings, rows["ho-tich"].offered) == (6, OFFERED["ho-tich"])
    quiet = rows["chung-thuc"]
    assert (quiet.bookings, quiet.offered, quiet.capacity_use, quiet.no_show_rate) == (
        0, OFFERED["chung-thuc"], 0.0, None)
    assert quiet.waits["appointment"].median is None


def test_by_day(day, store, config) -> None:
    rows = appointment_report(store, config, DAY1, DAY2, "day").rows
    assert [(r.group[0].id, r.bookings, r.pending, r.waits["walk_in"].count) for r in rows] == [
        (DAY1, 5, 0, 3), (DAY2, 1, 1, 0)]
    assert [r.offered for r in rows] == [sum(OFFERED.values()) // 2] * 2


def test_table_and_exports(day, store, config) -> None:
    table = report_table(appointment_report(store, config, DAY1, DAY2, "service"))
    assert table.kind == "appointments"
    assert table.title.startswith("Báo cáo lịch hẹn và khách không hẹn — ")
    assert table.headers[:3] == ["Lĩnh vực", "Lượt đặt lịch", "Đã hủy"]
    assert "Chờ - có lịch hẹn, trung vị (phút)" in table.headers
    assert table.rows[0][:8] == ["Tư pháp - Hộ tịch", 6, 1, 3, 1, 1, 1, 25.0]
    median = table.headers.index("Chờ - có lịch hẹn, trung vị (phút)")
    assert (table.total[median], table.total[median + 1]) == (5.0, 9.0)
    csv = to_csv(table).decode("utf-8-sig").splitlines()
    assert csv[0].startswith("Lĩnh vực,Lượt đặt lịch,Đã hủy,Đã đến,Trong đó đến muộn,Không đến")
    assert csv[-1].startswith("Tổng cộng,6,1,3,1,1,1,25.00,392,1.28,0.77,5.0,9.0,15.0,28.6")
    assert "Tư pháp - Hộ tịch" in to_text(table)


def test_no_data_and_bad_grouping(store, config) -> None:
    r = appointment_report(store, config, DAY1, DAY1).total
    assert (r.bookings, r.no_show_rate, r.offered, r.capacity_use) == (0, None, 196, 0.0)
    with pytest.raises(ReportError) as info:
        appointment_report(store, config, DAY1, DAY1, "officer")
    assert info.value.code == "bad_group_by"
