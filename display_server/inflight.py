"""Counts the ordinary HTTP requests in progress, so the event bus can let them go first: an
officer's click is answered before the fan-out of the event it caused to every screen (measured
under gevent too: call-next p95 with 1,000 streams, docs/serving.md)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable

from werkzeug.wsgi import ClosingIterator

LONG_LIVED = ("/api/v1/events",)
"""Path prefixes of streams that stay open for hours: they are not requests in progress."""


class RequestsInFlight:
    """WSGI middleware: how many requests are running, and a way to wait until none is.

    A request counts from the moment the app is called until the server closes its body (after
    the last byte was handed to the connection)."""

    def __init__(self, app: Callable, *, long_lived: tuple[str, ...] = LONG_LIVED):
        self.app = app
        self.long_lived = long_lived
        self._count = 0
        self._idle = threading.Condition()

    @property
    def count(self) -> int:
        return self._count

    def wait_idle(self, timeout: float) -> bool:
        """Sleep until no request is in progress (True) or ``timeout`` seconds pass (False)."""
        if self._count == 0:  # the usual case, asked once per screen by the fan-out: no lock
            return True
        with self._idle:
            return self._idle.wait_for(lambda: self._count == 0, timeout)

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        if environ.get("PATH_INFO", "").startswith(self.long_lived):
            return self.app(environ, start_response)
        with self._idle:
            self._count += 1
        done = _Once(self._finished)
        try:
            body = self.app(environ, start_response)
        except BaseException:
            done()
            raise
        return ClosingIterator(body, done)

    def _finished(self) -> None:
        with self._idle:
            self._count -= 1
            if self._count == 0:
                self._idle.notify_all()


class _Once:
    """Calls ``fn`` the first time it is called, never again."""

    def __init__(self, fn: Callable[[], None]):
        self.fn: Callable[[], None] | None = fn

    def __call__(self) -> None:
        fn, self.fn = self.fn, None
        if fn is not None:
            fn()
