"""Run the app under waitress, a production WSGI server that runs on a Raspberry Pi."""

from __future__ import annotations

import logging
import sys

from config.schema import Config

log = logging.getLogger("motcua.server")

OUTBUF_HIGH_WATERMARK = 1024 * 1024
"""Bytes written to one response buffer before waitress starts a new one (and a writer waits
while this much is unsent). Waitress keeps everything written to a buffer, sent or not, until it
starts the next: with its default of 16 MiB every screen's hours-long event stream would hold up
to 16 MiB. Must stay above ``MAX_BACKLOG_BYTES``, so the event bus never waits for a slow screen
(it drops it first)."""


def setup_logging(level: int = logging.INFO) -> None:
    """Log lines to stdout (journald picks them up under systemd)."""
    logging.basicConfig(level=level, stream=sys.stdout,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("alembic").setLevel(logging.WARNING)


def limit_malloc_arenas(arenas: int = 2) -> None:
    """Fewer glibc malloc arenas: a server with many threads otherwise holds far more memory
    than it uses (the same as MALLOC_ARENA_MAX=2)."""
    import ctypes
    import ctypes.util

    name = ctypes.util.find_library("c")
    if not name:
        return
    try:
        ctypes.CDLL(name).mallopt(-8, arenas)  # M_ARENA_MAX
    except (OSError, AttributeError):
        log.debug("mallopt not available")


def thread_count(config: Config) -> int:
    """Worker threads: the configured number, or enough for an officer page and a counter screen
    at every counter plus hall screens and ordinary requests."""
    if config.server.threads:
        return config.server.threads
    return max(64, 32 + 3 * len(config.counters))


def serve(config: Config, *, host: str | None = None, port: int | None = None,
          threads: int | None = None) -> None:
    """Serve until interrupted. Each connected screen holds one thread (SSE)."""
    from waitress import serve as waitress_serve

    from .app import create_app
    from .events.slots import stream_limit

    limit_malloc_arenas()
    # Hand the GIL over more often than every 5 ms: a request waiting behind the threads that
    # push an event to every screen then answers in about a millisecond, not several.
    sys.setswitchinterval(0.001)
    threads = threads or thread_count(config)
    streams = stream_limit(threads)
    app = create_app(config, max_streams=streams)
    host = host or config.server.host
    port = port or config.server.port
    log.info("motcua server for %s on http://%s:%d (%d threads, up to %d screens and officer "
             "pages)", config.centre.name, host, port, threads, streams)
    waitress_serve(app, host=host, port=port, threads=threads, connection_limit=threads + 100,
                   channel_timeout=60, ident="motcua", clear_untrusted_proxy_headers=True,
                   outbuf_high_watermark=OUTBUF_HIGH_WATERMARK)
