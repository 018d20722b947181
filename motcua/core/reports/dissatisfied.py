"""The dissatisfied cases of a period (votes at levels marked ``dissatisfied``), for follow-up:
when, which ticket, counter, officer, field and the dossier code (mã hồ sơ) if one was entered."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime

from sqlalchemy import select

from config.schema import Config

from ..storage import tables as t
from ..storage.database import Database
from .groups import Labels
from .period import Period, parse_period


@dataclass(frozen=True)
class DissatisfiedCase:
    rating_id: str
    pressed_at: datetime  # aware, centre time zone
    level: str
    level_name: str
    ticket_id: int | None
    number: str | None
    dossier_code: str | None
    counter_id: str
    counter_name: str
    officer_id: int | None
    officer_name: str
    field_id: str | None
    field_name: str

    def as_dict(self) -> dict:
        """The case as JSON, with the v1 API's names for its field (``service_id``, ...)."""
        out = {**asdict(self), "pressed_at": self.pressed_at.isoformat()}
        out["service_id"], out["service_name"] = out.pop("field_id"), out.pop("field_name")
        return out


@dataclass(frozen=True)
class DissatisfiedList:
    centre: str
    period: Period
    cases: list[DissatisfiedCase]

    def as_dict(self) -> dict:
        return {"centre": self.centre, "from": self.period.start.isoformat(),
                "to": self.period.end.isoformat(), "count": len(self.cases),
                "cases": [c.as_dict() for c in self.cases]}


def dissatisfied_cases(db: Database, config: Config, start: str | date, end: str | date) -> DissatisfiedList:
    """Every dissatisfied vote pressed from ``start`` to ``end`` (local dates), oldest first."""
    period = parse_period(start, end)
    lo, hi = period.utc_bounds(config.zone)
    levels = {lv.id: lv.name for lv in config.ratings.effective_levels if lv.dissatisfied}
    r, c = t.ratings.c, t.tickets.c
    query = (select(r.rating_id, r.pressed_at, r.level, r.ticket_id, r.counter_id, r.officer_id,
                    r.field_id, c.number, c.dossier_code)
             .select_from(t.ratings.outerjoin(t.tickets, c.id == r.ticket_id))
             .where(r.pressed_at >= lo, r.pressed_at < hi, r.level.in_(list(levels)))
             .order_by(r.pressed_at, r.id))
    with db.read() as conn:
        rows = conn.execute(query).all() if levels else []
        labels = Labels.load(conn, config)
    zone = config.zone
    cases = [DissatisfiedCase(
        rating_id=row.rating_id,
        pressed_at=row.pressed_at.replace(tzinfo=UTC).astimezone(zone),
        level=row.level, level_name=levels[row.level], ticket_id=row.ticket_id, number=row.number,
        dossier_code=row.dossier_code or None, counter_id=row.counter_id,
        counter_name=labels.name("counter", row.counter_id), officer_id=row.officer_id,
        officer_name=labels.name("officer", row.officer_id), field_id=row.field_id,
        field_name=labels.name("service", row.field_id) if row.field_id else labels.unknown,
    ) for row in rows]
    return DissatisfiedList(config.centre.name, period, cases)
