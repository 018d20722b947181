"""Read-only snapshots the engine returns."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields
from datetime import datetime
from enum import StrEnum


class TicketState(StrEnum):
    """A ticket's state. The values are what the database stores and the API sends; a member is
    a ``str`` equal to its value, so JSON and SQL see the same strings as before."""

    WAITING = "waiting"
    TRANSFERRED = "transferred"
    """Waiting again, in the line of the field or counter it was sent to."""
    CALLED = "called"
    SERVING = "serving"
    DONE = "done"
    SKIPPED = "skipped"
    """Called and did not come: on the missed list, can be called again today."""
    EXPIRED = "expired"
    """Still waiting or missed when the day ended or was reset."""


WAITING_STATES = (TicketState.WAITING, TicketState.TRANSFERRED)
AT_COUNTER_STATES = (TicketState.CALLED, TicketState.SERVING)


@dataclass(frozen=True)
class Ticket:
    id: int
    day: str
    number: str
    field_id: str
    state: TicketState
    priority: bool
    transferred: bool
    token: str
    issued_at: datetime
    queued_at: datetime
    called_at: datetime | None
    finished_at: datetime | None
    counter_id: str | None
    target_counter_id: str | None
    officer_id: int | None
    call_count: int
    request_id: str | None = None
    dossier_code: str | None = None
    booked: bool = False
    """Issued at an appointment's check-in."""
    channel: str = "kiosk"
    """How it was taken: ``kiosk``, ``remote`` (a phone) or ``appointment`` (a check-in)."""
    waiting_before: int | None = None
    estimated_wait_s: int | None = None

    @classmethod
    def from_row(cls, row, **extra) -> Ticket:
        r = row  # a SQLAlchemy Row or a psycopg named tuple: the same attributes
        return cls(
            id=r.id, day=r.day, number=r.number, field_id=r.field_id, state=TicketState(r.state),
            priority=bool(r.priority), transferred=bool(r.transferred), token=r.token,
            issued_at=r.issued_at, queued_at=r.queued_at, called_at=r.called_at,
            finished_at=r.finished_at, counter_id=r.counter_id,
            target_counter_id=r.target_counter_id, officer_id=r.officer_id,
            call_count=r.call_count, request_id=r.request_id, dossier_code=r.dossier_code,
            booked=bool(r.booked), channel=r.channel, **extra,
        )

    @property
    def waiting(self) -> bool:
        return self.state in WAITING_STATES

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class FieldStatus:
    """A field (lĩnh vực) now: open, people waiting, the estimated wait of a new ticket."""

    id: str
    code: str
    """The numbers' prefix, else the field's first number."""
    name: str
    name_en: str
    open: bool
    closed_today: bool
    """Closed for the rest of the day by an admin."""
    waiting: int
    estimated_wait_s: int


@dataclass(frozen=True)
class CounterStatus:
    """A counter now: paused and why, the officer signed in, the ticket it serves."""

    id: str
    number: int
    name: str
    fields: tuple[str, ...]
    paused: bool
    pause_reason: str
    officer_id: int | None
    ticket: Ticket | None


@dataclass(frozen=True)
class TicketCounts:
    """Tickets by state (today's, or those one counter called today)."""

    waiting: int = 0
    transferred: int = 0
    called: int = 0
    serving: int = 0
    done: int = 0
    skipped: int = 0
    expired: int = 0

    @classmethod
    def of(cls, by_state: Mapping[str, int]) -> TicketCounts:
        return cls(**{TicketState(state).value: n for state, n in by_state.items()})

    @property
    def total(self) -> int:
        return sum(getattr(self, f.name) for f in fields(self))

    def by_state(self) -> dict[str, int]:
        """The states that have tickets, by name."""
        return {f.name: getattr(self, f.name) for f in sorted(fields(self), key=lambda f: f.name)
                if getattr(self, f.name)}


@dataclass(frozen=True)
class RatingRecord:
    id: int
    rating_id: str
    counter_id: str
    level: str
    ticket_id: int | None
    officer_id: int | None
    pressed_at: datetime
    received_at: datetime
