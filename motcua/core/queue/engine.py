"""The queue engine: issue, call, recall, skip, transfer, finish, pause, rate.

Every operation is one database transaction that also appends its audit-log rows; the events are
handed to the publishers only after the commit. Numbers come from a per-day, per-field sequence row
updated inside the transaction, and a ticket is moved to a counter with a guarded
``UPDATE ... WHERE state IN (waiting)``, so threads and processes sharing one database never produce
a duplicate number nor give one ticket to two counters.

On PostgreSQL writers run side by side and only the audit-log insert and the commit are
serialised (:meth:`Database.append_audit`). Row locks keep writers apart, always taken in
the same order so that two writers never wait for each other: the ``day`` meta row, then one
counter's row (or all of them, for a new day), then tickets, then sequences. A counter calling
next passes over a ticket another counter is calling at that moment (``SKIP LOCKED``) instead of
waiting for it.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from datetime import UTC, datetime

from config.schema import Config

from ..storage.database import Database
from ..storage.prepared import Prepared
from .base import EngineBase
from .day import DayRollover
from .estimates import Estimates
from .events import Publisher
from .lifecycle import Lifecycle
from .pauses import Pauses
from .ratings import Ratings
from .reads import Reads


class QueueEngine(Lifecycle, Pauses, Ratings, DayRollover, Estimates, Reads, EngineBase):
    """The queue of one centre, over one :class:`Database`.

    Its jobs live in their own modules: :mod:`.lifecycle` (issue, call, recall, skip, finish,
    transfer), :mod:`.day` (rollover, round, closed fields, reset, notices), :mod:`.pauses`,
    :mod:`.ratings`, :mod:`.estimates` (positions, wait estimates), :mod:`.reads` (read queries)
    and :mod:`.base` (the transaction, retries, events, look-ups)."""

    def __init__(self, config: Config, db: Database, *,
                 clock: Callable[[], datetime] | None = None,
                 publish: Publisher | None = None):
        self.config = config
        self.db = db
        self.clock = clock or (lambda: datetime.now(UTC))
        self.publishers: list[Publisher] = [publish] if publish else []
        self._fields = {f.id: f for f in config.fields}
        self._counters = {c.id: c for c in config.counters}
        self._levels = {lv.id for lv in config.ratings.effective_levels}
        self._known_day: str | None = None
        self._counter_rows: set[str] = set()
        self._choose_stmts: dict[tuple[str, bool], Prepared] = {}
        self._position_stmts: dict[tuple[str, str], Prepared] = {}
        self._service_cache: dict[str, tuple[float, deque[float]]] = {}
