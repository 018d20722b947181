"""Ordinary requests on a few real threads, event streams on gevent's hub.

The ``sqlite3`` module never yields: on the hub, a request's commit (its ``fsync``) or a report
would stop every stream and every other request until it is done. On a thread of gevent's pool
it holds only the GIL, which it gives up during the ``fsync`` and at least every few
milliseconds otherwise, so the hub goes on sending to the streams and an officer's click is not
queued behind a fan-out to every screen. A request's body is read on the hub first (a gevent
socket belongs to its hub's thread); the answer is joined on the thread and sent from the hub.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable

from werkzeug.wsgi import ClosingIterator

ON_THE_HUB = ("/api/v1/events", "/api/v1/announcements/")
"""Path prefixes served on the hub itself: the event streams (a greenlet each, for hours) and
the voice announcements (made by a subprocess, which gevent runs on the hub)."""
THREADS = 8
"""Threads for ordinary requests: more than the cores, so a request waiting for the database's
write lock does not hold the others back; few, so a burst cannot make the GIL thrash."""


class RequestsOnThreads:
    """WSGI middleware: ``app`` runs on ``pool`` (``apply(fn, args)``, e.g. gevent's
    ``ThreadPool``) for every path not in ``on_hub``."""

    def __init__(self, app: Callable, pool, *, on_hub: tuple[str, ...] = ON_THE_HUB,
                 max_body: int = 64 * 1024):
        self.app = app
        self.pool = pool
        self.on_hub = on_hub
        self.max_body = max_body

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        if environ.get("PATH_INFO", "").startswith(self.on_hub):
            return self.app(environ, start_response)
        try:
            body = self._body(environ)
        except OSError:  # half a body, then quiet past the read timeout (or the client left)
            start_response("408 Request Timeout", [("Content-Length", "0"),
                                                   ("Connection", "close")])
            return []
        environ["wsgi.input"] = io.BytesIO(body)
        whole, close = self.pool.apply(self._whole, (environ, start_response))
        return ClosingIterator(whole, close) if close is not None else whole

    def _body(self, environ: dict) -> bytes:
        """The request body, read here; none past ``max_body`` (the app refuses those with 413
        from their Content-Length, without reading them)."""
        try:
            length = int(environ.get("CONTENT_LENGTH") or -1)
        except ValueError:
            length = -1
        stream = environ["wsgi.input"]
        if 0 <= length <= self.max_body:
            return stream.read(length)
        if length < 0 and "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower():
            return stream.read(self.max_body + 1)
        return b""

    def _whole(self, environ: dict, start_response: Callable
               ) -> tuple[list[bytes], Callable[[], None] | None]:
        """The app's answer, joined, and its body's ``close``, which the server calls on the hub
        once the answer is sent: until then the request counts as in progress
        (:class:`~display_server.inflight.RequestsInFlight`), so the event bus does not start
        a fan-out to every stream between the answer being ready and its being sent."""
        body = self.app(environ, start_response)
        close = getattr(body, "close", None)
        try:
            return [b"".join(body)], close
        except BaseException:
            if close is not None:
                close()
            raise
