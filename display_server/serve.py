"""Run the app under gevent's WSGI server: one greenlet per connection, so an event stream held
for hours costs a few kilobytes, not a thread. ``motcua server`` patches the standard library
first (:mod:`display_server.green`); the app itself is plain Flask.

Against greedy or broken clients: a request's line and headers must arrive within
``[server] read_timeout_s`` of the connection going quiet (a slowloris, or a half-open socket,
is closed then), each later read or write of a connection waits at most as long, and event
streams are admitted by :class:`~display_server.events.admission.StreamAdmission`."""

from __future__ import annotations

import logging
import socket

from config.schema import Config

from .process import (
    keep_trimming_heap,
    share_the_gil_often,
    trim_heap,
    tune_malloc,
)

log = logging.getLogger("motcua.server")

BACKLOG = 1024
"""Connections the kernel queues before the server accepts them (a hall of screens coming back
at once after a restart)."""


class ClientStalled(ValueError):
    """A request's headers did not come within the read timeout, or the client left half-way:
    bad client input to gevent (a ValueError), so it answers 400, closes, and logs one line at
    debug instead of a traceback."""


def handler_class(read_timeout_s: float):
    """gevent's request handler with a deadline for each request's line and headers and a
    timeout on every later read and write of the connection."""
    from gevent import Timeout
    from gevent.pywsgi import WSGIHandler

    class GuardedHandler(WSGIHandler):
        deadline: Timeout | None = None

        def read_requestline(self) -> str:
            self.socket.settimeout(read_timeout_s)
            self.deadline = Timeout.start_new(read_timeout_s,
                                              TimeoutError("request head too slow"))
            return super().read_requestline()  # an error ends the request: see below

        def handle_one_request(self):
            try:
                return super().handle_one_request()
            finally:  # a client that closed instead of sending a request (EOF), or sent too
                self._cancel()  # long a line, never reached read_request: its timer goes too

        def log_request(self) -> None:
            """No access log (the server has none): gevent would format each request's line
            anyway, a twentieth of the hub's time serving 50 screens (measured, py-spy)."""

        def read_request(self, raw_requestline: str):
            try:
                return super().read_request(raw_requestline)
            except OSError as exc:  # the head's deadline passed, or the client left half-way
                # gevent prints the traceback of any other error than a ValueError here (to
                # stderr: the journal), one per dawdling socket of a slowloris
                raise ClientStalled(str(exc) or type(exc).__name__) from None
            finally:
                self._cancel()

        def _cancel(self) -> None:
            if self.deadline is not None:
                self.deadline.close()
                self.deadline = None

    return GuardedHandler


def connection_class():
    """gevent's socket whose ``sendall`` first tries one plain ``send``: an event stream's
    message (a few hundred bytes) nearly always fits the socket's buffer, and gevent's own
    ``sendall`` asks the kernel for the buffer's size (``getsockopt``) before every write, a
    fifth of the hub's time in a fan-out to 1,000 streams (docs/serving.md). What ``send`` did
    not take goes through gevent's ``sendall``, with the socket's timeout as before."""
    import gevent.socket

    class Connection(gevent.socket.socket):
        def sendall(self, data, flags: int = 0) -> None:
            sent = self.send(data, flags) if data else 0
            if sent < len(data):
                super().sendall(memoryview(data)[sent:], flags)

    return Connection


def make_server(config: Config, host: str, port: int):
    """The app for ``config`` behind a gevent WSGI server listening on ``host``:``port``."""
    import gevent
    from gevent.pywsgi import LoggingLogAdapter, WSGIServer
    from gevent.threadpool import ThreadPool

    from .app import create_app
    from .workers import THREADS, RequestsOnThreads

    connection = connection_class()

    class Server(WSGIServer):
        def handle(self, sock, address) -> None:
            timeout = sock.gettimeout()
            sock = connection(fileno=sock.detach())
            sock.settimeout(timeout)
            # Headers and body go out in separate writes: without TCP_NODELAY the second waits
            # for the client's delayed ACK (40 ms on Linux).
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            try:
                super().handle(sock, address)
            except OSError as exc:  # the client went away while it was being answered
                log.debug("connection from %s ended: %s", address[0] if address else "?", exc)

    app = create_app(config)
    bus = app.extensions["motcua"].bus
    bus.start()  # its greenlets belong on the hub, not on a pool thread
    bus.hand_over = gevent.get_hub().loop.run_callback_threadsafe  # events come from the threads
    pool = ThreadPool(THREADS)
    bus.build_aside = pool.apply  # a snapshot's queries would stop the hub (1-2 ms)
    listener = socket.create_server((host, port), backlog=BACKLOG)
    return Server(listener, RequestsOnThreads(app, pool),
                  handler_class=handler_class(config.server.read_timeout_s), log=None,
                  error_log=LoggingLogAdapter(logging.getLogger("motcua.server.http"),
                                              logging.DEBUG))


def serve(config: Config, *, host: str | None = None, port: int | None = None) -> None:
    """Serve until interrupted (SIGTERM or SIGINT)."""
    import signal

    import gevent

    from .green import patch, patched

    if not patched():  # called from Python rather than through ``motcua server``
        patch()
    tune_malloc()
    share_the_gil_often()
    host = host or config.server.host
    port = port or config.server.port
    server = make_server(config, host, port)
    trim_heap()
    gevent.spawn(keep_trimming_heap)
    streams = server.application.app.extensions["motcua"].streams
    log.info("motcua server for %s on http://%s:%d (event-driven; up to %d event streams, %d "
             "per address for anonymous ones)", config.centre.name, host, port, streams.limit,
             streams.per_address)
    gevent.signal_handler(signal.SIGTERM, server.stop, 1)
    gevent.signal_handler(signal.SIGINT, server.stop, 1)
    server.serve_forever()
