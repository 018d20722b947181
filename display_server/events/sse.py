"""The body of ``GET /api/v1/events``: snapshot or replay, then live events and keepalives.

``sse_stream`` is a generator: under the event-driven server each client is a greenlet that
sleeps on its subscription's queue and wakes for each batch of events (or a keepalive).
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
               keepalive_s: float, retry_ms: int = 2000, snapshots: bool = True) -> Iterator[bytes]:
    """Yield SSE messages until the client goes away (the server's write then fails and closes
    the generator: an ordinary disconnect, logged at debug) or the bus drops it as too slow.
    ``snapshots=False``: after the opening, events only (see :meth:`EventBus.subscribe`)."""
    sub = bus.subscribe(snapshots=snapshots)
    try:
        first, sent = bus.aside(lambda: opening(  # its reads off the hub, in one hand-over
            snapshot=snapshot, events_after=events_after, last_event_id=last_event_id,
            retry_ms=retry_ms))
        yield b"".join(first)
        fresh = _Fresh(sent)
        while True:
            item = sub.get(timeout=keepalive_s)
            if item is None:
                if sub.closed:
                    return  # dropped as too slow (logged by the bus): it reconnects and resumes
                yield keepalive_message()
                continue
            data = fresh(item + sub.ready())
            if data:
                yield data
    finally:
        if not sub.closed:
            log.debug("event stream closed by its client")
        sub.close()
