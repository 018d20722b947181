"""Attempts per key kept in the database, which every server process shares and a restart keeps:
the public bookings per client address, wrong appointment codes per device or officer, failed
logins per address and account.

An attempt is a row of ``attempts`` (the key hashed with the server's secret, so the database
keeps no address or name). Adding is a write transaction: SQLite writers take turns, and on
PostgreSQL the transaction first takes an advisory lock of its key, so concurrent attempts of
one key never pass a limit. Rows of a scope older than its window are deleted as it goes (a
scope with a longer window may share the table).
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import bindparam, delete, func, select, text

from . import tables as t
from .database import Database
from .prepared import Prepared

A = t.attempts.c
_RECENT = Prepared(select(func.count(), func.min(A.at), func.max(A.at))
                   .where(A.key == bindparam("b_key"), A.at > bindparam("b_since")))
_ADD = Prepared(t.attempts.insert())
_PRUNE = Prepared(delete(t.attempts).where(A.at <= bindparam("b_since"),
                                           A.key.startswith(bindparam("b_scope"))))
_CLEAR = Prepared(delete(t.attempts).where(A.key == bindparam("b_key")))
_LOCK = Prepared(text("SELECT pg_advisory_xact_lock(:space, :key)"))
_LOCK_SPACE = 0x6D6F7461  # "mota": this module's advisory locks (two-int keys: apart from others)


@dataclass(frozen=True)
class Recent:
    """A key's attempts within the window: how many, the first and the last (None: none)."""

    count: int
    oldest: datetime | None
    newest: datetime | None


class StoredAttempts:
    """The attempts of each key within the last ``window_s`` seconds, counted in the database.
    ``scope`` (letters) names the count: several share the table; ``clock`` gives naive UTC
    times; ``salt`` keys the hashes."""

    def __init__(self, db: Database, scope: str, window_s: float,
                 clock: Callable[[], datetime], *, salt: str = ""):
        if not (scope.isascii() and scope.isalpha()):  # no LIKE wildcard in the pruning
            raise ValueError(f"a scope is letters only: {scope!r}")
        self.db = db
        self.scope = scope
        self.window = timedelta(seconds=window_s)
        self.clock = clock
        self.salt = salt
        self._pruned: datetime | None = None

    def _stored(self, key: str) -> tuple[str, bytes]:
        digest = hashlib.sha256(f"{self.salt}\0{self.scope}\0{key}".encode()).digest()
        return f"{self.scope}:{digest.hex()[:32]}", digest

    def _recent(self, conn, stored: str, now: datetime) -> Recent:
        count, oldest, newest = _RECENT.run(conn, {"b_key": stored,
                                                   "b_since": now - self.window}).one()
        return Recent(count, oldest, newest)

    def recent(self, key: str) -> Recent:
        """``key``'s attempts within the window."""
        with self.db.read_single() as conn:
            return self._recent(conn, self._stored(key)[0], self.clock())

    def add(self, key: str) -> Recent:
        """Count an attempt of ``key``; its attempts within the window, this one included."""
        return self._add(key, None)[1]

    def clear(self, key: str) -> None:
        """Forget ``key``'s attempts (a success after failures)."""
        with self.db.write() as conn:
            _CLEAR.run(conn, {"b_key": self._stored(key)[0]})

    def _add(self, key: str, limit: int | None) -> tuple[bool, Recent]:
        """Add an attempt of ``key`` unless it already has ``limit`` in the window: whether it
        was added, and the window's attempts with it (or as they were, refused)."""
        stored, digest = self._stored(key)
        now = self.clock()
        with self.db.write() as conn:
            if not self.db.is_sqlite:
                _LOCK.run(conn, {"space": _LOCK_SPACE,
                                 "key": int.from_bytes(digest[:4], "big", signed=True)})
            if self._pruned is None or now - self._pruned >= self.window:
                _PRUNE.run(conn, {"b_since": now - self.window, "b_scope": self.scope + ":"})
                self._pruned = now  # at worst, pruned again one window later
            before = self._recent(conn, stored, now)
            if limit is not None and before.count >= limit:
                return False, before
            _ADD.run(conn, {"key": stored, "at": now})
        return True, Recent(before.count + 1, before.oldest or now, now)


class StoredWindow(StoredAttempts):
    """At most ``limit`` attempts per key within the window; then the key waits until its
    oldest attempt leaves it."""

    def __init__(self, db: Database, scope: str, limit: int, window_s: float,
                 clock: Callable[[], datetime], *, salt: str = ""):
        super().__init__(db, scope, window_s, clock, salt=salt)
        self.limit = limit

    def wait_for(self, recent: Recent) -> int:
        """Seconds a key with these attempts waits (0: none)."""
        if recent.count < self.limit or recent.oldest is None:
            return 0
        left = self.window.total_seconds() - (self.clock() - recent.oldest).total_seconds()
        return max(1, math.ceil(left))

    def wait_s(self, key: str) -> int:
        """Seconds until ``key`` may try again (0: now)."""
        return self.wait_for(self.recent(key))

    def attempt(self, key: str) -> int:
        """Count an attempt of ``key`` and answer 0, or answer the seconds it must wait (the
        attempt is then not counted)."""
        added, recent = self._add(key, self.limit)
        return 0 if added else self.wait_for(recent)
