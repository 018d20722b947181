"""One display snapshot for all server processes on PostgreSQL.

Every process hears every change and each would build the same snapshot for its own screens.
Instead the first process that needs a newer one builds it and stores it (the ``meta`` row
``display``); the others wait on a lock meanwhile and then read it: one snapshot per change for
the whole province instead of one per process.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable

from sqlalchemy import bindparam, select, text
from sqlalchemy.dialects import postgresql

from .present import server_time
from .storage import Database
from .storage import tables as t

log = logging.getLogger(__name__)

DISPLAY_LOCK = 0x6D6F7464  # "motd": taken while a process reads or builds the shared snapshot
META_KEY = "display"

_READ = select(t.meta.c.value).where(t.meta.c.key == META_KEY)
_STORE = (postgresql.insert(t.meta).values(key=META_KEY, value=bindparam("b_value"))
          .on_conflict_do_update(index_elements=["key"], set_={"value": bindparam("b_value")}))


class SharedDisplay:
    """``build`` makes a snapshot (with ``last_event_id`` and ``server_time``); ``needed`` says
    which event this process's screens have been sent so far: a stored snapshot at least that
    new is good enough; ``latest`` is the id of the last committed event."""

    def __init__(self, db: Database, build: Callable[[], dict], needed: Callable[[], int],
                 latest: Callable[[], int], zone):
        self.db = db
        self.build = build
        self.needed = needed
        self.latest = latest
        self.zone = zone

    def __call__(self, *, fresh: bool = False) -> dict:
        """A snapshot at least as new as ``needed()``, or, when ``fresh``, as new as the last
        committed change (what a plain HTTP read must show, even before this process heard)."""
        needed = -1 if fresh else self.needed()
        with self.db.engine.connect() as conn, conn.begin():
            conn.execute(text("SET LOCAL synchronous_commit = off"))  # a cache: no fsync wait
            conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": DISPLAY_LOCK})
            if fresh:
                needed = self.latest()
            stored = conn.execute(_READ).scalar()
            if stored is not None:
                try:
                    snap = json.loads(stored)
                    if snap.get("last_event_id", -1) >= needed:
                        snap["server_time"] = server_time(self.zone)
                        return snap
                except ValueError:
                    log.warning("the shared display snapshot was unreadable; building a new one")
            snap = self.build()
            conn.execute(_STORE, {"b_value": json.dumps(snap, ensure_ascii=False, default=str)})
            return snap
