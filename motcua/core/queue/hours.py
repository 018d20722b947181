"""Ticket hours: is a field taking tickets at a given local time?"""

from __future__ import annotations

from datetime import datetime

from config.schema import Config, FieldConfig


def is_open(config: Config, field: FieldConfig, local_now: datetime) -> bool:
    """True when ``field`` issues tickets at ``local_now`` (a local wall-clock time)."""
    if local_now.date().isoformat() in config.centre.closed_dates:
        return False
    spans = config.field_hours(field).spans(local_now.weekday())
    return any(span.contains(local_now.time()) for span in spans)


def hours_text(config: Config, field: FieldConfig, weekday: int) -> str:
    """The day's hours as "07:00-11:15, 13:15-16:30", or "" on a day off."""
    return ", ".join(str(s) for s in config.field_hours(field).spans(weekday))
