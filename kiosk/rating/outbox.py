"""Durable SQLite outbox of a rating station: every accepted press is stored here before it is sent.

Rows move ``pending`` -> ``sent`` (delivered; kept a few days for audit, then pruned) or
``pending`` -> ``dead`` (refused by the server for good; kept, with the reason, until requeued).
The file uses WAL with ``synchronous=FULL``: once :meth:`Outbox.add` returns, the press survives a
power cut. Rows are delivered in ``seq`` order (the order of the presses).
"""

from __future__ import annotations

import sqlite3
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

PENDING, SENT, DEAD = "pending", "sent", "dead"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS outbox (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT,
    rating_id  TEXT NOT NULL UNIQUE,
    counter_id TEXT NOT NULL,
    level      TEXT NOT NULL,
    pressed_at TEXT NOT NULL,
    state      TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sent', 'dead')),
    attempts   INTEGER NOT NULL DEFAULT 0,
    last_error TEXT NOT NULL DEFAULT '',
    done_at    TEXT
);
CREATE INDEX IF NOT EXISTS ix_outbox_state_seq ON outbox (state, seq);
"""


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class OutboxItem:
    """One stored press."""

    seq: int
    rating_id: str
    counter_id: str
    level: str
    pressed_at: datetime
    state: str = PENDING
    attempts: int = 0
    last_error: str = ""


class Outbox:
    """The outbox file; safe to share between the press thread(s) and the sender thread."""

    def __init__(self, path: str | Path, *, now: Callable[[], datetime] = utc_now):
        self.path = Path(path)
        self._now = now
        self._lock = threading.Lock()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False,
                                   timeout=30)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")
        self._db.executescript(_SCHEMA)

    # -- writing ----------------------------------------------------------------------------
    def add(self, counter_id: str, level: str, pressed_at: datetime | None = None) -> OutboxItem:
        """Store one press with a new uuid4 ``rating_id``; durable when this returns."""
        pressed = pressed_at or self._now()
        if pressed.tzinfo is None:
            raise ValueError("pressed_at must be an aware datetime")
        pressed = pressed.astimezone(UTC)
        rating_id = str(uuid.uuid4())
        with self._lock:
            cur = self._db.execute(
                "INSERT INTO outbox (rating_id, counter_id, level, pressed_at) VALUES (?, ?, ?, ?)",
                (rating_id, counter_id, level, pressed.isoformat()))
        return OutboxItem(cur.lastrowid, rating_id, counter_id, level, pressed)

    def mark_sent(self, rating_id: str) -> None:
        self._finish(rating_id, SENT, None)

    def mark_dead(self, rating_id: str, reason: str) -> None:
        """The server refused this rating for good: keep it, with ``reason``, but stop sending."""
        self._finish(rating_id, DEAD, reason)

    def note_failure(self, rating_id: str, reason: str) -> None:
        """A delivery attempt failed and will be retried."""
        with self._lock:
            self._db.execute("UPDATE outbox SET attempts = attempts + 1, last_error = ? "
                             "WHERE rating_id = ?", (reason[:500], rating_id))

    def _finish(self, rating_id: str, state: str, reason: str | None) -> None:
        with self._lock:
            self._db.execute(
                "UPDATE outbox SET state = ?, done_at = ?, attempts = attempts + 1, "
                "last_error = COALESCE(?, last_error) WHERE rating_id = ? AND state = 'pending'",
                (state, self._now().astimezone(UTC).isoformat(),
                 None if reason is None else reason[:500], rating_id))

    def requeue_dead(self) -> int:
        """Send refused ratings again (after the config was fixed); returns how many."""
        with self._lock:
            return self._db.execute("UPDATE outbox SET state = 'pending', done_at = NULL "
                                    "WHERE state = 'dead'").rowcount

    def prune(self, keep: timedelta) -> int:
        """Delete sent rows delivered more than ``keep`` ago; returns how many."""
        cutoff = (self._now() - keep).astimezone(UTC).isoformat()
        with self._lock:
            return self._db.execute("DELETE FROM outbox WHERE state = 'sent' AND done_at < ?",
                                    (cutoff,)).rowcount

    # -- reading ----------------------------------------------------------------------------
    def pending(self, limit: int = 100) -> list[OutboxItem]:
        """The oldest pending presses, in press order."""
        return self._select("WHERE state = 'pending' ORDER BY seq LIMIT ?", (limit,))

    def items(self, state: str | None = None) -> list[OutboxItem]:
        """All rows (or those in ``state``), in press order."""
        if state is None:
            return self._select("ORDER BY seq", ())
        return self._select("WHERE state = ? ORDER BY seq", (state,))

    def backlog(self) -> int:
        """How many presses wait for delivery."""
        return self.counts()[PENDING]

    def counts(self) -> dict[str, int]:
        with self._lock:
            rows = self._db.execute("SELECT state, COUNT(*) FROM outbox GROUP BY state").fetchall()
        return {PENDING: 0, SENT: 0, DEAD: 0, **dict(rows)}

    def _select(self, tail: str, args: tuple) -> list[OutboxItem]:
        with self._lock:
            rows = self._db.execute(
                "SELECT seq, rating_id, counter_id, level, pressed_at, state, attempts, last_error "
                f"FROM outbox {tail}", args).fetchall()
        return [OutboxItem(r[0], r[1], r[2], r[3], datetime.fromisoformat(r[4]), *r[5:]) for r in rows]

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def __enter__(self) -> Outbox:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
