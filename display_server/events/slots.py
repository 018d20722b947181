"""A cap on the event streams one server process holds open: under waitress every stream holds a
worker thread, so without a cap enough screens would leave no thread for an officer's click."""

from __future__ import annotations

import logging
import threading
import time

log = logging.getLogger(__name__)

REFUSED_LOG_INTERVAL_S = 60.0
"""A refused stream is logged at most once per this many seconds (with the count meanwhile)."""


def stream_limit(threads: int) -> int:
    """Streams allowed with ``threads`` worker threads: a quarter of them (at least 4) stay free
    for ordinary requests."""
    return max(1, threads - max(4, threads // 4))


class StreamSlots:
    """Counts open streams; ``limit`` None means no cap (a WSGI server without a thread each)."""

    def __init__(self, limit: int | None = None):
        self.limit = limit
        self.open = 0
        self._lock = threading.Lock()
        self._refused = 0
        self._logged_at = float("-inf")

    def acquire(self) -> bool:
        """Take a slot; False (and a rate-limited warning) when every slot is taken."""
        with self._lock:
            if self.limit is None or self.open < self.limit:
                self.open += 1
                return True
            self._refused += 1
            now = time.monotonic()
            if now - self._logged_at < REFUSED_LOG_INTERVAL_S:
                return False
            refused, self._refused, self._logged_at = self._refused, 0, now
        log.warning("event streams at the limit (%d open); refused %d screen(s) since the last "
                    "warning (they retry). Raise [server] threads to serve more screens.",
                    self.limit, refused)
        return False

    def release(self) -> None:
        with self._lock:
            self.open = max(0, self.open - 1)
