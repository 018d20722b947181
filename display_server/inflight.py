"""Counts the ordinary HTTP requests in progress, so the event bus can let them go first: an
officer's click is answered before the fan-out of the event it caused to every screen (measured
under gevent too: call-next p95 with 1,000 streams, docs/serving.md)."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable

from werkzeug.wsgi import ClosingIterator

from motcua.core.thread_locks import thread_lock

LONG_LIVED = ("/api/v1/events",)
"""Path prefixes of streams that stay open for hours: they are not requests in progress."""

POLL_S = 0.0005
"""How often :meth:`RequestsInFlight.wait_idle` looks at the count (gevent's sleep on the hub)."""


class RequestsInFlight:
    """WSGI middleware: how many requests are running, and a way to wait until none is.

    A request counts from the moment the app is called until the server closes its body (after
    the last byte was handed to the connection). The count is counted up on a request thread and
    down on the hub: it takes the operating system's lock, held for one addition, and the hub
    waits by looking every :data:`POLL_S` (a gevent ``Condition`` shared by real threads and
    the hub is what a real thread may wait on for good, motcua/core/thread_locks.py)."""

    def __init__(self, app: Callable, *, long_lived: tuple[str, ...] = LONG_LIVED):
        self.app = app
        self.long_lived = long_lived
        self._count = 0
        self._lock = thread_lock()

    @property
    def count(self) -> int:
        return self._count

    def wait_idle(self, timeout: float) -> bool:
        """Sleep until no request is in progress (True) or ``timeout`` seconds pass (False)."""
        deadline = time.monotonic() + timeout
        while self._count:  # usually 0 at once: asked once per screen slice by the fan-out
            if time.monotonic() >= deadline:
                return False
            time.sleep(POLL_S)  # gevent's on the hub: the streams go on meanwhile
        return True

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        if environ.get("PATH_INFO", "").startswith(self.long_lived):
            return self.app(environ, start_response)
        with self._lock:
            self._count += 1
        done = _Once(self._finished)
        try:
            body = self.app(environ, start_response)
        except BaseException:
            done()
            raise
        return ClosingIterator(body, done)

    def _finished(self) -> None:
        with self._lock:
            self._count -= 1


class _Once:
    """Calls ``fn`` the first time it is called, never again."""

    def __init__(self, fn: Callable[[], None]):
        self.fn: Callable[[], None] | None = fn

    def __call__(self) -> None:
        fn, self.fn = self.fn, None
        if fn is not None:
            fn()
