"""The body of ``GET /api/v1/events``: snapshot or replay, then live events and keepalives."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import UTC, datetime

from ..queue.events import Event
from .bus import EventBus, event_message, format_sse, is_public

REPLAY_LIMIT = 500
"""A client further behind than this gets a fresh snapshot instead of a replay."""


def keepalive_message() -> bytes:
    """A comment line plus a ``keepalive`` event: browsers' EventSource sees only events, so a
    screen can tell a silent, half-open connection from a quiet one (and keep the server time)."""
    data = json.dumps({"server_time": datetime.now(UTC).isoformat(timespec="seconds")})
    return b": keepalive\n" + format_sse("keepalive", data)


def sse_stream(bus: EventBus, *, snapshot: Callable[[], dict],
               events_after: Callable[[int, int], list[Event]], last_event_id: int | None,
               keepalive_s: float, retry_ms: int = 2000) -> Iterator[bytes]:
    """Yield SSE messages until the client goes away (the server's write then fails)."""
    sub = bus.subscribe()  # subscribe first, so nothing committed after the snapshot is missed
    try:
        yield f"retry: {retry_ms}\n\n".encode()
        missed = events_after(last_event_id, REPLAY_LIMIT + 1) if last_event_id is not None else None
        if missed is not None:
            missed = [ev for ev in missed if is_public(ev)]
        if missed is not None and len(missed) <= REPLAY_LIMIT:
            sent = last_event_id
            for i, ev in enumerate(missed):
                last = i == len(missed) - 1
                yield event_message(ev, snapshot() if last else None)
                sent = ev.id
        else:
            snap = snapshot()
            sent = snap["last_event_id"]
            yield format_sse("snapshot", json.dumps(snap, ensure_ascii=False, default=str), sent)
        while True:
            item = sub.get(timeout=keepalive_s)
            if item is None:
                if sub.closed:
                    return  # dropped as too slow: the client reconnects and resumes
                yield keepalive_message()
                continue
            fresh = [(event_id, msg) for event_id, msg in item if event_id > sent]
            if fresh:  # events up to ``sent`` were already in the snapshot or replay
                sent = fresh[-1][0]
                yield b"".join(msg for _, msg in fresh)
    finally:
        sub.close()
