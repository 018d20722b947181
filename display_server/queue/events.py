"""Events: one per committed state change, also the rows of the append-only audit log."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

KINDS = (
    "ticket.issued",
    "ticket.called",
    "ticket.recalled",
    "ticket.skipped",
    "ticket.transferred",
    "ticket.finished",
    "ticket.dossier",
    "counter.paused",
    "counter.resumed",
    "rating.recorded",
    "notice.changed",
    "service.closed",
    "service.reopened",
    "day.reset",
    "account.added",
    "account.enabled",
    "account.disabled",
    "account.password_reset",
    "account.counters",
)


@dataclass(frozen=True)
class Event:
    """``id`` is the audit-log row id: increasing, usable as an SSE id."""

    id: int
    kind: str
    at: datetime  # UTC, naive
    actor: str
    data: dict = field(default_factory=dict)

    def to_json(self) -> str:
        return json.dumps(
            {"id": self.id, "kind": self.kind, "at": self.at.isoformat() + "Z",
             "actor": self.actor, "data": self.data},
            ensure_ascii=False,
        )


Publisher = Callable[[Event], None]
"""Receives each event after its transaction committed (the server's event bus)."""
