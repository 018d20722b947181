"""Who may open an event stream: a cap per client address for anonymous streams, and a cap for
the whole process sized from its memory. A stream costs a few tens of kilobytes (a greenlet, a
socket and its buffers, a queue of batches), not a thread, so the caps are about memory and
about one greedy client, not about threads."""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass

from ..machine import available_memory

log = logging.getLogger(__name__)

STREAM_COST_BYTES = 128 * 1024
"""Memory budgeted per open stream (measured: about 30 KiB of RSS each; the rest is headroom for
a backlog of batches and the kernel's socket buffers)."""
MEMORY_SHARE = 0.25
"""The share of the memory available at start that streams may take in all."""
MIN_STREAMS, MAX_STREAMS = 200, 20_000
ANONYMOUS_SHARE = 0.9
"""Anonymous streams (phones, unregistered screens) may fill this much of the global cap: the
rest stays for officers and registered screens even when a crowd has taken everything else."""
REFUSED_LOG_INTERVAL_S = 60.0
"""Refusals are logged at most once per this many seconds (with the count meanwhile)."""


def open_files_limit() -> int | None:
    """The soft limit on open files (each stream is one), or None where unknown."""
    try:
        import resource

        soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    except (ImportError, OSError, ValueError):
        return None
    return None if soft == resource.RLIM_INFINITY else soft


def global_limit(memory: int | None = None, files: int | None = None) -> int:
    """Streams one process may hold: a share of the memory available, below the open-files limit
    (with room for ordinary requests and the database), within [MIN_STREAMS, MAX_STREAMS]."""
    memory = available_memory() if memory is None else memory
    limit = MAX_STREAMS if memory is None else int(memory * MEMORY_SHARE // STREAM_COST_BYTES)
    files = open_files_limit() if files is None else files
    if files is not None:
        limit = min(limit, files - 200)
    return max(MIN_STREAMS, min(MAX_STREAMS, limit))


@dataclass(frozen=True)
class Refusal:
    """Why a stream was turned away: HTTP status, error code, seconds to wait."""

    status: int
    code: str
    retry_after_s: int


PER_ADDRESS = Refusal(429, "too_many_streams_from_address", 10)
FULL = Refusal(503, "too_many_streams", 5)


class StreamAdmission:
    """Counts open streams, per client address for the anonymous ones. ``per_address`` None
    or ``limit`` None: no such cap."""

    def __init__(self, limit: int | None = None, per_address: int | None = None):
        self.limit = limit
        self.per_address = per_address
        self.open = 0
        self._by_address: dict[str, int] = {}
        self._lock = threading.Lock()
        self._refused = 0
        self._logged_at = float("-inf")

    @classmethod
    def sized(cls, per_address: int) -> StreamAdmission:
        return cls(global_limit(), per_address)

    def admit(self, address: str, *, anonymous: bool) -> Refusal | None:
        """Take a place (None) or say why not."""
        with self._lock:
            refusal = self._refusal(address, anonymous)
            if refusal is None:
                self.open += 1
                if anonymous:
                    self._by_address[address] = self._by_address.get(address, 0) + 1
                return None
            self._refused += 1
            now = time.monotonic()
            if now - self._logged_at < REFUSED_LOG_INTERVAL_S:
                return refusal
            refused, self._refused, self._logged_at = self._refused, 0, now
        log.warning("event streams refused: %d since the last warning (now %s from %s; %d open, "
                    "cap %s, %s per address); they retry", refused, refusal.code, address,
                    self.open, self.limit, self.per_address)
        return refusal

    def _refusal(self, address: str, anonymous: bool) -> Refusal | None:
        if self.limit is not None:
            cap = int(self.limit * ANONYMOUS_SHARE) if anonymous else self.limit
            if self.open >= cap:
                return FULL
        if (anonymous and self.per_address is not None
                and self._by_address.get(address, 0) >= self.per_address):
            return PER_ADDRESS
        return None

    def release(self, address: str, *, anonymous: bool) -> None:
        with self._lock:
            self.open = max(0, self.open - 1)
            if anonymous:
                left = self._by_address.get(address, 0) - 1
                if left > 0:
                    self._by_address[address] = left
                else:
                    self._by_address.pop(address, None)

    def from_address(self, address: str) -> int:
        with self._lock:
            return self._by_address.get(address, 0)


