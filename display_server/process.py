"""The server's process, set up for serving: its log lines, its locks among real threads, glibc's
heap, and how often the GIL changes hands. :func:`display_server.serve.serve` calls these around
building the app, and leaves :func:`keep_trimming_heap` running beside the server."""

from __future__ import annotations

import functools
import logging
import sys

log = logging.getLogger("motcua.server")

HEAP_TRIM_EVERY_S = 60.0
"""How often the server gives its heap's free pages back (:func:`keep_trimming_heap`)."""


def setup_logging(level: int = logging.INFO) -> None:
    """Log lines to stdout (journald picks them up under systemd)."""
    logging.basicConfig(level=level, stream=sys.stdout,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("alembic").setLevel(logging.WARNING)


@functools.cache
def _libc():
    """The C library this process runs on (for glibc's ``mallopt`` and ``malloc_trim``)."""
    import ctypes

    return ctypes.CDLL(None)


def trim_heap() -> None:
    """Give the heap's free pages back to the system (glibc's ``malloc_trim``): what building the
    app allocated and freed (the config's parsing, the database's checks) would otherwise stay
    resident for the server's whole life."""
    trim = getattr(_libc(), "malloc_trim", None)  # not in every C library
    if trim is not None:
        trim(0)


def keep_trimming_heap(every_s: float = HEAP_TRIM_EVERY_S, *, sleep=None, trim=None) -> None:
    """Trim the heap every ``every_s`` seconds, for ever (a greenlet of the server's): the
    memory a burst used and freed (a hall of screens reconnecting, a stalled screen's backlog,
    the greenlets' saved stacks) otherwise stays resident as glibc's free chunks, and the
    server's RSS kept the high-water mark of every burst, rising for hours without a leak
    (Python's objects stayed flat, measured). A trim takes 0.1-0.6 ms here."""
    import time

    sleep = sleep or time.sleep  # gevent's after the patching: the hub goes on meanwhile
    trim = trim or trim_heap
    while True:
        sleep(every_s)
        trim()


M_ARENA_MAX = -8
M_MMAP_THRESHOLD = -3
MMAP_THRESHOLD_BYTES = 128 * 1024
"""Blocks this big or bigger are mapped on their own, and given back whole when freed."""


def tune_malloc(arenas: int = 1, mmap_threshold: int = MMAP_THRESHOLD_BYTES) -> None:
    """glibc's malloc for a process that runs for days (the same as ``MALLOC_ARENA_MAX=1`` and
    ``MALLOC_MMAP_THRESHOLD_=131072``): one arena for the hub and the few real threads
    (gevent's resolver and the request pool), which otherwise hold free memory each in their
    own; and a fixed mmap threshold. glibc otherwise raises that threshold to the largest block
    freed (up to 32 MiB), and big short-lived blocks then come from the heap and leave holes that
    longer-lived ones pin. In soaks at 20x a busy centre's pace the server's RSS rose about
    2.5 MB less in an hour than with two arenas and a moving threshold (docs/serving.md)."""
    mallopt = getattr(_libc(), "mallopt", None)
    if mallopt is None:
        log.debug("mallopt not available")
        return
    mallopt(M_ARENA_MAX, arenas)
    mallopt(M_MMAP_THRESHOLD, mmap_threshold)


def share_the_gil_often(interval_s: float = 0.001) -> None:
    """The hub (streams) and the request threads share the GIL: hand it over every 1 ms rather
    than every 5, so a request waiting behind a fan-out to every stream answers in about a
    millisecond, not several."""
    sys.setswitchinterval(interval_s)
