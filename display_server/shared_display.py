"""One display snapshot for all server processes on PostgreSQL.

Every process hears every change and each would build the same snapshot for its own screens.
Instead the first process that needs a newer one builds it and stores it (the ``meta`` row
``display``); the others wait on a lock meanwhile and then read it: one snapshot per change for
the whole province instead of one per process. A process first reads the row without the lock,
so only builders and those waiting for a build take it.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable
from zoneinfo import ZoneInfo

from sqlalchemy import select, text

from motcua.core.storage import Database
from motcua.core.storage import tables as t

from .present import DisplayJSON, server_time

log = logging.getLogger(__name__)

DISPLAY_LOCK = 0x6D6F7464  # "motd": taken while a process reads or builds the shared snapshot
META_KEY = "display"

_NO_FSYNC = text("SET LOCAL synchronous_commit = off")  # a cache: no fsync wait
_LOCK = text("SELECT pg_advisory_xact_lock(:k)")
_READ = select(t.meta.c.value).where(t.meta.c.key == META_KEY)
_STORE = text(f"INSERT INTO meta (key, value) VALUES ('{META_KEY}', :b_value) "  # text: compiled once
              "ON CONFLICT (key) DO UPDATE SET value = excluded.value")
_STORED_ID = re.compile(r'\{"last_event_id": (-?\d+), ')


def stored_display(snap: dict) -> str:
    """``snap`` as kept between processes: ``last_event_id`` first (read without parsing the
    rest, see :func:`stored_last_event_id`), no ``server_time`` (added when it is sent)."""
    rest = {k: v for k, v in snap.items() if k not in ("last_event_id", "server_time")}
    return json.dumps({"last_event_id": snap["last_event_id"], **rest}, ensure_ascii=False,
                      default=str)


def stored_last_event_id(stored: str) -> int | None:
    """The ``last_event_id`` of a :func:`stored_display` text; None if it is not one."""
    m = _STORED_ID.match(stored)
    return int(m.group(1)) if m and stored.endswith("}") else None


def sent_display(stored: str, zone: ZoneInfo) -> DisplayJSON:
    """A :func:`stored_display` text with the current ``server_time``, ready to send."""
    last_id = stored_last_event_id(stored)
    if last_id is None:
        raise ValueError("not a stored display snapshot")
    return DisplayJSON(f'{stored[:-1]}, "server_time": {json.dumps(server_time(zone))}}}', last_id)


class SharedDisplay:
    """``build`` makes a snapshot (with ``last_event_id`` and ``server_time``); ``needed`` says
    which event this process's screens have been sent so far: a stored snapshot at least that
    new is good enough; ``latest`` is the id of the last committed event."""

    def __init__(self, db: Database, build: Callable[[], dict], needed: Callable[[], int],
                 latest: Callable[[], int], zone: ZoneInfo):
        self.db = db
        self.build = build
        self.needed = needed
        self.latest = latest
        self.zone = zone

    def __call__(self, *, fresh: bool = False) -> DisplayJSON:
        """A snapshot at least as new as ``needed()``, or, when ``fresh``, as new as the last
        committed change (what a plain HTTP read must show, even before this process heard).
        It stays JSON text from one process to the next: only ``server_time`` is added."""
        needed = self.latest() if fresh else self.needed()
        with self.db.read_single() as conn:  # usually another process stored it already: no lock
            stored = self._good(conn.execute(_READ).scalar(), needed, quiet=True)
        if stored is not None:
            return sent_display(stored, self.zone)
        with self.db.engine.connect() as conn:
            with conn.begin():
                conn.execute(_NO_FSYNC)
                conn.execute(_LOCK, {"k": DISPLAY_LOCK})  # one builder; the others wait, then read
                stored = self._good(conn.execute(_READ).scalar(), needed)
                if stored is None:
                    stored = stored_display(self.build())
                    conn.execute(_STORE, {"b_value": stored})
            return sent_display(stored, self.zone)

    @staticmethod
    def _good(stored: str | None, needed: int, *, quiet: bool = False) -> str | None:
        """``stored`` if it is a snapshot at least as new as event ``needed``, else None."""
        if stored is None:
            return None
        stored_id = stored_last_event_id(stored)
        if stored_id is None:
            if not quiet:
                log.warning("the shared display snapshot was unreadable; building a new one")
            return None
        return stored if stored_id >= needed else None
