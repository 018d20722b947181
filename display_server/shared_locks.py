"""``threading``'s locks for a process where gevent's hub and real threads run the same code.

``motcua server`` patches the standard library for gevent, which makes ``threading.Lock`` gevent's
lock; but its requests run on a pool of real threads (:mod:`display_server.workers`), and a real
thread waiting for gevent's lock that another real thread releases is not reliably woken: it
waits for good. The libraries the requests use all take ``threading``'s locks (SQLAlchemy's
connection pool, Jinja's template cache, Babel's locale data, logging), so one by one the pool's
threads were lost, until no ordinary request was answered (two soaks, after two hours; eight
threads checking connections out of SQLAlchemy's pool lost seven of eight within a minute,
tests/server/test_shared_locks.py).

:class:`SharedLock` is the operating system's lock, which wakes real threads reliably; a greenlet
on the hub that must wait for it polls instead, sleeping gevent's sleep, so the hub's other
greenlets (every event stream) go on meanwhile. :func:`install` makes it ``threading``'s lock, and
with it of everything built on that lock (``RLock``, ``Condition``, ``Semaphore``).
"""

from __future__ import annotations

import _thread
import time

POLL_MAX_S = 0.002
"""The longest a greenlet on the hub sleeps between two tries for a lock held elsewhere (the first
tries come sooner: a lock is held for microseconds, nearly always)."""


def install() -> None:
    """Make :class:`SharedLock` ``threading``'s lock; call right after gevent's patching, from the
    thread that will run the hub, before other modules are imported. Idempotent."""
    import logging
    import threading

    from gevent import monkey

    if threading.Lock is SharedLock:
        return
    global _os_lock, _get_ident, _monotonic
    _os_lock = monkey.get_original("_thread", "allocate_lock")
    _get_ident = monkey.get_original("_thread", "get_ident")
    _monotonic = monkey.get_original("time", "monotonic")
    SharedLock.hub_thread = _get_ident()
    threading.Lock = threading._allocate_lock = _thread.allocate_lock = SharedLock
    # gevent gave logging's own lock its lock while patching (as it does the handlers');
    # logging takes it when a logger is looked up or configured, from any thread
    logging._lock = threading.RLock()


class SharedLock:
    """A lock for real threads and greenlets alike: the operating system's lock; a greenlet on
    the hub waits for it by polling with gevent's sleep (a real thread, or the hub itself while
    it runs a callback, where nothing can be switched to, blocks on it)."""

    __slots__ = ("_lock", "__weakref__")
    hub_thread: int | None = None
    """The thread whose greenlets poll (the main thread, which runs gevent's hub)."""

    def __init__(self) -> None:
        self._lock = _os_lock()

    def acquire(self, blocking: bool = True, timeout: float = -1) -> bool:
        if self._lock.acquire(False):
            return True
        if not blocking:
            return False
        if not _polls():
            return self._lock.acquire(True, timeout)
        return self._poll(None if timeout is None or timeout < 0 else timeout)

    def _poll(self, timeout: float | None) -> bool:
        import gevent

        deadline = None if timeout is None else _monotonic() + timeout
        delay = 0.0
        while True:
            gevent.sleep(delay)
            if self._lock.acquire(False):
                return True
            if deadline is not None and _monotonic() >= deadline:
                return False
            delay = min(POLL_MAX_S, delay * 2 or POLL_MAX_S / 32)

    __enter__ = acquire

    def __exit__(self, *exc: object) -> None:
        self._lock.release()

    def release(self) -> None:
        self._lock.release()

    def locked(self) -> bool:
        return self._lock.locked()

    def _at_fork_reinit(self) -> None:  # what threading calls on its locks in a forked child
        self._lock = _os_lock()

    def __repr__(self) -> str:
        return f"<SharedLock {'locked' if self.locked() else 'unlocked'}>"


# The operating system's originals, kept by gevent; set by install()
_os_lock = _thread.allocate_lock
_get_ident = _thread.get_ident
_monotonic = time.monotonic


def _polls() -> bool:
    """Whether the caller is a greenlet on the hub's thread, and not the hub itself."""
    import gevent

    if _get_ident() != SharedLock.hub_thread:
        return False
    return gevent.getcurrent() is not gevent.get_hub()
