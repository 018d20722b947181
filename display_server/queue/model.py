"""Read-only snapshots the engine returns."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime

WAITING_STATES = ("waiting", "transferred")
AT_COUNTER_STATES = ("called", "serving")


@dataclass(frozen=True)
class Ticket:
    id: int
    day: str
    number: str
    service_id: str
    state: str
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
    waiting_before: int | None = None
    estimated_wait_s: int | None = None

    @classmethod
    def from_row(cls, row, **extra) -> Ticket:
        m = row._mapping
        return cls(
            id=m["id"], day=m["day"], number=m["number"], service_id=m["service_id"],
            state=m["state"], priority=bool(m["priority"]), transferred=bool(m["transferred"]),
            token=m["token"], issued_at=m["issued_at"], queued_at=m["queued_at"],
            called_at=m["called_at"], finished_at=m["finished_at"], counter_id=m["counter_id"],
            target_counter_id=m["target_counter_id"], officer_id=m["officer_id"],
            call_count=m["call_count"], request_id=m["request_id"],
            dossier_code=m["dossier_code"], **extra,
        )

    @property
    def waiting(self) -> bool:
        return self.state in WAITING_STATES

    def as_dict(self) -> dict:
        return asdict(self)


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
