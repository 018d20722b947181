"""Report periods: local dates in the centre's time zone and their UTC boundaries.

A period is a closed range of local dates. Rows stored with naive UTC instants are selected with
``[start 00:00 local, end + 1 day 00:00 local)`` in UTC; grouping by local day uses the zone's UTC
offsets over that range (a few segments at most), so the database never needs time-zone support.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from ..i18n import DEFAULT, words
from .errors import ReportError

MAX_DAYS = 5 * 366
"""The longest range a report may cover (about five years)."""
FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2099, 12, 31)
"""The days a report may cover (a date past them is a typing error, or an attack)."""
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


@dataclass(frozen=True)
class Period:
    """Local dates ``start`` to ``end``, both included."""

    start: date
    end: date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def dates(self) -> list[date]:
        return [self.start + timedelta(days=i) for i in range(self.days)]

    def label(self) -> str:
        """Vietnamese wording, e.g. ``từ 01/11/2026 đến 30/11/2026``."""
        say = words(DEFAULT)
        if self.start == self.end:
            return say.gettext("ngày {date}", date=vn_date(self.start))
        return say.gettext("từ {start} đến {end}", start=vn_date(self.start), end=vn_date(self.end))

    def utc_bounds(self, zone: ZoneInfo) -> tuple[datetime, datetime]:
        """Naive UTC ``[lo, hi)`` covering the local days of the period."""
        return local_midnight_utc(self.start, zone), local_midnight_utc(self.end + timedelta(days=1), zone)


def vn_date(d: date) -> str:
    return d.strftime("%d/%m/%Y")


def local_midnight_utc(d: date, zone: ZoneInfo) -> datetime:
    """The naive UTC instant at which local day ``d`` starts."""
    return datetime.combine(d, time(0), tzinfo=zone).astimezone(UTC).replace(tzinfo=None)


def _parse_date(value: str | None, name: str) -> date:
    say = words(DEFAULT)
    if not value:
        raise ReportError("missing_date",
                          say.gettext("Thiếu ngày '{name}' (dạng YYYY-MM-DD, ví dụ 2026-11-01).", name=name))
    try:
        if not _ISO_DATE.fullmatch(value.strip()):
            raise ValueError(value)
        day = date.fromisoformat(value.strip())
    except ValueError:
        raise ReportError("bad_date", say.gettext(
            "Ngày '{name}' không hợp lệ: {value} (dạng YYYY-MM-DD, ví dụ 2026-11-01).",
            name=name, value=repr(value))) from None
    if not FIRST_DAY <= day <= LAST_DAY:
        raise ReportError("bad_date", say.gettext(
            "Ngày '{name}' ({date}) nằm ngoài khoảng {first} - {last}.",
            name=name, date=vn_date(day), first=vn_date(FIRST_DAY), last=vn_date(LAST_DAY)))
    return day


def parse_period(start: str | date | None, end: str | date | None) -> Period:
    """Validate a range given as ISO dates; raises :class:`ReportError` with a Vietnamese message."""
    lo = start if isinstance(start, date) else _parse_date(start, "from")
    hi = end if isinstance(end, date) else _parse_date(end, "to")
    say = words(DEFAULT)
    if lo > hi:
        raise ReportError("bad_range", say.gettext("Ngày bắt đầu ({start}) sau ngày kết thúc ({end}).",
                                                   start=vn_date(lo), end=vn_date(hi)))
    period = Period(lo, hi)
    if period.days > MAX_DAYS:
        raise ReportError("range_too_long", say.gettext(
            "Khoảng thời gian quá dài ({days} ngày); tối đa {max_days} ngày (5 năm).",
            days=period.days, max_days=MAX_DAYS))
    return period


def offset_segments(zone: ZoneInfo, lo: datetime, hi: datetime) -> list[tuple[datetime, int]]:
    """The zone's UTC offset (seconds) over naive UTC ``[lo, hi)``: ``[(from, offset), ...]``,
    the first starting at ``lo``; one entry for a zone without daylight saving time."""

    def offset(at: datetime) -> int:
        return int(at.replace(tzinfo=UTC).astimezone(zone).utcoffset().total_seconds())

    segments = [(lo, offset(lo))]
    step = timedelta(hours=12)
    a = lo
    while a < hi:
        b = min(a + step, hi)
        if offset(b) != offset(a):  # a transition in (a, b]: bisect to the second
            x, y = a, b
            while y - x > timedelta(seconds=1):
                mid = x + (y - x) / 2
                x, y = (mid, y) if offset(mid) == offset(a) else (x, mid)
            segments.append((y.replace(microsecond=0), offset(b)))
        a = b
    return segments
