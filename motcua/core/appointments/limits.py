"""In-process limits on attempts per key (a device, an officer): wrong codes. (The public
bookings per address are counted in the database: ``storage/attempts.py``.)"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Callable


class Window:
    """At most ``limit`` attempts per key within ``window_s`` seconds; then the key waits until
    the oldest one leaves the window. Kept in memory: each server process counts its own."""

    def __init__(self, limit: int, window_s: float, clock: Callable[[], float] = time.monotonic):
        self.limit = limit
        self.window_s = window_s
        self.clock = clock
        self._seen: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, key: str, now: float) -> deque[float]:
        q = self._seen.setdefault(key, deque())
        while q and now - q[0] >= self.window_s:
            q.popleft()
        return q

    def wait_s(self, key: str) -> int:
        """Seconds until ``key`` may try again (0: now)."""
        now = self.clock()
        with self._lock:
            q = self._recent(key, now)
            if len(q) < self.limit:
                return 0
            return max(1, math.ceil(self.window_s - (now - q[0])))

    def add(self, key: str) -> int:
        """Count an attempt of ``key``; how many more it may make in the window."""
        now = self.clock()
        with self._lock:
            if len(self._seen) > 4096:  # many keys: forget those with nothing recent
                for k in [k for k, q in self._seen.items() if not self._recent(k, now)]:
                    del self._seen[k]
            q = self._recent(key, now)
            q.append(now)
            return max(0, self.limit - len(q))

    def clear(self, key: str) -> None:
        with self._lock:
            self._seen.pop(key, None)
