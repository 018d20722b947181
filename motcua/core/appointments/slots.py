"""A field's slots on a day, cut from its plan (pure: no database).

Slots start at each span of the bookable hours and follow one another; one that would run past
the end of its span (the lunch break, closing time) is not offered. They lie within the field's
ticket hours too (a booked citizen's ticket comes from the kiosk's number series), and a closed
date has none.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from config.schema import Config, FieldConfig, SlotPlan


def hhmm(minutes: int) -> str:
    h, m = divmod(minutes, 60)
    return f"{h:02d}:{m:02d}"


def _minutes(t: time) -> int:
    return t.hour * 60 + t.minute


def slot_times(config: Config, field: FieldConfig, plan: SlotPlan, day: date) -> list[tuple[str, str]]:
    """The day's slots as (start, end) "HH:MM" pairs, in order; empty on a day off."""
    if day.isoformat() in config.centre.closed_dates:
        return []
    weekday = day.weekday()
    ticket_spans = config.field_hours(field).spans(weekday)
    starts: set[int] = set()
    out = []
    for span in config.slot_hours(field).spans(weekday):
        for within in ticket_spans:
            m = max(_minutes(span.start), _minutes(within.start))
            end = min(span.end_minutes, within.end_minutes)
            while m + plan.slot_minutes <= end:
                if m not in starts:
                    starts.add(m)
                    out.append((m, m + plan.slot_minutes))
                m += plan.slot_minutes
    return [(hhmm(a), hhmm(b)) for a, b in sorted(out)]


def slot_start(config: Config, day: date, slot: str) -> datetime:
    """The slot's start as a naive UTC datetime (how the database keeps times)."""
    h, m = (int(x) for x in slot.split(":"))
    local = datetime.combine(day, time(h, m), tzinfo=config.zone)
    return local.astimezone(UTC).replace(tzinfo=None)


def local_hhmm(config: Config, at: datetime) -> str:
    """A naive UTC time as the centre's local HH:MM."""
    return at.replace(tzinfo=UTC).astimezone(config.zone).strftime("%H:%M")
