"""Remote tickets in the core: the kiosk's number series, hours and caps; the limits per phone,
per address, per field and to the centre's networks, kept in the database; the channel stored
with every ticket."""

from __future__ import annotations

import pytest
from msgspec.structs import replace
from sqlalchemy import select

from motcua.core.appointments import AppointmentBook
from motcua.core.queue import QueueEngine
from motcua.core.remote import RemoteDesk
from motcua.core.storage import tables as t
from tests.appointments.conftest import refused

PHONE, ADDR = "phone-a", "203.0.113.7"


@pytest.fixture
def make_desk(make_engine, make_config):
    def make(**remote) -> RemoteDesk:
        cfg = make_config(remote={"enabled": True, **remote})
        return RemoteDesk(make_engine(cfg), salt="s")

    return make


def take(desk: RemoteDesk, field: str = "ho-tich", phone: str = PHONE, address: str = ADDR, **kw):
    return desk.issue(field, phone=phone, address=address, **kw)


def test_a_remote_ticket_takes_the_kiosk_series_and_says_its_channel(make_desk) -> None:
    desk = make_desk()
    engine = desk.engine
    assert engine.issue("ho-tich")[0].number == "1001"
    ticket, created = take(desk)
    assert created and ticket.number == "1002" and ticket.channel == "remote"
    assert ticket.waiting_before == 1  # counted in the line like any ticket
    assert engine.issue("ho-tich")[0].channel == "kiosk"
    with engine.db.read() as conn:
        assert conn.execute(select(t.tickets.c.number, t.tickets.c.channel)
                            .order_by(t.tickets.c.id)).all() == [
            ("1001", "kiosk"), ("1002", "remote"), ("1003", "kiosk")]


def test_the_same_request_id_answers_the_same_ticket_and_counts_once(make_desk) -> None:
    desk = make_desk(per_phone_per_day=1)
    first, created = take(desk, request_id="r1")
    again, created2 = take(desk, request_id="r1")
    assert created and not created2 and again.id == first.id
    assert refused(take, desk, field="chung-thuc").code == "remote_phone_limit"


def test_a_phone_takes_its_tickets_of_the_day_then_waits_for_tomorrow(make_desk, clock) -> None:
    desk = make_desk(per_phone_per_day=2, per_address_per_day=50)
    take(desk)
    take(desk, field="dat-dai")
    err = refused(take, desk)
    assert err.code == "remote_phone_limit" and err.details["limit"] == 2
    assert err.details["retry_after_s"] == 15 * 3600  # 09:00 until midnight
    assert "đã lấy đủ 2 số trong hôm nay" in err.message
    assert take(desk, phone="phone-b")[1]  # another phone on the same address
    clock.advance(days=1)
    assert take(desk)[0].number == "1001"  # a new day: numbers and limits start again


def test_clearing_cookies_does_not_reset_the_day_its_address_counts_too(make_desk) -> None:
    desk = make_desk(per_phone_per_day=2, per_address_per_day=0)  # 0: as per phone
    take(desk, phone="cookie-1")
    take(desk, phone="cookie-2")
    err = refused(take, desk, phone="cookie-3")
    assert err.code == "remote_address_limit" and err.details["retry_after_s"] > 0
    assert take(desk, phone="cookie-4", address="198.51.100.1")[1]


def test_a_refused_ticket_takes_no_number_and_no_count(make_desk) -> None:
    desk = make_desk(per_phone_per_day=1)
    take(desk)
    refused(take, desk)
    assert desk.engine.issue("ho-tich")[0].number == "1002"
    with desk.engine.db.read() as conn:
        counts = dict(conn.execute(select(t.remote_counts.c.key, t.remote_counts.c.taken)).all())
    assert counts["field:ho-tich"] == 1 and sorted(counts.values()) == [1, 1, 1]
    assert not any(PHONE in k or ADDR in k for k in counts)  # hashed, not kept as they are


def test_the_daily_cap_of_remote_tickets_per_field(make_desk, make_config) -> None:
    desk = make_desk(daily_cap_per_field=2, per_address_per_day=100)
    take(desk, phone="p1")
    take(desk, phone="p2")
    err = refused(take, desk, phone="p3")
    assert err.code == "remote_cap" and "hết số lấy từ xa" in err.message
    assert take(desk, field="dat-dai", phone="p3")[1]  # another field
    assert desk.engine.issue("ho-tich")[0].number == "1003"  # the kiosk still issues


def test_a_field_sets_its_own_remote_cap(make_engine, make_config) -> None:
    from tests.appointments.test_arrivals import _demo_fields

    fields = [{**f, "remote_daily_cap": 1} if f["id"] == "dat-dai" else f
              for f in _demo_fields(make_config)]
    cfg = make_config(remote={"enabled": True, "daily_cap_per_field": 5}, fields=fields)
    desk = RemoteDesk(make_engine(cfg), salt="s")
    take(desk, field="dat-dai", phone="p1")
    assert refused(take, desk, field="dat-dai", phone="p2").code == "remote_cap"
    take(desk, phone="p1")
    assert take(desk, phone="p2")[1]


def test_the_kiosk_caps_and_hours_apply(make_engine, make_config, clock) -> None:
    from tests.appointments.test_arrivals import _demo_fields

    fields = [{**f, "daily_cap": 1, "hours": {"wed": "07:00-11:00"}} if f["id"] == "dat-dai"
              else f for f in _demo_fields(make_config)]
    cfg = make_config(remote={"enabled": True, "per_address_per_day": 100}, fields=fields)
    desk = RemoteDesk(make_engine(cfg), salt="s")
    take(desk, field="dat-dai", phone="p1")
    assert refused(take, desk, field="dat-dai", phone="p2").code == "daily_cap"
    clock.advance(hours=3)  # 12:00: closed
    assert refused(take, desk, field="dat-dai", phone="p3").code == "closed"
    assert refused(take, desk, field="nope").code == "unknown_field"


@pytest.mark.parametrize(("address", "ok"), [
    ("192.168.1.20", True), ("::ffff:192.168.1.20", True), ("10.1.2.3", True),
    ("192.168.2.20", False), ("2001:db8::1", False), ("?", False)])
def test_only_from_the_centres_networks(make_desk, address, ok) -> None:
    desk = make_desk(networks=["192.168.1.0/24", "10.0.0.0/8"])
    if ok:
        assert take(desk, address=address)[1]
    else:
        assert refused(take, desk, address=address).code == "outside_network"


def test_off_unless_the_centre_turns_it_on(make_engine, config) -> None:
    desk = RemoteDesk(make_engine(replace(config, remote=replace(config.remote, enabled=False))))
    assert refused(take, desk).code == "remote_off"


def test_past_days_counts_are_forgotten(make_desk, clock) -> None:
    desk = make_desk()
    take(desk)
    clock.advance(days=1)
    take(desk)
    with desk.engine.db.read() as conn:
        days = set(conn.execute(select(t.remote_counts.c.day)).scalars())
    assert days == {"2026-11-26"}


def test_an_appointment_check_in_is_the_appointment_channel(engine, clock) -> None:
    book = AppointmentBook(engine)
    a = book.book("ho-tich", "2026-11-25", "09:30", name="Trần Văn Ba",
                  phone="0912345678").appointment
    clock.advance(minutes=20)
    ticket, *_ = book.check_in(a.code, who="officer:an")
    assert ticket.channel == "appointment"
    assert isinstance(engine, QueueEngine) and engine.ticket(ticket.id).channel == "appointment"
