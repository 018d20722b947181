"""The SQLite outbox: durable, ordered, with sent / dead states and pruning."""

from __future__ import annotations

import sqlite3
import threading
from datetime import UTC, datetime, timedelta, timezone
from uuid import UUID

import pytest

from kiosk.rating.outbox import DEAD, PENDING, SENT, Outbox

T0 = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)


class WallClock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def wall() -> WallClock:
    return WallClock()


@pytest.fixture
def outbox(tmp_path, wall):
    box = Outbox(tmp_path / "rating-outbox-test.db", now=wall)
    yield box
    box.close()


def test_add_stores_a_uuid4_and_utc_press_time(outbox):
    vn = timezone(timedelta(hours=7))
    item = outbox.add("quay-1", "satisfied", datetime(2026, 11, 25, 9, 30, tzinfo=vn))
    assert UUID(item.rating_id).version == 4
    assert item.pressed_at == datetime(2026, 11, 25, 2, 30, tzinfo=UTC)
    assert item.pressed_at.utcoffset() == timedelta(0)
    [stored] = outbox.pending()
    assert stored == item
    assert (stored.state, stored.attempts) == (PENDING, 0)


def test_press_time_defaults_to_now_and_must_be_aware(outbox):
    assert outbox.add("quay-1", "satisfied").pressed_at == T0
    with pytest.raises(ValueError):
        outbox.add("quay-1", "satisfied", datetime(2026, 11, 25, 9, 30))


def test_file_is_wal_with_full_sync(outbox):
    db = sqlite3.connect(outbox.path)
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    db.close()
    assert outbox._db.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL


def test_order_is_press_order_and_survives_reopening(tmp_path, wall):
    path = tmp_path / "box.db"
    box = Outbox(path, now=wall)
    added = [box.add(f"quay-{i % 5 + 1}", "satisfied", T0 + timedelta(seconds=i)) for i in range(30)]
    box.mark_sent(added[3].rating_id)
    box.close()
    box = Outbox(path, now=wall)
    pending = box.pending(limit=1000)
    assert [p.rating_id for p in pending] == [a.rating_id for i, a in enumerate(added) if i != 3]
    assert [p.seq for p in pending] == sorted(p.seq for p in pending)
    assert [p.rating_id for p in box.pending(limit=2)] == [added[0].rating_id, added[1].rating_id]
    box.close()


def test_order_holds_even_when_press_clocks_go_backwards(outbox):
    # a Pi without a real-time clock may step its clock back: order is the order of presses
    a = outbox.add("quay-1", "satisfied", T0)
    b = outbox.add("quay-1", "dissatisfied", T0 - timedelta(hours=1))
    assert [p.rating_id for p in outbox.pending()] == [a.rating_id, b.rating_id]


def test_sent_rows_leave_the_backlog_but_stay_for_audit(outbox):
    a = outbox.add("quay-1", "satisfied")
    b = outbox.add("quay-2", "satisfied")
    outbox.mark_sent(a.rating_id)
    assert outbox.backlog() == 1
    assert outbox.counts() == {PENDING: 1, SENT: 1, DEAD: 0}
    assert [i.rating_id for i in outbox.items(SENT)] == [a.rating_id]
    assert [i.rating_id for i in outbox.pending()] == [b.rating_id]


def test_failures_are_counted_and_dead_letters_keep_their_reason(outbox):
    a = outbox.add("quay-9", "satisfied")
    outbox.note_failure(a.rating_id, "unreachable: connection refused")
    outbox.mark_dead(a.rating_id, "403 counter_not_allowed: Thiết bị không gắn với quầy này.")
    [dead] = outbox.items(DEAD)
    assert dead.attempts == 2
    assert dead.last_error.startswith("403 counter_not_allowed")
    assert outbox.backlog() == 0
    outbox.mark_sent(a.rating_id)  # a late success does not resurrect a finished row
    assert outbox.items(DEAD) == [dead]


def test_requeue_dead(outbox):
    a = outbox.add("quay-9", "satisfied")
    outbox.mark_dead(a.rating_id, "403")
    assert outbox.requeue_dead() == 1
    assert [p.rating_id for p in outbox.pending()] == [a.rating_id]


def test_prune_deletes_only_old_sent_rows(outbox, wall):
    old_sent = outbox.add("quay-1", "satisfied")
    old_dead = outbox.add("quay-1", "bogus")
    old_pending = outbox.add("quay-1", "satisfied")
    outbox.mark_sent(old_sent.rating_id)
    outbox.mark_dead(old_dead.rating_id, "400 unknown_level")
    wall.now = T0 + timedelta(days=6)
    new_sent = outbox.add("quay-1", "satisfied")
    outbox.mark_sent(new_sent.rating_id)
    assert outbox.prune(timedelta(days=7)) == 0
    wall.now = T0 + timedelta(days=7, seconds=1)
    assert outbox.prune(timedelta(days=7)) == 1
    left = {i.rating_id for i in outbox.items()}
    assert left == {old_dead.rating_id, old_pending.rating_id, new_sent.rating_id}


def test_concurrent_adds_lose_nothing(outbox):
    def worker(n: int) -> None:
        for i in range(25):
            outbox.add(f"quay-{n}", "satisfied", T0 + timedelta(milliseconds=i))

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(1, 5)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    items = outbox.items()
    assert len(items) == 100
    assert len({i.rating_id for i in items}) == 100


def test_clock_skew_from_a_heartbeat_answer() -> None:
    from datetime import UTC, datetime, timedelta

    from kiosk.client import clock_skew_s

    now = datetime(2026, 11, 25, 3, 0, tzinfo=UTC)
    answer = {"server_time": (now - timedelta(minutes=5)).isoformat()}
    assert clock_skew_s(answer, now) == 300
    assert clock_skew_s({"server_time": "2026-11-25T10:00:00+07:00"}, now) == 0
    assert clock_skew_s({}, now) is None and clock_skew_s({"server_time": "x"}, now) is None
