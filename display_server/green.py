"""Cooperative I/O for ``motcua server``: gevent's monkey patching, applied before anything else
is imported (the console script does it first, see :mod:`motcua.cli.launch`). Threads become
greenlets and sockets, locks, queues and sleeps yield to the other connections, so a connection
costs a greenlet (a few kilobytes) instead of an operating-system thread. ``threading``'s lock
stays the operating system's (:mod:`display_server.shared_locks`): the ordinary requests run on
real threads."""

from __future__ import annotations


def patch() -> None:
    """Patch the standard library for gevent (idempotent); MissingExtra without gevent."""
    try:
        from gevent import monkey
    except ImportError:
        from motcua.core.extras import MissingExtra

        raise MissingExtra("server", "gevent") from None
    if not monkey.is_module_patched("socket"):
        monkey.patch_all()
        from .shared_locks import install

        install()  # threading's lock: the OS's, so the request threads are woken reliably


def patched() -> bool:
    """True when the standard library is patched (the server runs on gevent's hub)."""
    try:
        from gevent import monkey
    except ImportError:
        return False
    return monkey.is_module_patched("socket")
