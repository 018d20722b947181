"""Attempts per key kept in the database: a sliding window that every server process shares and
a restart keeps (the public booking limit per client address).

An attempt is a row of ``attempts`` (the key hashed with the server's secret, so the database
keeps no address). Counting and adding are one write transaction: SQLite writers take turns,
and on PostgreSQL the transaction first takes an advisory lock of its key, so concurrent
attempts of one key never pass the limit. Rows of its scope older than the window are
deleted as it goes (a limit with a longer window may share the table).
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import bindparam, delete, func, select, text

from . import tables as t
from .database import Database
from .prepared import Prepared

A = t.attempts.c
_RECENT = Prepared(select(func.count(), func.min(A.at))
                   .where(A.key == bindparam("b_key"), A.at > bindparam("b_since")))
_ADD = Prepared(t.attempts.insert())
_PRUNE = Prepared(delete(t.attempts).where(A.at <= bindparam("b_since"),
                                           A.key.startswith(bindparam("b_scope"))))
_LOCK = Prepared(text("SELECT pg_advisory_xact_lock(:space, :key)"))
_LOCK_SPACE = 0x6D6F7461  # "mota": this module's advisory locks (two-int keys: apart from others)


class StoredWindow:
    """At most ``limit`` attempts per key within ``window_s`` seconds, counted in the database;
    then the key waits until its oldest attempt leaves the window. ``scope`` (letters) names
    the limit: several limits share the table; ``clock`` gives naive UTC times; ``salt``
    keys the hashes."""

    def __init__(self, db: Database, scope: str, limit: int, window_s: float,
                 clock: Callable[[], datetime], *, salt: str = ""):
        if not (scope.isascii() and scope.isalpha()):  # no LIKE wildcard in the pruning
            raise ValueError(f"a scope is letters only: {scope!r}")
        self.db = db
        self.scope = scope
        self.limit = limit
        self.window = timedelta(seconds=window_s)
        self.clock = clock
        self.salt = salt
        self._pruned: datetime | None = None

    def attempt(self, key: str) -> int:
        """Count an attempt of ``key`` and answer 0, or answer the seconds it must wait (the
        attempt is then not counted)."""
        digest = hashlib.sha256(f"{self.salt}\0{self.scope}\0{key}".encode()).digest()
        stored = f"{self.scope}:{digest.hex()[:32]}"
        now = self.clock()
        since = now - self.window
        with self.db.write() as conn:
            if not self.db.is_sqlite:
                _LOCK.run(conn, {"space": _LOCK_SPACE,
                                 "key": int.from_bytes(digest[:4], "big", signed=True)})
            if self._pruned is None or now - self._pruned >= self.window:
                _PRUNE.run(conn, {"b_since": since, "b_scope": self.scope + ":"})
                self._pruned = now  # at worst, pruned again one window later
            count, oldest = _RECENT.run(conn, {"b_key": stored, "b_since": since}).one()
            if count >= self.limit:
                left = self.window.total_seconds() - (now - oldest).total_seconds()
                return max(1, math.ceil(left))
            _ADD.run(conn, {"key": stored, "at": now})
        return 0
