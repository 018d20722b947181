"""Locks whose waiters are the operating system's threads, also in ``motcua server``.

The server patches the standard library for gevent (:mod:`display_server.green`), so
``threading.Lock`` is then gevent's. Its requests run on a pool of real threads, and a real thread
waiting for gevent's lock, released by another real thread while the waiter was parked, is not
reliably woken: a write waited over 10 s for a free lock, and eight threads logging at once
stopped for good (measured; tests/storage/test_write_lock.py, tests/server/test_thread_locks.py).
gevent keeps the originals; they are looked up in ``sys.modules``, not imported, so the core
does not depend on gevent. ``motcua server`` also gives ``threading`` back a lock of the
operating system's (:mod:`display_server.shared_locks`), for the libraries' locks; these stay
the operating system's in any process patched for gevent, whoever patched it.
"""

from __future__ import annotations

import sys
import threading


def _original(module: str, name: str, default):
    monkey = sys.modules.get("gevent.monkey")
    if monkey is not None and monkey.is_module_patched("threading"):
        return monkey.get_original(module, name)
    return default


def thread_lock():
    """A lock for real threads (``threading.Lock`` where nothing is patched)."""
    return _original("threading", "Lock", threading.Lock)()

