"""JSON shapes the API and screens share: tickets, counters, the public display snapshot.

They keep the v1 API's names: a field (lĩnh vực) is ``service_id`` and ``service_name`` there,
the list of fields ``services``."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from config.schema import Config
from motcua.core.queue import FieldStatus, QueueEngine, Ticket, TicketCounts


def local_iso(dt: datetime | None, zone: ZoneInfo) -> str | None:
    """A naive-UTC datetime as ISO 8601 in the centre's time zone, with its offset."""
    if dt is None:
        return None
    return dt.replace(tzinfo=UTC).astimezone(zone).isoformat(timespec="seconds")


def ticket_json(t: Ticket, config: Config, *, track_url: str | None = None) -> dict:
    """A ticket as the API shows it; no token unless ``track_url`` is given (to its holder)."""
    zone = config.zone
    fld = config.field(t.field_id)
    counter = config.counter(t.counter_id) if t.counter_id else None
    out = {
        "id": t.id,
        "number": t.number,
        "service_id": t.field_id,
        "service_name": fld.name if fld else t.field_id,
        "service_name_en": fld.name_en if fld else "",
        "state": t.state,
        "priority": t.priority,
        "transferred": t.transferred,
        "issued_at": local_iso(t.issued_at, zone),
        "called_at": local_iso(t.called_at, zone),
        "finished_at": local_iso(t.finished_at, zone),
        "call_count": t.call_count,
        "counter": {"id": counter.id, "number": counter.number, "name": counter.name}
        if counter and t.state in ("called", "serving", "done", "skipped") else None,
        "waiting_before": t.waiting_before,
        "position": t.waiting_before + 1 if t.waiting_before is not None else None,
        "estimated_wait_s": t.estimated_wait_s,
        "channel": t.channel,
    }
    if t.transferred:  # where it was sent: a counter, or the field it now waits for
        target = config.counter(t.target_counter_id) if t.target_counter_id else None
        out["transferred_to"] = ({"counter": {"id": target.id, "number": target.number}} if target
                                 else {"service_id": t.field_id})
    if t.dossier_code:
        out["dossier_code"] = t.dossier_code
    if t.booked:  # issued at an appointment's check-in
        out["booked"] = True
    if track_url is not None:
        out["track_url"] = track_url
    return out


def field_json(f: FieldStatus) -> dict:
    """A field now, as ``GET /services``, the screens and the admin dashboard list it. Its values
    are flat, so a shallow copy does (``dataclasses.asdict`` deep-copies each value: 8% of a
    display snapshot's time, measured)."""
    return dict(vars(f))


def fields_json(engine: QueueEngine) -> list[dict]:
    return [field_json(f) for f in engine.fields()]


def counts_json(counts: TicketCounts) -> dict[str, int]:
    """Tickets by state: only the states that have tickets, by name."""
    return counts.by_state()


def server_time(zone: ZoneInfo) -> str:
    """Now, in the centre's time zone (screens keep their clock by it)."""
    return datetime.now(UTC).astimezone(zone).isoformat(timespec="seconds")


def display_snapshot(engine: QueueEngine) -> dict:
    """Everything a hall or counter screen shows; public (numbers only, nobody's identity)."""
    with engine.db.read_together():
        return _display_snapshot(engine)


def _display_snapshot(engine: QueueEngine) -> dict:
    config = engine.config
    zone = config.zone
    last_id = engine.last_event_id()  # read first: the snapshot is at least this new
    counters = []
    for c in engine.counters():
        t = c.ticket
        counters.append({
            "id": c.id, "number": c.number, "name": c.name, "fields": list(c.fields),
            "paused": c.paused, "pause_reason": c.pause_reason,
            "open": c.officer_id is not None or t is not None,
            "ticket": {"number": t.number, "service_id": t.field_id, "state": t.state,
                       "called_at": local_iso(t.called_at, zone), "call_count": t.call_count}
            if t else None,
        })
    recent = []
    # the newest call, which the hall shows big, and the rows of its recent-calls list
    for t in engine.recent_calls(config.display.recent_calls + 1):
        c = config.counter(t.counter_id)
        recent.append({"number": t.number, "service_id": t.field_id, "counter_id": t.counter_id,
                       "counter_number": c.number if c else None,
                       "called_at": local_iso(t.called_at, zone), "state": t.state})
    return {
        "centre": {"name": config.centre.name, "commune": config.centre.commune,
                   "province": config.centre.province},
        "day": engine.today(),
        "server_time": server_time(zone),
        "last_event_id": last_id,
        "counters": counters,
        "recent_calls": recent,
        "services": fields_json(engine),
        "notices": engine.notices(),
    }


@dataclass(frozen=True)
class DisplayJSON:
    """A display snapshot already serialised: the bus and the API pass it on as it is, instead
    of each server process parsing the shared snapshot and serialising it again per batch."""

    text: str
    last_event_id: int

    @classmethod
    def of(cls, snap: dict) -> DisplayJSON:
        return cls(json.dumps(snap, ensure_ascii=False, default=str), snap["last_event_id"])

    def parse(self) -> dict:
        return json.loads(self.text)

