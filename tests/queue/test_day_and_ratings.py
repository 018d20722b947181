"""The service day rolls over at local midnight; ratings are counted once and attributed."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest

from motcua.core.queue import QueueEngine, QueueError


def test_numbers_reset_at_local_midnight(engine, clock, events) -> None:
    clock.set_local(2026, 11, 25, 23, 50)
    assert engine.issue("ho-tich")[0].number == "1001"
    waiting, _ = engine.issue("ho-tich")
    engine.issue("dat-dai")
    engine.call_next("quay-3")  # still at the counter at midnight
    clock.set_local(2026, 11, 26, 0, 5)
    t, _ = engine.issue("ho-tich")
    assert (t.number, t.day) == ("1001", "2026-11-26")
    assert engine.ticket(waiting.id).state == "expired"
    resets = [e for e in events if e.kind == "day.reset"]
    assert len(resets) == 1
    assert resets[0].data["day"] == "2026-11-26" and resets[0].data["expired"] == 2
    assert engine.counters()[2].ticket is None
    assert [w.id for w in engine.waiting()] == [t.id]


def test_local_day_not_utc_day(engine, clock) -> None:
    # 06:30 in Viet Nam is 23:30 UTC the day before: the service day is the local one
    clock.set_local(2026, 11, 26, 6, 30)
    assert engine.issue("ho-tich")[0].day == "2026-11-26"


def test_day_reset_happens_once_across_engines(db, config, clock) -> None:
    seen: list = []
    a = QueueEngine(config, db, clock=clock, publish=seen.append)
    b = QueueEngine(config, db, clock=clock, publish=seen.append)
    a.issue("ho-tich")
    clock.advance(days=1)
    a.issue("ho-tich")
    b.issue("ho-tich")
    assert [e.kind for e in seen].count("day.reset") == 1
    assert [t.number for t in a.waiting()] == ["1001", "1002"]


def test_skipped_tickets_expire_with_the_day(engine, clock) -> None:
    t, _ = engine.issue("dat-dai")
    engine.call_next("quay-3")
    engine.recall("quay-3")
    engine.skip("quay-3")
    clock.advance(days=1)
    engine.issue("dat-dai")
    assert engine.ticket(t.id).state == "expired"
    assert engine.missed("quay-3") == []


def rid() -> str:
    return str(uuid.uuid4())


def test_rating_attributed_to_ticket_officer_and_counter(engine, db, clock, events) -> None:
    from motcua.core.accounts import Accounts

    an = Accounts(db).add("an", "matkhau123", full_name="Nguyễn Văn An")
    engine.issue("dat-dai")
    t = engine.call_next("quay-3", officer_id=an.id)
    clock.advance(minutes=5)
    engine.finish("quay-3")
    clock.advance(seconds=20)
    r, created = engine.record_rating(rid(), "quay-3", "very_satisfied", clock.now, source="danh-gia-2")
    assert created
    assert (r.ticket_id, r.officer_id, r.counter_id, r.level) == (t.id, an.id, "quay-3", "very_satisfied")
    ev = events[-1]
    assert ev.kind == "rating.recorded" and ev.data["number"] == "3001"


def test_rating_idempotent_by_rating_id(engine, clock, events) -> None:
    key = rid()
    first, c1 = engine.record_rating(key, "quay-1", "satisfied", clock.now)
    again, c2 = engine.record_rating(key, "quay-1", "satisfied", clock.now)
    assert c1 and not c2 and first == again
    assert [e.kind for e in events] == ["rating.recorded"]


def test_one_rating_per_ticket(engine, clock) -> None:
    engine.issue("dat-dai")
    t = engine.call_next("quay-3")
    r1, _ = engine.record_rating(rid(), "quay-3", "satisfied", clock.now)
    r2, created = engine.record_rating(rid(), "quay-3", "dissatisfied", clock.now)
    assert created  # every press is recorded ...
    assert r1.ticket_id == t.id and r2.ticket_id is None  # ... but one counts for the ticket


def test_rating_uses_press_time_not_arrival_time(engine, clock) -> None:
    """A station that was offline delivers later: the press goes to the ticket served then."""
    engine.issue("dat-dai")
    engine.issue("dat-dai")
    first = engine.call_next("quay-3")
    clock.advance(minutes=3)
    pressed = clock.now
    clock.advance(minutes=1)
    engine.call_next("quay-3")  # finishes the first, calls the second
    clock.advance(minutes=30)
    r, _ = engine.record_rating(rid(), "quay-3", "satisfied", pressed)
    assert r.ticket_id == first.id
    assert r.received_at - r.pressed_at == timedelta(minutes=31)


def test_rating_long_after_service_is_not_attributed(engine, clock) -> None:
    engine.issue("dat-dai")
    engine.call_next("quay-3")
    engine.finish("quay-3")
    clock.advance(hours=1)
    r, _ = engine.record_rating(rid(), "quay-3", "satisfied", clock.now)
    assert r.ticket_id is None


def test_rating_validation(engine, clock) -> None:
    with pytest.raises(QueueError) as info:
        engine.record_rating(rid(), "quay-3", "great", clock.now)
    assert info.value.code == "unknown_level"
    with pytest.raises(QueueError) as info:
        engine.record_rating(rid(), "quay-99", "satisfied", clock.now)
    assert info.value.code == "unknown_counter"
    with pytest.raises(ValueError):
        engine.record_rating(rid(), "quay-3", "satisfied", clock.now.replace(tzinfo=None))


def test_reset_day_restarts_numbers_and_clears_the_hall(engine, events) -> None:
    engine.issue("ho-tich")
    engine.issue("ho-tich")
    t = engine.call_next("quay-1")
    assert engine.reset_day(actor="officer:admin") == 1
    assert engine.ticket(t.id).state == "done"
    assert engine.counters()[0].ticket is None and engine.waiting() == []
    again, _ = engine.issue("ho-tich")
    assert again.number == "1001"  # numbering restarted, the old 1001 is kept in history
    reset = [e for e in events if e.kind == "day.reset"][-1]
    assert reset.data["manual"] is True and reset.data["round"] == 1 and reset.actor == "officer:admin"


def test_close_field_for_the_rest_of_today(engine, clock, events) -> None:
    engine.close_field("dat-dai", actor="officer:admin")
    with pytest.raises(QueueError) as info:
        engine.issue("dat-dai")
    assert info.value.code == "closed" and "hôm nay" in info.value.message
    s = {x.id: x for x in engine.fields()}
    assert s["dat-dai"].open is False and s["dat-dai"].closed_today is True
    assert engine.closed_today() == {"dat-dai"}
    engine.close_field("dat-dai", reopen=True)
    assert engine.issue("dat-dai")[0].number == "3001"
    engine.close_field("dat-dai")
    clock.advance(days=1)
    assert engine.issue("dat-dai")[0].number == "3001"  # a new day: open again
    kinds = [e.kind for e in events]
    assert kinds.count("service.closed") == 2 and kinds.count("service.reopened") == 1


def test_notices_edited_by_admin(engine, config, events) -> None:
    assert engine.notices() == list(config.display.notices)
    assert engine.set_notices(["  Chiều nay nghỉ họp  ", ""]) == ["Chiều nay nghỉ họp"]
    assert engine.notices() == ["Chiều nay nghỉ họp"]
    assert events[-1].kind == "notice.changed"
