"""Issuing tickets: numbering, idempotency, hours, caps, hall limit, estimates."""

from __future__ import annotations

import msgspec
import pytest

from motcua.core.queue import QueueError


def test_numbers_follow_each_other_per_field(engine) -> None:
    got = [engine.issue("ho-tich")[0].number for _ in range(3)]
    assert got == ["1001", "1002", "1003"]
    assert engine.issue("chung-thuc")[0].number == "2001"
    assert engine.issue("ho-tich")[0].number == "1004"


def test_prefix_numbering(make_engine, make_config) -> None:
    cfg = make_config(fields=[
        {"id": "ho-tich", "name": "Hộ tịch", "numbering": {"prefix": "A", "width": 3}},
        {"id": "chung-thuc", "name": "Chứng thực", "numbering": {"prefix": "B", "width": 3}},
        {"id": "dat-dai", "name": "Đất đai", "numbering": {"prefix": "C", "width": 3}},
        {"id": "kinh-doanh", "name": "Kinh doanh", "numbering": {"prefix": "D", "width": 3}},
        {"id": "van-hoa-xa-hoi", "name": "VHXH", "numbering": {"prefix": "E", "width": 3}},
        {"id": "tra-ket-qua", "name": "Trả kết quả", "numbering": {"prefix": "T", "width": 2}},
    ])
    engine = make_engine(cfg)
    assert [engine.issue("ho-tich")[0].number for _ in range(2)] == ["A001", "A002"]
    assert engine.issue("tra-ket-qua")[0].number == "T01"


def test_ticket_fields_and_event(engine, events) -> None:
    ticket, created = engine.issue("dat-dai", priority=True, request_id="req-1", device_id="kiosk-1",
                                   actor="device:kiosk-1")
    assert created
    assert ticket.state == "waiting" and ticket.priority and ticket.field_id == "dat-dai"
    assert ticket.day == "2026-11-25"
    assert len(ticket.token) >= 16
    assert ticket.waiting_before == 0
    [ev] = events
    assert ev.kind == "ticket.issued" and ev.actor == "device:kiosk-1"
    assert ev.data["number"] == "3001" and ev.data["ticket_id"] == ticket.id
    assert engine.events_after(0) == events


def test_same_request_id_returns_same_ticket(engine, events) -> None:
    first, created1 = engine.issue("ho-tich", request_id="abc")
    again, created2 = engine.issue("ho-tich", request_id="abc")
    assert created1 and not created2
    assert again.id == first.id and again.number == first.number
    assert engine.issue("ho-tich")[0].number == "1002"
    assert [e.kind for e in events] == ["ticket.issued", "ticket.issued"]


def test_unknown_field(engine) -> None:
    with pytest.raises(QueueError) as info:
        engine.issue("nope")
    assert info.value.code == "unknown_field"
    assert "Lĩnh vực" in info.value.message


HOURS = {"mon": ["07:00-11:15", "13:15-16:30"], "tue": ["07:00-11:15", "13:15-16:30"],
         "wed": ["07:00-11:15", "13:15-16:30"], "thu": ["07:00-11:15", "13:15-16:30"],
         "fri": ["07:00-11:15", "13:15-16:30"]}


@pytest.mark.parametrize(
    ("when", "open_"),
    [
        ((2026, 11, 25, 6, 59), False),
        ((2026, 11, 25, 7, 0), True),
        ((2026, 11, 25, 11, 14), True),
        ((2026, 11, 25, 11, 15), False),
        ((2026, 11, 25, 12, 0), False),
        ((2026, 11, 25, 13, 15), True),
        ((2026, 11, 25, 16, 29), True),
        ((2026, 11, 25, 16, 30), False),
        ((2026, 11, 28, 9, 0), False),  # Saturday
        ((2026, 11, 29, 9, 0), False),  # Sunday
        ((2026, 9, 2, 9, 0), False),  # National Day, in closed_dates
    ],
)
def test_ticket_hours(make_engine, make_config, clock, when, open_) -> None:
    cfg = make_config(centre={"hours": HOURS, "closed_dates": ["2026-09-02"]})
    engine = make_engine(cfg)
    clock.set_local(*when)
    if open_:
        assert engine.issue("ho-tich")[0].number == "1001"
    else:
        with pytest.raises(QueueError) as info:
            engine.issue("ho-tich")
        assert info.value.code == "closed"
    assert [s.open for s in engine.fields() if s.id == "ho-tich"] == [open_]


def test_field_hours_override_centre_hours(make_engine, make_config, clock, config) -> None:
    fields = [msgspec.to_builtins(f) for f in config.fields]
    fields[5]["hours"] = {"sat": "07:30-11:30"}  # tra-ket-qua also on Saturday morning
    for f in fields:
        f["numbering"] = {k: v for k, v in f["numbering"].items() if v not in ("", None)}
    engine = make_engine(make_config(centre={"hours": HOURS}, fields=fields))
    clock.set_local(2026, 11, 28, 8, 0)  # Saturday
    assert engine.issue("tra-ket-qua")[0].number == "6001"
    with pytest.raises(QueueError):
        engine.issue("ho-tich")


def test_daily_cap(make_engine, make_config, config) -> None:
    fields = [msgspec.to_builtins(f) for f in config.fields]
    for f in fields:
        f["numbering"] = {k: v for k, v in f["numbering"].items() if v not in ("", None)}
    fields[0]["daily_cap"] = 3
    engine = make_engine(make_config(fields=fields))
    assert [engine.issue("ho-tich")[0].number for _ in range(3)] == ["1001", "1002", "1003"]
    with pytest.raises(QueueError) as info:
        engine.issue("ho-tich")
    assert info.value.code == "daily_cap"
    assert engine.issue("chung-thuc")[0].number == "2001"  # other fields unaffected


def test_numbering_capacity_is_a_cap(make_engine, make_config, config) -> None:
    fields = [msgspec.to_builtins(f) for f in config.fields]
    for f in fields:
        f["numbering"] = {k: v for k, v in f["numbering"].items() if v not in ("", None)}
    fields[0].update(numbering={"range": "1-2"}, daily_cap=0)
    engine = make_engine(make_config(fields=fields))
    engine.issue("ho-tich")
    engine.issue("ho-tich")
    with pytest.raises(QueueError) as info:
        engine.issue("ho-tich")
    assert info.value.code == "daily_cap"


def test_hall_full(make_engine, make_config) -> None:
    engine = make_engine(make_config(queue={"max_waiting": 2}))
    engine.issue("ho-tich")
    engine.issue("dat-dai")
    with pytest.raises(QueueError) as info:
        engine.issue("chung-thuc")
    assert info.value.code == "hall_full"
    engine.call_next("quay-3")  # the Đất đai ticket leaves the hall
    assert engine.issue("chung-thuc")[0].number == "2001"


def test_people_ahead_and_estimate(engine, clock) -> None:
    engine.sign_in("quay-3", None)
    for expected_ahead in range(3):
        t, _ = engine.issue("dat-dai")
        assert t.waiting_before == expected_ahead
        # default 6 minutes per citizen, one counter (quay-3 has no signed-in officer: 1)
        assert t.estimated_wait_s == expected_ahead * 6 * 60
    prio, _ = engine.issue("dat-dai", priority=True)
    assert prio.waiting_before == 0
    assert engine.ticket(prio.id).waiting_before == 0
    # serving takes 2 minutes each: the estimate learns from it
    for _ in range(2):
        engine.call_next("quay-3")
        clock.advance(minutes=2)
        engine.finish("quay-3")
    t, _ = engine.issue("dat-dai")
    assert t.waiting_before == 2
    assert t.estimated_wait_s == 2 * 120
    # a ticket finished seconds after its call (a slip, a no-show) teaches nothing
    engine.call_next("quay-3")
    clock.advance(seconds=2)
    engine.finish("quay-3")
    t, _ = engine.issue("dat-dai")
    assert t.estimated_wait_s == 2 * 120


def test_fields_list(engine) -> None:
    engine.issue("ho-tich")
    engine.issue("ho-tich")
    s = {x.id: x for x in engine.fields()}
    assert s["ho-tich"].waiting == 2 and s["ho-tich"].open
    assert s["ho-tich"].estimated_wait_s > 0
    assert s["dat-dai"].waiting == 0 and s["dat-dai"].estimated_wait_s == 0
    assert s["ho-tich"].name == "Tư pháp - Hộ tịch"
