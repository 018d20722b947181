"""A full disk: told apart from other failures, measured, and logged once a minute.

When the disk holding the data folder fills up, SQLite answers "database or disk is full"
(SQLITE_FULL), or "disk I/O error" when its WAL or shared-memory file cannot grow; PostgreSQL
answers SQLSTATE 53100 (psycopg's ``DiskFull``); other writes (voice cache, the session secret)
raise ``OSError`` ENOSPC. The failed transaction is rolled back, so nothing is half written; the
server refuses with ``disk_full`` and works again by itself as soon as there is room.
"""

from __future__ import annotations

import errno
import logging
import shutil
import threading
import time
from pathlib import Path

log = logging.getLogger(__name__)

FULL_BELOW_BYTES = 1024 * 1024
"""Less free space than this in the data folder: health says the disk is ``full``."""
LOW_BELOW_BYTES = 50 * 1024 * 1024
"""Less than this: ``low`` (a day's tickets take far less, a backup or a log can take more)."""
RETRY_AFTER_S = 30
LOG_EVERY_S = 60.0

NO_SPACE_ERRNOS = {errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)}
_SQLITE_IOERR = 10
_SQLITE_FULL = 13
_PG_DISK_FULL = "53100"


def free_bytes(folder: Path) -> int | None:
    """Bytes an ordinary process may still write in ``folder`` (None if it cannot be told)."""
    try:
        return shutil.disk_usage(folder).free
    except OSError:
        return None


def _causes(exc: BaseException):
    seen: set[int] = set()
    todo: list[BaseException | None] = [exc]
    while todo:
        e = todo.pop()
        if e is None or id(e) in seen:
            continue
        seen.add(id(e))
        yield e
        todo += [getattr(e, "orig", None), e.__cause__, e.__context__]


class DiskSpace:
    """The folders the server writes to (the data folder, and the SQLite database's folder when
    it is elsewhere): free space, whether an error means the disk is full, one log line a
    minute while it is."""

    def __init__(self, folders: list[Path], *, clock=time.monotonic):
        self.folders = list(dict.fromkeys(Path(f) for f in folders))
        self.clock = clock
        self._lock = threading.Lock()
        self._logged_at: float | None = None
        self._free_then: int | None = None  # free bytes when the last write was refused

    def tightest(self) -> tuple[Path, int | None]:
        """The folder with the least free space, and that space."""
        measured = [(f, free_bytes(f)) for f in self.folders]
        known = [(f, b) for f, b in measured if b is not None]
        return min(known, key=lambda fb: fb[1]) if known else (self.folders[0], None)

    def is_full_error(self, exc: BaseException) -> bool:
        """Whether ``exc`` (or what caused it) says there is no room left to write."""
        for e in _causes(exc):
            if isinstance(e, OSError) and e.errno in NO_SPACE_ERRNOS:
                return True
            if getattr(e, "sqlstate", None) == _PG_DISK_FULL:
                return True
            code = getattr(e, "sqlite_errorcode", None)
            if code is not None:
                if code & 0xFF == _SQLITE_FULL:
                    return True
                if code & 0xFF == _SQLITE_IOERR:  # a WAL or -shm file that could not grow
                    free = self.tightest()[1]
                    return free is not None and free < LOW_BELOW_BYTES
            elif "database or disk is full" in str(e):
                return True
        return False

    def refused(self, what: str) -> None:
        """Note a write refused for want of space; logs (once a minute) where and how much."""
        now = self.clock()
        folder, free = self.tightest()
        with self._lock:
            self._free_then = free if free is not None else 0
            if self._logged_at is not None and now - self._logged_at < LOG_EVERY_S:
                return
            self._logged_at = now
        log.error("disk full: cannot write to the data folder %s (%s bytes free); refusing %s "
                  "until space returns (logged at most once a minute)",
                  folder, "unknown" if free is None else free, what)

    def wrote(self) -> None:
        """A write went through: the disk takes writes again."""
        with self._lock:
            self._free_then = None

    def state(self) -> dict:
        """For the health check: ``status`` ``ok``, ``low`` or ``full`` and ``free_bytes``.

        ``full`` when almost nothing is free, or when the last write was refused for want of
        space and no room has come back since (a quota, or a filesystem that keeps space for
        root, can refuse a write with space free)."""
        free = self.tightest()[1]
        with self._lock:
            then = self._free_then
        refused = then is not None and (free is None or free < then + FULL_BELOW_BYTES)
        if refused or (free is not None and free < FULL_BELOW_BYTES):
            status = "full"
        elif free is not None and free < LOW_BELOW_BYTES:
            status = "low"
        else:
            status = "ok"
        return {"status": status, "free_bytes": free, "low_below_bytes": LOW_BELOW_BYTES}
