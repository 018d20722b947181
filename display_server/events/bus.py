"""In-process event bus: the engine publishes after commit; the bus renders each message once and
hands it to every subscriber. Events go out within milliseconds (gathered for a moment that grows
with the number of subscribers, and held while requests answer first), without waiting for a
display snapshot (a screen shows and announces a call from the event itself); a second thread
follows them with a fresh display snapshot, at most one per ``DISPLAY_INTERVAL_S``."""

from __future__ import annotations

import json
import logging
import math
import queue
import threading
import time
from collections import deque
from collections.abc import Callable
from typing import Any

from motcua.core.queue.events import Event

from ..present import DisplayJSON

log = logging.getLogger(__name__)

SUBSCRIBER_BACKLOG = 1000
"""Batches a subscriber may fall behind by before it is dropped (its client reconnects)."""
DISPLAY_INTERVAL_S = 0.25
"""At most one display snapshot (waiting counts, counters, recent calls) per this many seconds:
a busy server builds one for many events; a quiet one sends it right after the event."""
REQUESTS_FIRST_S = 0.01
"""How long the bus may hold a batch (or a snapshot build) back, in all, while HTTP requests are
in progress: an officer's click answers first (the GIL is not shared with the fan-out), and the
screens learn of it at most this much later."""

GATHER_PER_SUBSCRIBER_S = 20e-6
"""How long the bus gathers events before a fan-out, per subscriber (up to ``GATHER_MAX_S``).
Events come in clusters (a kiosk's ticket, then an officer's call; two counters calling at once)
and a fan-out costs the hub about this much per subscriber for each batch, whatever its size:
with 1,000 streams one batch of two events instead of two batches saved a third of the
server's CPU per call and halved the call's latency to every stream (docs/serving.md). With a
few screens the wait is a fraction of a millisecond."""
GATHER_MAX_S = 0.01
"""The longest the bus gathers events before a fan-out (from 500 subscribers up)."""

FAN_OUT_SLICE = 100
"""Subscribers handed a batch before the bus yields to them and to requests. On gevent's hub
every client woken is a callback queued ahead of an answer coming back from a request thread:
a whole fan-out at once kept a click's answer waiting behind 1,000 streams' writes, measured
(docs/serving.md)."""
CLOCK_TICK_S = 0.25
"""How often the bus's clock wakes the subscribers whose wait is over (for a keepalive): one
timer for them all, not one per wait (gevent makes a ``Timeout`` for every wait with a timeout:
a fifth of the hub's time in a fan-out to 1,000 streams, docs/serving.md). A wait may last up
to this much longer than asked."""


def format_sse(event: str, data: str, event_id: int | None = None) -> bytes:
    """One SSE message."""
    lines = []
    if event_id is not None:
        lines.append(f"id: {event_id}")
    lines.append(f"event: {event}")
    lines.extend(f"data: {line}" for line in data.split("\n"))
    return ("\n".join(lines) + "\n\n").encode("utf-8")


PRIVATE_KEYS = frozenset({"officer_id", "dossier_code", "rating_id", "device_id", "actor"})
"""Audit-log details that stay out of the public event stream (who did it, dossier codes)."""
PRIVATE_KINDS = ("account.",)
"""Audit-log entries that are never streamed (account changes)."""


def is_public(ev: Event) -> bool:
    return not ev.kind.startswith(PRIVATE_KINDS)


def event_message(ev: Event, display: DisplayJSON | None) -> bytes:
    """The SSE message for a public stream: no actor, officer, device or dossier details. The
    display, already JSON, is joined in as it is."""
    data = {k: v for k, v in ev.data.items() if k not in PRIVATE_KEYS}
    payload = {"id": ev.id, "kind": ev.kind, "at": ev.at.isoformat() + "Z", "data": data}
    body = json.dumps(payload, ensure_ascii=False, default=str)
    body = f'{body[:-1]}, "display": {display.text if display is not None else "null"}}}'
    return format_sse(ev.kind, body, ev.id)


Batch = list[tuple[int | None, bytes]]
"""(event id, SSE message) pairs, in id order; None for a message that is not an event (a
display snapshot), which every client gets."""


def snapshot_message(display: DisplayJSON) -> bytes:
    """A display snapshot sent between events. It has no SSE id: a client that reconnects resumes
    after the last event it got, not after the snapshot (which may be newer than that)."""
    return format_sse("snapshot", display.text)


class Subscription:
    """One connected client: batches wait in its backlog until the client's greenlet takes
    them. A client that falls ``SUBSCRIBER_BACKLOG`` batches behind is dropped (it reconnects
    and resumes with Last-Event-ID), so a slow screen never holds the others back.

    A deque and an event rather than a ``queue.Queue``: the bus hands every batch to every
    client, and this costs it an append and a flag, not a condition variable's locks."""

    def __init__(self, bus: EventBus, *, snapshots: bool = True):
        self.bus = bus
        self.snapshots = snapshots
        """Whether the display snapshots go to it too (a phone following its ticket: no)."""
        self.backlog: deque[Batch] = deque()
        self.closed = False
        self.wake_at = math.inf
        """When the bus's clock ends the current wait (``time.monotonic()``)."""
        self._ready = threading.Event()

    def get(self, timeout: float) -> Batch | None:
        """The next batch of (event id, message), or None after ``timeout`` seconds (give or
        take ``CLOCK_TICK_S``) or once the subscription is closed."""
        if not self.backlog and not self.closed:
            self.wake_at = time.monotonic() + timeout
            self._ready.wait()  # no timeout of its own: the bus's clock wakes it
            self.wake_at = math.inf
        self._ready.clear()  # set again by any batch delivered from here on
        if self.closed or not self.backlog:
            return None
        return self.backlog.popleft()

    def ready(self) -> Batch:
        """Every batch already waiting, joined (without waiting): a client that wakes for an
        event and finds its display snapshot behind it writes both at once."""
        joined: Batch = []
        while self.backlog and not self.closed:
            joined.extend(self.backlog.popleft())
        return joined

    def deliver(self, batch: Batch) -> bool:
        """Called by the bus; False when the client is that far behind."""
        if len(self.backlog) >= SUBSCRIBER_BACKLOG:
            return False
        self.backlog.append(batch)
        self._ready.set()
        return True

    def close(self) -> None:
        self.bus.unsubscribe(self)

    def wake_if_due(self, now: float) -> None:
        """Called by the bus's clock: end the wait if its time is up."""
        if now >= self.wake_at:
            self._ready.set()

    def _mark_closed(self) -> None:
        """Wake the client's greenlet waiting for a batch."""
        self.closed = True
        self._ready.set()


class EventBus:
    """Subscribers get every event published after they subscribed, in order."""

    def __init__(self, snapshot: Callable[[], DisplayJSON] | None = None,
                 wait_idle: Callable[[float], bool] | None = None):
        self.snapshot = snapshot
        self.wait_idle = wait_idle
        """Sleeps until no HTTP request is in progress or the timeout passes (see REQUESTS_FIRST_S)."""
        self.build_aside: Callable[[Callable[[], Any]], Any] | None = None
        """Runs a database read and returns its result, off the bus's thread (the server: on a
        pool thread, so its SQLite queries do not stop gevent's hub and every stream with it, and
        the hub never shares the database's locks with the request threads): the snapshots,
        and a stream's opening (:meth:`aside`)."""
        self.hand_over: Callable[..., Any] | None = None
        """``hand_over(fn, arg)`` runs ``fn(arg)`` on the bus's thread soon, called from any
        thread (the server: gevent's ``loop.run_callback_threadsafe``, as the inbox is then
        gevent's queue, which only the hub's thread may use); None: at once."""
        self._subs: set[Subscription] = set()
        self._lock = threading.Lock()
        self._inbox: queue.Queue[Event] = queue.Queue()
        self._display_due = threading.Event()
        self._thread: threading.Thread | None = None

    # called by the engine (any thread) after a commit
    def publish(self, ev: Event) -> None:
        self.start()
        if self.hand_over is None:
            self._inbox.put(ev)
        else:
            self.hand_over(self._inbox.put, ev)

    def subscribe(self, *, snapshots: bool = True) -> Subscription:
        """A new subscriber; ``snapshots=False``: events only, no display snapshots (a phone
        following one ticket reads only events: a snapshot to a thousand phones would cost the
        hub a thousand writes and the Wi-Fi a thousand copies for nothing)."""
        self.start()
        sub = Subscription(self, snapshots=snapshots)
        with self._lock:
            self._subs.add(sub)
        return sub

    def unsubscribe(self, sub: Subscription) -> None:
        sub._mark_closed()
        with self._lock:
            self._subs.discard(sub)

    @property
    def subscriber_count(self) -> int:
        with self._lock:
            return len(self._subs)

    def _wants_snapshots(self) -> bool:
        with self._lock:
            return any(sub.snapshots for sub in self._subs)

    def start(self) -> None:
        """Start the bus's three threads (once); publishing or subscribing does it too."""
        if self._thread is None:
            with self._lock:
                if self._thread is None:
                    threading.Thread(target=self._run_display, name="event-bus-display",
                                     daemon=True).start()
                    threading.Thread(target=self._run_clock, name="event-bus-clock",
                                     daemon=True).start()
                    self._thread = threading.Thread(target=self._run, name="event-bus", daemon=True)
                    self._thread.start()

    def _run(self) -> None:
        """Events: each batch to every subscriber (what comes while the bus gathers, or while
        requests go first, joins it), then tell the display thread."""
        while True:
            batch = self._drain([self._inbox.get()])
            subscribers = self.subscriber_count
            if not subscribers:  # nobody to tell: no work
                continue
            time.sleep(min(GATHER_MAX_S, subscribers * GATHER_PER_SUBSCRIBER_S))
            deadline = time.monotonic() + REQUESTS_FIRST_S
            self._let_requests_go_first(deadline)
            batch = sorted(self._drain(batch), key=lambda e: e.id)
            public = [ev for ev in batch if is_public(ev)]
            if public:
                self._fan_out([(ev.id, event_message(ev, None)) for ev in public], deadline)
            self._display_due.set()

    def _run_display(self) -> None:
        """Display snapshots: after events were sent, one snapshot, at most every
        ``DISPLAY_INTERVAL_S``, so the screens' lists and counts follow the events. A failed
        build is tried again one interval later (logged once until one succeeds)."""
        last = float("-inf")
        failing = False
        while True:
            self._display_due.wait()
            wait = DISPLAY_INTERVAL_S - (time.monotonic() - last)
            if wait > 0:
                time.sleep(wait)
            self._display_due.clear()  # what is published from here on asks for another one
            if self.snapshot is None or not self._wants_snapshots():
                continue
            deadline = time.monotonic() + REQUESTS_FIRST_S
            self._let_requests_go_first(deadline)
            try:
                display = self.aside(self.snapshot)
            except Exception:
                if not failing:
                    log.exception("display snapshot failed; trying again")
                failing = True
                self._display_due.set()
                continue
            finally:
                last = time.monotonic()
            if failing:
                log.info("display snapshot works again")
                failing = False
            self._fan_out([(None, snapshot_message(display))], deadline, snapshot=True)

    def _run_clock(self) -> None:
        """Every ``CLOCK_TICK_S``, wake the subscribers whose wait is over."""
        while True:
            time.sleep(CLOCK_TICK_S)
            now = time.monotonic()
            with self._lock:
                subs = list(self._subs)
            for sub in subs:
                sub.wake_if_due(now)

    def _drain(self, batch: list[Event]) -> list[Event]:
        """``batch`` plus every event already waiting in the inbox."""
        while True:
            try:
                batch.append(self._inbox.get_nowait())
            except queue.Empty:
                return batch

    def aside(self, read: Callable[[], Any]) -> Any:
        """``read()``, through :attr:`build_aside` when there is one."""
        return read() if self.build_aside is None else self.build_aside(read)

    def _let_requests_go_first(self, deadline: float) -> None:
        if self.wait_idle is not None:
            remaining = deadline - time.monotonic()
            if remaining > 0:
                self.wait_idle(remaining)

    def _fan_out(self, batch: Batch, deadline: float = 0.0, *, snapshot: bool = False) -> None:
        """The whole batch to every subscriber (a ``snapshot``: to those that want them),
        ``FAN_OUT_SLICE`` at a time, pausing for requests that arrive meanwhile."""
        with self._lock:
            subs = [sub for sub in self._subs if sub.snapshots] if snapshot else list(self._subs)
        for i, sub in enumerate(subs):
            if i and i % FAN_OUT_SLICE == 0:
                time.sleep(0)  # the clients handed the batch so far write it (on gevent's hub)
                self._let_requests_go_first(deadline)
            if not sub.deliver(batch):
                if not sub.closed:
                    log.warning("dropping an event subscriber %d batches behind (a really slow "
                                "or stalled screen; it reconnects and resumes)",
                                SUBSCRIBER_BACKLOG)
                self.unsubscribe(sub)
