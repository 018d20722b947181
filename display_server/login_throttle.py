"""Password guessing, slowed per address and account (page and API logins share one)."""

from __future__ import annotations

import math
import threading
import time
from collections import deque


class LoginThrottle:
    """Slows password guessing without letting a stranger lock anyone out.

    Per address and account: ``max_failures`` wrong passwords within ``window_s`` refuse that
    account from that address until the window has passed (the right person on another machine
    still logs in). Per address, whatever the accounts: past ``address_free`` failures within the
    window, each further try waits twice as long after the last failure as the one before (1 s,
    2 s, 4 s... up to ``max_backoff_s``), so one machine cannot try many accounts quickly either.
    """

    def __init__(self, max_failures: int = 5, window_s: float = 600.0, address_free: int = 10,
                 max_backoff_s: float = 900.0, clock=time.monotonic):
        self.max_failures = max_failures
        self.window_s = window_s
        self.address_free = address_free
        self.max_backoff_s = max_backoff_s
        self.clock = clock
        self._failures: dict[tuple, deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, key: tuple, now: float) -> deque[float]:
        q = self._failures.setdefault(key, deque())
        while q and now - q[0] > self.window_s:
            q.popleft()
        return q

    def retry_after(self, address: str, username: str) -> int:
        """Seconds until this account may be tried from this address again (0 = now)."""
        now = self.clock()
        with self._lock:
            pair = self._recent(("pair", address, username.lower()), now)
            waits = [self.window_s - (now - pair[0])] if len(pair) >= self.max_failures else []
            tried = self._recent(("address", address), now)
            extra = len(tried) - self.address_free
            if extra > 0:
                waits.append(min(2.0 ** (extra - 1), self.max_backoff_s) - (now - tried[-1]))
        wait = max(waits, default=0.0)
        return math.ceil(wait) if wait > 0 else 0

    def failed(self, address: str, username: str) -> None:
        now = self.clock()
        with self._lock:
            if len(self._failures) > 4096:  # guessed names: forget the expired ones
                for key in [k for k, q in self._failures.items() if not self._recent(k, now)]:
                    del self._failures[key]
            self._recent(("pair", address, username.lower()), now).append(now)
            self._recent(("address", address), now).append(now)

    def succeeded(self, address: str, username: str) -> None:
        with self._lock:
            self._failures.pop(("pair", address, username.lower()), None)
