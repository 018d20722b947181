"""Read-only snapshots the appointment book returns."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class AppointmentState(StrEnum):
    BOOKED = "booked"
    CANCELLED = "cancelled"
    CHECKED_IN = "checked_in"
    """Arrived in time: a booked ticket, called first within its slot."""
    LATE = "late"
    """The grace period passed without a check-in; may still check in as a walk-in."""
    WALKED_IN = "walked_in"
    """Checked in late: an ordinary ticket."""
    NO_SHOW = "no_show"


LIVE_STATES = (AppointmentState.BOOKED,)
"""States that hold a place in their slot."""


@dataclass(frozen=True)
class Appointment:
    id: int
    field_id: str
    day: str
    slot: str
    """Local start, HH:MM."""
    starts_at: datetime
    """UTC, naive."""
    slot_minutes: int
    code: str
    state: AppointmentState
    name: str | None
    phone: str | None
    booked_at: datetime
    checked_in_at: datetime | None
    ticket_id: int | None
    ticket_number: str | None = None

    @classmethod
    def from_row(cls, r, ticket_number: str | None = None) -> Appointment:
        return cls(id=r.id, field_id=r.field_id, day=r.day, slot=r.slot, starts_at=r.starts_at,
                   slot_minutes=r.slot_minutes, code=r.code, state=AppointmentState(r.state),
                   name=r.name, phone=r.phone, booked_at=r.booked_at,
                   checked_in_at=r.checked_in_at, ticket_id=r.ticket_id,
                   ticket_number=ticket_number)


@dataclass(frozen=True)
class Booking:
    """A new booking with the secret that cancels it (given once; only its hash is kept)."""

    appointment: Appointment
    secret: str | None
    """None when the same request_id returned an earlier booking."""


@dataclass(frozen=True)
class Slot:
    start: str
    end: str
    capacity: int
    free: int


@dataclass(frozen=True)
class DaySlots:
    day: str
    open: bool
    """False: a closed date or a day without bookable hours."""
    slots: tuple[Slot, ...]
