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
    "account.login_failed",
    "appointment.booked",
    "appointment.cancelled",
    "appointment.checked_in",
    "appointment.late",
    "appointment.no_show",
    "appointment.erased",
)
"""Every event kind. ``appointment.*`` carry the booking's id, field (``service_id``), day and
slot, never the name, phone number or code (events reach every screen and stay in the audit
log): ``booked`` (places taken of ``capacity``), ``cancelled``, ``checked_in`` (its ticket and
``late``), ``late`` and ``no_show`` (the grace period passed), ``erased`` (names and phone
numbers erased before ``before_day``: a ``count``)."""


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


NOTIFY_LIMIT = 7900
"""PostgreSQL refuses a NOTIFY payload of 8000 bytes or more."""
ID_ROOM = 21
"""Characters an id takes at most in a notification (a 64-bit integer and its separator)."""
_WRAPPER = len('{"ids": [], "events": }')


def notify_events(events: list[tuple[str, datetime, str, dict]]) -> str | None:
    """The (kind, time, actor, data) of a transaction's events as its notification carries them
    (JSON), or None when they would not fit in one notification with their ids. The database
    joins the ids to it when it assigns them (:meth:`Database.append_audit`)."""
    text = json.dumps([[kind, at.isoformat(), actor, data] for kind, at, actor, data in events],
                      ensure_ascii=False, default=str)
    fits = len(text.encode("utf-8")) + ID_ROOM * len(events) + _WRAPPER <= NOTIFY_LIMIT
    return text if fits else None


def notify_payload(ids: list[int], events_json: str | None) -> str:
    """What a transaction tells other server processes: its events themselves, so they need not
    read them back, or only the last id when they do not fit (``events_json`` None). PostgreSQL
    builds the same text in the statement that assigns the ids; this is its definition."""
    if events_json is None:
        return str(ids[-1])
    return '{"ids": [' + ", ".join(map(str, ids)) + '], "events": ' + events_json + "}"


def parse_notify_payload(payload: str) -> tuple[list[Event], int]:
    """The events in a notification (empty when it carried only an id) and its last event id;
    ``([], 0)`` for anything else (a stray notification)."""
    try:
        value = json.loads(payload)
        if isinstance(value, int):
            return [], value
        events = [Event(id=int(i), kind=str(kind), at=datetime.fromisoformat(at), actor=str(actor),
                        data=dict(data))
                  for i, (kind, at, actor, data) in zip(value["ids"], value["events"], strict=True)]
    except (ValueError, TypeError, KeyError, IndexError):
        return [], 0
    return events, events[-1].id if events else 0


Publisher = Callable[[Event], None]
"""Receives each event after its transaction committed (the server's event bus)."""
