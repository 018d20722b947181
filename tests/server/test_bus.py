"""The in-process event bus: order, events before the display, one snapshot per burst."""

from __future__ import annotations

import json
import logging
import threading
import time
from datetime import datetime, timedelta

from display_server.events import bus as bus_module
from display_server.events.bus import EventBus
from display_server.events.sse import sse_stream
from display_server.present import DisplayJSON
from motcua.core.queue.events import Event


def _event(i: int, kind: str = "ticket.issued") -> Event:
    """Event ``i`` of its own commit (commits differ in time)."""
    return Event(id=i, kind=kind, at=datetime(2026, 11, 25, 2, 0) + timedelta(seconds=i), actor="test",
                 data={"ticket_id": i, "officer_id": 7})


def _events(sub, count: int) -> tuple[list[list[tuple[int, bytes]]], list[dict]]:
    """The next batches holding ``count`` events, and the display snapshots sent among them."""
    batches, snapshots, got = [], [], 0
    while got < count:
        batch = sub.get(timeout=5)
        assert batch is not None, f"only {got} of {count} events arrived"
        events = [(i, msg) for i, msg in batch if i is not None]
        snapshots += [_data(msg) for i, msg in batch if i is None]
        if events:
            batches.append(events)
        got += len(events)
    return batches, snapshots


def _data(msg: bytes) -> dict:
    return json.loads(msg.decode().split("data: ", 1)[1])


def _next_snapshot(sub) -> dict:
    while True:
        batch = sub.get(timeout=5)
        assert batch is not None, "no display snapshot came"
        for event_id, msg in batch:
            if event_id is None:
                assert msg.startswith(b"event: snapshot\n") and b"\nid:" not in msg
                return _data(msg)


def test_events_go_out_while_a_slow_snapshot_is_built_and_one_snapshot_follows_a_burst(
        monkeypatch) -> None:
    monkeypatch.setattr(bus_module, "DISPLAY_INTERVAL_S", 0.2)
    entered, release = threading.Event(), threading.Event()
    calls = []

    def snapshot() -> DisplayJSON:
        calls.append(len(calls))
        entered.set()
        release.wait(5)  # the snapshot is slow: events must not wait for it
        return DisplayJSON.of({"last_event_id": 0, "n": len(calls)})

    bus = EventBus(snapshot)
    sub = bus.subscribe()
    bus.publish(_event(1))
    assert entered.wait(5)
    for i in range(2, 51):
        bus.publish(_event(i))
    bus.publish(_event(51, "account.added"))  # never streamed

    batches, snapshots = _events(sub, 50)  # all while the first snapshot is still being built
    assert snapshots == [] and len(calls) == 1
    ids = [event_id for batch in batches for event_id, _ in batch]
    assert ids == list(range(1, 51))
    payloads = [_data(msg) for batch in batches for _, msg in batch]
    assert all(p["display"] is None for p in payloads)
    assert all("officer_id" not in p["data"] for p in payloads)
    release.set()
    assert _next_snapshot(sub)["n"] == 1
    assert _next_snapshot(sub)["n"] == 2  # one more for the events sent during the first build
    assert sub.get(timeout=0.5) is None  # nothing else: the account event was not sent
    assert len(calls) == 2


def test_a_quiet_bus_sends_each_event_at_once_and_its_snapshot_after_it() -> None:
    seen = []
    bus = EventBus(lambda: DisplayJSON.of({"last_event_id": seen[-1]}))
    sub = bus.subscribe()
    for i in range(1, 4):
        seen.append(i)
        bus.publish(_event(i))
        batches, _ = _events(sub, 1)
        assert [event_id for event_id, _ in batches[0]] == [i]
        assert _next_snapshot(sub)["last_event_id"] == i


def test_events_close_together_reach_many_subscribers_as_one_batch(monkeypatch) -> None:
    """A ticket and the call that follows it go to every subscriber in one write each: the bus
    gathers for a moment that grows with its subscribers (a fan-out costs per subscriber)."""
    monkeypatch.setattr(bus_module, "GATHER_PER_SUBSCRIBER_S", 0.05)
    monkeypatch.setattr(bus_module, "GATHER_MAX_S", 1.0)
    bus = EventBus()
    subs = [bus.subscribe(snapshots=False) for _ in range(20)]  # gathers for 1 s
    bus.publish(_event(1))
    time.sleep(0.1)  # the bus would have sent the ticket alone by now
    bus.publish(_event(2, "ticket.called"))
    for sub in subs:
        batches, _ = _events(sub, 2)
        assert [[event_id for event_id, _ in batch] for batch in batches] == [[1, 2]]


def test_a_failed_snapshot_is_logged_once_and_tried_again(monkeypatch, caplog) -> None:
    monkeypatch.setattr(bus_module, "DISPLAY_INTERVAL_S", 0.05)
    caplog.set_level(logging.INFO, logger="display_server.events.bus")
    failures = [3]

    def snapshot() -> DisplayJSON:
        if failures[0]:
            failures[0] -= 1
            raise RuntimeError("database gone")
        return DisplayJSON.of({"last_event_id": 1})

    bus = EventBus(snapshot)
    sub = bus.subscribe()
    bus.publish(_event(1))  # one event, and no other to ask for a snapshot again
    assert [i for i, _ in _events(sub, 1)[0][0]] == [1]
    assert _next_snapshot(sub)["last_event_id"] == 1
    assert caplog.text.count("display snapshot failed") == 1
    assert "display snapshot works again" in caplog.text


def _stream(bus: EventBus, last_event_id=None, keepalive_s=5.0):
    return sse_stream(bus, snapshot=lambda: DisplayJSON.of({"last_event_id": 3}),
                      events_after=lambda after, limit: [], last_event_id=last_event_id,
                      keepalive_s=keepalive_s)


def test_a_stream_gets_new_events_once_and_keepalives_and_leaves_quietly(caplog) -> None:
    bus = EventBus(lambda: DisplayJSON.of({"last_event_id": 0, "x": 1}))
    stream = _stream(bus, keepalive_s=0.2)
    assert "event: snapshot" in next(stream).decode()
    bus.publish(_event(3))  # already in the snapshot: not sent again
    bus.publish(_event(4))
    text = ""
    while "id: 4\n" not in text:
        text += next(stream).decode()
    assert "id: 3\n" not in text
    while "event: keepalive" not in text:
        text += next(stream).decode()
    with caplog.at_level(logging.DEBUG, logger="display_server.events"):
        stream.close()  # the client went away: the server closes the body
    assert bus.subscriber_count == 0
    assert "closed by its client" in caplog.text
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]


def test_a_stream_too_far_behind_is_dropped_with_a_warning(monkeypatch, caplog) -> None:
    monkeypatch.setattr(bus_module, "SUBSCRIBER_BACKLOG", 3)
    bus = EventBus(None)
    stream = _stream(bus)
    next(stream)  # the opening; then the client stops reading
    for i in range(4, 10):
        bus.publish(_event(i))  # one batch each
        time.sleep(0.05)
    deadline = time.monotonic() + 10
    while bus.subscriber_count and time.monotonic() < deadline:
        time.sleep(0.05)
    assert bus.subscriber_count == 0, "the slow client is dropped; the others go on"
    assert "really slow" in caplog.text
    assert list(stream) == []  # its stream ends: the client reconnects and resumes


def test_the_event_stream_is_an_open_ended_generator(config) -> None:
    """No Content-Length: the body is streamed as it comes."""
    from display_server.app import create_app

    app = create_app(config)
    with app.test_client() as http:
        r = http.get("/api/v1/events", buffered=False)
        assert r.status_code == 200
        assert r.mimetype == "text/event-stream"
        assert "Content-Length" not in r.headers
        first = next(r.response).decode()
        assert first.startswith("retry: 2000\n\nid: ") and "event: snapshot" in first
        r.close()


def _asked_while_sending_one_event(monkeypatch, budget_s: float, busy_for) -> list[float]:
    """Send one event to three subscribers, two to a slice; the timeouts the bus passed to
    ``wait_idle``, where each pretend request lasts ``busy_for(timeout)`` seconds."""
    monkeypatch.setattr(bus_module, "REQUESTS_FIRST_S", budget_s)
    monkeypatch.setattr(bus_module, "FAN_OUT_SLICE", 2)
    asked: list[float] = []

    def wait_idle(timeout: float) -> bool:
        asked.append(timeout)
        time.sleep(busy_for(timeout))
        return busy_for(timeout) < timeout

    bus = EventBus(None, wait_idle=wait_idle)  # no display: only the events' fan-out asks
    subs = [bus.subscribe() for _ in range(3)]
    bus.publish(_event(1))
    for sub in subs:
        assert [event_id for event_id, _ in sub.get(timeout=5)] == [1]
    return asked


def test_the_bus_lets_requests_in_progress_go_first(monkeypatch) -> None:
    """It asks before the batch and before each slice of subscribers, all from one budget."""
    asked = _asked_while_sending_one_event(monkeypatch, 5.0, lambda timeout: 0.001)
    assert len(asked) == 2  # before the batch (and its first slice), then before the second
    assert all(0 < t <= 5.0 for t in asked)
    assert asked == sorted(asked, reverse=True)  # one budget for the whole batch


def test_requests_that_never_end_hold_a_batch_back_only_once(monkeypatch) -> None:
    asked = _asked_while_sending_one_event(monkeypatch, 0.05, lambda timeout: timeout)
    assert len(asked) == 1  # the budget is spent: the subscribers get it without more waiting


def test_a_subscriber_takes_every_waiting_batch_at_once_in_order() -> None:
    bus = EventBus()
    sub = bus.subscribe()
    for batch in ([(1, b"a")], [(None, b"s")], [(2, b"b")]):
        assert sub.deliver(batch)
    assert sub.get(timeout=1) == [(1, b"a")]
    assert sub.ready() == [(None, b"s"), (2, b"b")]
    assert sub.ready() == []


def test_a_quiet_subscriber_is_woken_by_the_bus_clock_after_its_timeout() -> None:
    bus = EventBus()
    sub = bus.subscribe()
    t0 = time.monotonic()
    assert sub.get(timeout=0.3) is None
    assert 0.3 <= time.monotonic() - t0 < 0.3 + bus_module.CLOCK_TICK_S + 0.5


def test_the_snapshot_is_built_where_build_aside_runs_it() -> None:
    """The server builds snapshots on a pool thread (off gevent's hub): ``build_aside`` runs the
    build and its result goes out."""
    ran = []
    bus = EventBus(lambda: DisplayJSON.of({"last_event_id": 1}))

    def aside(build):
        ran.append(threading.current_thread().name)
        return build()

    bus.build_aside = aside
    sub = bus.subscribe()
    bus.publish(_event(1))
    _events(sub, 1)
    assert _next_snapshot(sub)["last_event_id"] == 1
    assert ran == ["event-bus-display"]


def test_events_published_on_other_threads_reach_the_bus_through_hand_over() -> None:
    """In the server the inbox is gevent's queue, which only the hub's thread may use: events
    published on a request thread are handed over (gevent's ``run_callback_threadsafe``) and
    put into the inbox on the bus's side, in the order published."""
    handed: list = []
    bus = EventBus()
    bus.hand_over = lambda fn, ev: handed.append((fn, ev))
    sub = bus.subscribe()
    publishers = [threading.Thread(target=bus.publish, args=(_event(i),)) for i in (1, 2)]
    for t in publishers:
        t.start()
        t.join()
    assert sub.get(timeout=0.3) is None  # nothing reached the inbox behind hand_over's back
    assert [ev.id for _, ev in handed] == [1, 2]
    for put, ev in handed:
        put(ev)
    assert [i for batch in _events(sub, 2)[0] for i, _ in batch] == [1, 2]
