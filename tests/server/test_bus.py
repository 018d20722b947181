"""The in-process event bus: order, batching of a burst, one snapshot per batch."""

from __future__ import annotations

import json
import threading
from datetime import datetime, timedelta

from display_server.events.bus import EventBus
from display_server.queue.events import Event


def _event(i: int, kind: str = "ticket.issued") -> Event:
    """Event ``i`` of its own commit (commits differ in time)."""
    return Event(id=i, kind=kind, at=datetime(2026, 11, 25, 2, 0) + timedelta(seconds=i), actor="test",
                 data={"ticket_id": i, "officer_id": 7})


def _messages(sub, count: int) -> list[list[tuple[int, bytes]]]:
    batches, got = [], 0
    while got < count:
        batch = sub.get(timeout=5)
        assert batch is not None, f"only {got} of {count} events arrived"
        batches.append(batch)
        got += len(batch)
    return batches


def test_a_burst_is_delivered_in_order_with_one_snapshot_per_batch() -> None:
    entered, release = threading.Event(), threading.Event()
    calls = []

    def snapshot() -> dict:
        calls.append(len(calls))
        entered.set()
        release.wait(5)  # the first snapshot is slow: the rest of the burst queues up meanwhile
        return {"n": len(calls)}

    bus = EventBus(snapshot)
    sub = bus.subscribe()
    bus.publish(_event(1))
    assert entered.wait(5)
    for i in range(2, 51):
        bus.publish(_event(i))
    bus.publish(_event(51, "account.added"))  # never streamed
    release.set()

    batches = _messages(sub, 50)
    assert [len(b) for b in batches] == [1, 49]
    assert len(calls) == 2  # one snapshot for the first event, one for the 49 behind it
    ids = [event_id for batch in batches for event_id, _ in batch]
    assert ids == list(range(1, 51))
    for batch in batches:
        payloads = [json.loads(msg.decode().split("data: ", 1)[1]) for _, msg in batch]
        assert [p["display"] is not None for p in payloads] == [False] * (len(batch) - 1) + [True]
        assert all("officer_id" not in p["data"] for p in payloads)
    assert sub.get(timeout=0.3) is None  # the account event was not sent


def test_a_quiet_bus_sends_each_event_at_once() -> None:
    bus = EventBus(lambda: {})
    sub = bus.subscribe()
    for i in range(1, 4):
        bus.publish(_event(i))
        batch = sub.get(timeout=5)
        assert [event_id for event_id, _ in batch] == [i]

