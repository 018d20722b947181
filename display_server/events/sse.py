"""The body of ``GET /api/v1/events``: snapshot or replay, then live events and keepalives.

Two ways to serve it: ``sse_stream`` is a generator for any WSGI server (the client's thread
wakes for every batch of events); ``serve_direct`` writes through a thread-safe ``write``
callable, and after the opening the bus thread writes each batch itself, so a busy hall with
many screens costs one thread's work per event instead of a wake-up of every screen's thread.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator
from datetime import UTC, datetime

from motcua.core.queue.events import Event

from ..present import DisplayJSON
from .bus import Batch, EventBus, event_message, format_sse, is_public

log = logging.getLogger(__name__)

REPLAY_LIMIT = 500
"""A client further behind than this gets a fresh snapshot instead of a replay."""


def keepalive_message() -> bytes:
    """A comment line plus a ``keepalive`` event: browsers' EventSource sees only events, so a
    screen can tell a silent, half-open connection from a quiet one (and keep the server time)."""
    data = json.dumps({"server_time": datetime.now(UTC).isoformat(timespec="seconds")})
    return b": keepalive\n" + format_sse("keepalive", data)


def opening(*, snapshot: Callable[[], DisplayJSON],
            events_after: Callable[[int, int], list[Event]],
            last_event_id: int | None, retry_ms: int) -> tuple[list[bytes], int]:
    """The first messages of a stream (a replay of what was missed, or a snapshot) and the id of
    the newest event they cover. Subscribe before calling it, so nothing falls in between."""
    out = [f"retry: {retry_ms}\n\n".encode()]
    missed = events_after(last_event_id, REPLAY_LIMIT + 1) if last_event_id is not None else None
    if missed is not None:
        missed = [ev for ev in missed if is_public(ev)]
    if missed is not None and len(missed) <= REPLAY_LIMIT:
        sent = last_event_id
        for i, ev in enumerate(missed):
            out.append(event_message(ev, snapshot() if i == len(missed) - 1 else None))
            sent = ev.id
        return out, sent
    snap = snapshot()
    out.append(format_sse("snapshot", snap.text, snap.last_event_id))
    return out, snap.last_event_id


class _Fresh:
    """Drops events a client already has (in its opening) and joins the rest."""

    def __init__(self, sent: int):
        self.sent = sent

    def __call__(self, batch: Batch) -> bytes:
        fresh = [msg for event_id, msg in batch if event_id is None or event_id > self.sent]
        ids = [event_id for event_id, _ in batch if event_id is not None]
        if ids:
            self.sent = max(self.sent, ids[-1])
        return b"".join(fresh)


def sse_stream(bus: EventBus, *, snapshot: Callable[[], DisplayJSON],
               events_after: Callable[[int, int], list[Event]], last_event_id: int | None,
               keepalive_s: float, retry_ms: int = 2000) -> Iterator[bytes]:
    """Yield SSE messages until the client goes away (the server's write then fails)."""
    sub = bus.subscribe()
    try:
        first, sent = opening(snapshot=snapshot, events_after=events_after,
                              last_event_id=last_event_id, retry_ms=retry_ms)
        yield b"".join(first)
        fresh = _Fresh(sent)
        while True:
            item = sub.get(timeout=keepalive_s)
            if item is None:
                if sub.closed:
                    return  # dropped as too slow: the client reconnects and resumes
                yield keepalive_message()
                continue
            data = fresh(item)
            if data:
                yield data
    finally:
        sub.close()


def serve_direct(bus: EventBus, write: Callable[[bytes], None], *,
                 backlog: Callable[[], int], max_backlog: int,
                 disconnected: Callable[[], bool], snapshot: Callable[[], DisplayJSON],
                 events_after: Callable[[int, int], list[Event]], last_event_id: int | None,
                 keepalive_s: float, retry_ms: int = 2000) -> None:
    """Serve one client until it goes away. ``write`` must be safe to call from another thread;
    ``backlog`` says how many bytes wait unsent: a client more than ``max_backlog`` behind is
    dropped (it reconnects and resumes with Last-Event-ID)."""
    sub = bus.subscribe()
    try:
        first, sent = opening(snapshot=snapshot, events_after=events_after,
                              last_event_id=last_event_id, retry_ms=retry_ms)
        fresh = _Fresh(sent)

        def writer(batch: Batch) -> bool:
            if backlog() > max_backlog:
                return False
            data = fresh(batch)
            if data:
                write(data)
            return True

        try:
            write(b"".join(first))
            if not sub.go_direct(writer):
                return
            while not sub.wait_closed(keepalive_s):
                if disconnected():
                    return
                with sub.lock:
                    write(keepalive_message())
        except Exception as exc:  # noqa: BLE001 - the connection broke; the client retries
            log.debug("event stream ended: %r", exc)
    finally:
        sub.close()
