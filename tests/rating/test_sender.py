"""The sender: in-order delivery, capped exponential back-off, dead letters, heartbeats, pruning."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta

import pytest

from kiosk.client import ServerRefused, ServerUnreachable
from kiosk.rating.outbox import DEAD, SENT, Outbox
from kiosk.rating.sender import Backoff, Sender, is_permanent

HANG_GUARD_S = 30.0


def down() -> ServerUnreachable:
    return ServerUnreachable("connection refused")


@pytest.fixture
def outbox(tmp_path):
    box = Outbox(tmp_path / "box.db")
    yield box
    box.close()


def make_sender(outbox, client, mono, **kw) -> Sender:
    return Sender(outbox, client, clock=mono, **kw)


def run_until(sender: Sender, mono, done, max_steps: int = 1000) -> None:
    """Step the sender on the fake clock, sleeping exactly as long as it asks."""
    for _ in range(max_steps):
        delay = sender.step()
        if done():
            return
        mono.advance(delay)
    raise AssertionError("condition not reached")


def test_backoff_doubles_up_to_the_cap():
    assert [Backoff().delay(n) for n in range(1, 9)] == [1, 2, 4, 8, 16, 30, 30, 30]
    assert Backoff(0.5, 3, 10).delay(1) == 0.5
    assert Backoff(0.5, 3, 10).delay(3) == 4.5
    assert Backoff(0.5, 3, 10).delay(4) == 10
    assert Backoff().delay(10_000) == 30


def test_attempts_follow_the_backoff_schedule(outbox, fake_client, mono):
    client = fake_client([down() for _ in range(8)])
    outbox.add("quay-1", "satisfied")
    sender = make_sender(outbox, client, mono)
    times: list[float] = []
    real_rate = client.rate

    def timed_rate(*args):
        times.append(mono())
        return real_rate(*args)

    client.rate = timed_rate
    run_until(sender, mono, lambda: len(times) == 9)
    assert [round(b - a, 6) for a, b in zip(times, times[1:], strict=False)] == [1, 2, 4, 8, 16, 30, 30, 30]
    assert outbox.items(SENT) != []  # the 9th attempt succeeded
    assert sender.failures == 0
    [item] = outbox.items()
    assert item.attempts == 9
    assert item.last_error.startswith("unreachable")


def test_success_resets_the_backoff(outbox, fake_client, mono):
    client = fake_client([down(), down(), None, down(), None])
    sender = make_sender(outbox, client, mono)
    outbox.add("quay-1", "satisfied")
    run_until(sender, mono, lambda: outbox.backlog() == 0)
    assert sender.failures == 0
    outbox.add("quay-1", "satisfied")
    start = mono()
    run_until(sender, mono, lambda: outbox.backlog() == 0)
    assert mono() - start == 1.0  # first failure of a new run waits 1 s, not 8 s


def test_a_new_press_does_not_break_the_backoff(outbox, fake_client, mono):
    client = fake_client([down(), down()])
    sender = make_sender(outbox, client, mono)
    outbox.add("quay-1", "satisfied")
    assert sender.step() == 1.0
    mono.advance(0.4)
    outbox.add("quay-1", "satisfied")  # the station wakes the sender
    assert sender.step() == pytest.approx(0.6)
    assert len(client.calls) == 1


def test_idle_sender_sleeps_until_the_next_heartbeat(outbox, fake_client, mono):
    sender = make_sender(outbox, fake_client(), mono)
    assert sender.step() == 30.0
    mono.advance(10)
    assert sender.step() == 20.0


def test_delivery_keeps_press_order_across_failures(outbox, fake_client, mono):
    client = fake_client([None, down(), ServerRefused(503, "unavailable", "x"), None])
    sender = make_sender(outbox, client, mono)
    ids = [outbox.add(f"quay-{i + 1}", "satisfied").rating_id for i in range(5)]
    run_until(sender, mono, lambda: outbox.backlog() == 0)
    # the second row failed twice; nothing behind it was tried meanwhile
    assert client.sent_ids == [ids[0], ids[1], ids[1], ids[1], ids[2], ids[3], ids[4]]
    assert [i.rating_id for i in outbox.items(SENT)] == ids


@pytest.mark.parametrize(("status", "code", "permanent"), [
    (400, "unknown_level", True),
    (400, "invalid_body", True),
    (403, "counter_not_allowed", True),
    (404, "unknown_counter", True),
    (401, "unauthorized", False),
    (403, "forbidden", False),
    (408, "timeout", False),
    (429, "too_many_requests", False),
    (500, "internal_error", False),
    (503, "unavailable", False),
])
def test_which_refusals_are_permanent(status, code, permanent):
    assert is_permanent(ServerRefused(status, code, "...")) is permanent


def test_permanent_refusals_go_to_the_dead_letter(outbox, fake_client, mono, caplog):
    client = fake_client([
        ServerRefused(400, "unknown_level", "Mức đánh giá không hợp lệ."),
        ServerRefused(403, "counter_not_allowed", "Thiết bị không gắn với quầy này."),
    ])
    sender = make_sender(outbox, client, mono)
    a = outbox.add("quay-1", "neutral")
    b = outbox.add("quay-9", "satisfied")
    c = outbox.add("quay-1", "satisfied")
    with caplog.at_level("ERROR", logger="kiosk.rating.sender"):
        sender.step()
    assert sender.failures == 0
    assert [(i.rating_id, i.last_error) for i in outbox.items(DEAD)] == [
        (a.rating_id, "400 unknown_level: Mức đánh giá không hợp lệ."),
        (b.rating_id, "403 counter_not_allowed: Thiết bị không gắn với quầy này."),
    ]
    assert [i.rating_id for i in outbox.items(SENT)] == [c.rating_id]
    assert a.rating_id in caplog.text and "unknown_level" in caplog.text
    assert len(client.calls) == 3  # each dead letter was tried once only
    run_until(sender, mono, lambda: mono() > 1000 + 300)
    assert len(client.calls) == 3


def test_unexpected_errors_are_retried(outbox, fake_client, mono):
    client = fake_client([RuntimeError("bug in a transport")])
    sender = make_sender(outbox, client, mono)
    outbox.add("quay-1", "satisfied")
    run_until(sender, mono, lambda: outbox.backlog() == 0)
    assert len(client.calls) == 2


def test_heartbeat_every_30_s_with_the_backlog(outbox, fake_client, mono):
    client = fake_client([down()] * 1000)
    sender = make_sender(outbox, client, mono)
    beats: list[float] = []
    real = client.heartbeat

    def timed(**info):
        beats.append(mono())
        real(**info)

    client.heartbeat = timed
    outbox.add("quay-1", "satisfied")
    run_until(sender, mono, lambda: len(beats) == 1)
    outbox.add("quay-1", "satisfied")
    outbox.add("quay-1", "satisfied")
    run_until(sender, mono, lambda: len(beats) == 4)
    assert [b - beats[0] for b in beats] == [0, 30, 60, 90]
    assert [h["outbox_backlog"] for h in client.heartbeats] == [1, 3, 3, 3]
    assert all(h["version"] for h in client.heartbeats)


def test_heartbeat_failures_do_not_stop_delivery(outbox, fake_client, mono):
    client = fake_client()
    client.heartbeat_error = down()
    sender = make_sender(outbox, client, mono)
    outbox.add("quay-1", "satisfied")
    sender.step()
    assert outbox.backlog() == 0


def test_heartbeat_reports_dead_letters(outbox, fake_client, mono):
    client = fake_client([ServerRefused(400, "unknown_level", "x")])
    outbox.add("quay-1", "neutral")
    make_sender(outbox, client, mono).step()
    assert client.heartbeats[-1]["detail"] == "1 ratings refused by the server"


def test_old_sent_rows_are_pruned(tmp_path, fake_client, mono):
    wall = [datetime(2026, 11, 1, tzinfo=UTC)]
    box = Outbox(tmp_path / "box.db", now=lambda: wall[0])
    sender = make_sender(box, fake_client(), mono, keep_sent=timedelta(days=3), prune_every_s=3600)
    box.add("quay-1", "satisfied")
    sender.step()
    assert box.counts()[SENT] == 1
    wall[0] += timedelta(days=3, minutes=1)
    run_until(sender, mono, lambda: box.counts()[SENT] == 0)
    assert mono() - 1000 <= 3600
    box.close()


def test_thread_delivers_on_wake_and_stops_cleanly(outbox, fake_client):
    client = fake_client()
    sender = Sender(outbox, client)  # real clock: the thread is woken, never waits 30 s
    sender.start()
    thread = sender._thread
    for _ in range(20):
        outbox.add("quay-1", "satisfied")
        sender.wake()
    deadline = time.monotonic() + HANG_GUARD_S
    while outbox.backlog() and time.monotonic() < deadline:
        time.sleep(0.01)
    assert outbox.backlog() == 0
    sender.stop()
    assert not thread.is_alive()
    assert len(client.calls) == 20


def test_stop_does_not_wait_for_a_long_backoff(outbox, fake_client):
    client = fake_client([down()] * 100)
    called = threading.Event()
    real = client.rate

    def rate(*args):
        called.set()
        return real(*args)

    client.rate = rate
    sender = Sender(outbox, client, backoff=Backoff(initial_s=3600, cap_s=3600))
    outbox.add("quay-1", "satisfied")
    sender.start()
    thread = sender._thread
    assert called.wait(HANG_GUARD_S)
    sender.stop(timeout=HANG_GUARD_S)
    assert not thread.is_alive()
    assert outbox.backlog() == 1
