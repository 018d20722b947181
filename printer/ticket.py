"""What goes on a ticket: the data, and the words around it (Vietnamese, or English)."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Literal
from zoneinfo import ZoneInfo

from motcua.core.i18n import Words, words

if TYPE_CHECKING:
    from config import Config

DEFAULT_FOOTER = "Cảm ơn Quý khách!"


@dataclass(frozen=True)
class TicketInfo:
    """Everything printed on one ticket. ``issued_at`` must be timezone-aware."""

    centre_name: str
    number: str
    field_name: str
    issued_at: datetime
    commune: str = ""
    counters: tuple[str, ...] = ()
    people_ahead: int = 0
    estimated_wait_s: int | None = None
    priority: bool = False
    track_url: str = ""
    footer: str = DEFAULT_FOOTER
    language: Literal["vi", "en"] = "vi"
    timezone: str = "Asia/Ho_Chi_Minh"

    def __post_init__(self) -> None:
        if self.issued_at.tzinfo is None or self.issued_at.utcoffset() is None:
            raise ValueError("issued_at must be a timezone-aware datetime")
        if not self.number.strip():
            raise ValueError("number must not be empty")
        if self.people_ahead < 0:
            raise ValueError("people_ahead must be >= 0")
        # Accept a list for convenience; keep the dataclass hashable.
        object.__setattr__(self, "counters", tuple(self.counters))

    @property
    def local_issued_at(self) -> datetime:
        return self.issued_at.astimezone(ZoneInfo(self.timezone))


def format_wait(seconds: int, language: str = "vi") -> str:
    """A rough, honest wait: "dưới 1 phút", "khoảng 15 phút", "khoảng 1 giờ 20 phút" (whole
    minutes up, 5-minute steps from 10): the same words on the kiosk, the ticket and the phone.
    Words around numbers are joined by no-break spaces so that they never wrap apart."""
    say = words(language)
    if seconds < 60:
        return say.gettext("dưới\u00a01\u00a0phút")
    return say.gettext("khoảng\u00a0{t}", t=_duration(seconds, say))


def _duration(seconds: int, say: Words) -> str:
    minutes = math.ceil(seconds / 60)
    if minutes >= 10:
        minutes = int(5 * round(minutes / 5))
    h, m = divmod(minutes, 60)
    if h and m:
        return say.gettext("{h}\u00a0giờ\u00a0{m}\u00a0phút", h=h, m=m)
    if h:
        return say.gettext("{h}\u00a0giờ", h=h)
    return say.gettext("{m}\u00a0phút", m=m)


_LABEL = re.compile(r"^(.*\S)\s+(\d+)$")


def format_counters(counters: Sequence[str]) -> str:
    """["Quầy 1", "Quầy 2"] -> "Quầy 1, 2"; labels without a shared prefix are just joined.

    The words around numbers are joined by no-break spaces so they never wrap apart.
    """
    if not counters:
        return ""
    parts = [_LABEL.match(c) for c in counters]
    prefixes = {m.group(1) for m in parts if m}
    if all(parts) and len(prefixes) == 1:
        return f"{prefixes.pop()}\u00a0" + ", ".join(m.group(2) for m in parts if m)
    return ", ".join(counters)


# Building tickets from the config and the server's answer --------------------------------


def counter_labels(config: Config, field_id: str) -> tuple[str, ...]:
    """Names of the counters serving ``field_id``, by counter number ("Quầy 1", ...)."""
    serving = sorted((c for c in config.counters if field_id in c.fields), key=lambda c: c.number)
    return tuple(c.name or f"Quầy {c.number}" for c in serving)


def ticket_from_api(data: Mapping, config: Config, *,
                    language: Literal["vi", "en"] = "vi") -> TicketInfo:
    """A ticket from the server's ``POST /api/v1/tickets`` answer and the centre config."""
    field_cfg = config.field(str(data["service_id"]))
    if field_cfg is None:
        raise ValueError(f"unknown service_id {data['service_id']!r}")
    issued = data["issued_at"]
    issued_at = issued if isinstance(issued, datetime) else datetime.fromisoformat(str(issued))
    url = str(data.get("track_url") or "")
    if url.startswith("/") and config.server.public_url:
        url = config.server.public_url.rstrip("/") + url
    wait = data.get("estimated_wait_s")
    name = field_cfg.name_en if language == "en" and field_cfg.name_en else field_cfg.name
    return TicketInfo(
        centre_name=config.centre.name,
        commune=config.centre.commune,
        number=str(data["number"]),
        field_name=name,
        counters=counter_labels(config, field_cfg.id),
        people_ahead=int(data.get("waiting_before") or 0),
        estimated_wait_s=None if wait is None else int(wait),
        priority=bool(data.get("priority", False)),
        issued_at=issued_at,
        track_url=url,
        footer=config.printer.footer or DEFAULT_FOOTER,
        language=language,
        timezone=config.centre.timezone,
    )


def sample_ticket(config: Config, *, number: str = "1005", field_id: str | None = None,
                  people_ahead: int = 3, estimated_wait_s: int | None = 900,
                  priority: bool = False, issued_at: datetime | None = None,
                  language: Literal["vi", "en"] = "vi") -> TicketInfo:
    """A realistic ticket for the config's first (or given) field, for tests and previews."""
    field_cfg = config.field(field_id) if field_id else config.fields[0]
    if field_cfg is None:
        known = ", ".join(f.id for f in config.fields)
        raise ValueError(f"unknown field {field_id!r} (known: {known})")
    base = config.server.public_url.rstrip("/") or "http://127.0.0.1:8080"
    return ticket_from_api(
        {
            "service_id": field_cfg.id,
            "number": number,
            "issued_at": issued_at or datetime.now(config.zone),
            "waiting_before": people_ahead,
            "estimated_wait_s": estimated_wait_s,
            "priority": priority,
            "track_url": f"{base}/t/{number}",
        },
        config,
        language=language,
    )
