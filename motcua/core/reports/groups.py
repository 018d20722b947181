"""Grouping of report rows: which dimensions exist, how they are parsed, named and ordered.

A report groups by up to two dimensions (e.g. ``officer,month``); none gives the total only.
Keys are raw ids (officer id, counter id, field id, ISO day ``2026-11-25``, month ``2026-11``,
quarter ``2026-Q4``, hour 0-23); labels are what people read, in Vietnamese in every language
(the centre's official figures), through the ``vi`` catalogue.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Connection, select

from config.schema import Config

from ..i18n import DEFAULT, N_, words
from ..storage import tables as t
from .errors import ReportError
from .period import Period, vn_date

HEADERS = {
    "officer": N_("Cán bộ"), "counter": N_("Quầy"), "service": N_("Lĩnh vực"), "day": N_("Ngày"),
    "month": N_("Tháng"), "quarter": N_("Quý"), "hour": N_("Giờ"), "channel": N_("Cách lấy số"),
}
"""Each dimension's column header (a msgid: :func:`header` reads it through the catalogue)."""
TIME_DIMS = ("day", "month", "quarter")
CHANNELS = {"kiosk": N_("Máy lấy số"), "remote": N_("Điện thoại (lấy số từ xa)"),
            "appointment": N_("Lịch hẹn")}
"""How a ticket was taken (``tickets.channel``), in the reports' order, with its name (a msgid)."""
UNKNOWN = N_("Không xác định")
MAX_DIMS = 2

Key = int | str | None


def header(dim: str) -> str:
    """The column header of dimension ``dim``."""
    return words(DEFAULT).gettext(HEADERS[dim])


def parse_group_by(value: str | Sequence[str] | None, allowed: Sequence[str]) -> tuple[str, ...]:
    """``"officer,month"`` (or a list) as a tuple of dimensions; ``""``/``none`` for the total."""
    if value is None:
        return ()
    parts = value.split(",") if isinstance(value, str) else list(value)
    dims = [p.strip().lower() for p in parts if p and p.strip() and p.strip().lower() != "none"]
    bad = [d for d in dims if d not in allowed]
    say = words(DEFAULT)
    if bad:
        raise ReportError("bad_group_by", say.gettext("Cách nhóm không hợp lệ: {bad}. Chọn trong: {allowed}.",
                                                      bad=", ".join(bad), allowed=", ".join(allowed)))
    if len(set(dims)) != len(dims) or len(dims) > MAX_DIMS:
        raise ReportError("bad_group_by", say.gettext("Nhóm theo tối đa {n} tiêu chí khác nhau.", n=MAX_DIMS))
    if sum(d in TIME_DIMS or d == "hour" for d in dims) > 1:
        raise ReportError("bad_group_by",
                          say.gettext("Chỉ nhóm theo một mốc thời gian (ngày, tháng, quý hoặc giờ)."))
    return tuple(dims)


def period_key(dim: str, d: date) -> str:
    """The key of the day, month or quarter that local date ``d`` falls in."""
    if dim == "day":
        return d.isoformat()
    if dim == "month":
        return f"{d.year:04d}-{d.month:02d}"
    return f"{d.year:04d}-Q{(d.month - 1) // 3 + 1}"


def period_keys(dim: str, period: Period) -> list[str]:
    """Every key of ``dim`` the period touches, in order."""
    return [k for k, _, _ in period_ranges(dim, period)]


def period_ranges(dim: str, period: Period) -> list[tuple[str, date, date]]:
    """``(key, first date, last date)`` of each day, month or quarter of ``dim`` in the period
    (the first and last ones cut to the period)."""
    out: list[tuple[str, date, date]] = []
    for d in period.dates():
        k = period_key(dim, d)
        if out and out[-1][0] == k:
            out[-1] = (k, out[-1][1], d)
        else:
            out.append((k, d, d))
    return out


@dataclass(frozen=True)
class GroupKey:
    """One dimension's value in a row: ``id`` for programs, ``name`` for people."""

    dim: str
    id: Key
    name: str


class Labels:
    """Names and order of dimension values, from the config and the officers table."""

    def __init__(self, config: Config, officers: dict[int, tuple[str, bool]], unknown: str = UNKNOWN):
        """``unknown``: the msgid of a missing value's name."""
        self.config = config
        self.officers = officers  # id -> (name, listed when no data: active non-admin)
        self.unknown = words(DEFAULT).gettext(unknown)  # the name of a missing value (no officer...)
        self._names: dict[tuple[str, Key], str] = {}
        self._counter_rank = {c.id: i for i, c in enumerate(config.counters)}
        self._field_rank = {f.id: i for i, f in enumerate(config.fields)}

    @classmethod
    def load(cls, conn: Connection, config: Config, unknown: str = UNKNOWN) -> Labels:
        o = t.officers.c
        rows = conn.execute(select(o.id, o.username, o.full_name, o.role, o.active)).all()
        return cls(config, {r.id: (r.full_name or r.username, bool(r.active) and r.role == "officer")
                            for r in rows}, unknown)

    def name(self, dim: str, key: Key) -> str:
        found = self._names.get((dim, key))
        if found is None:
            found = self._names[(dim, key)] = self._name(dim, key)
        return found

    def _name(self, dim: str, key: Key) -> str:
        if key is None:
            return self.unknown
        if dim == "officer":
            return self.officers.get(key, (f"#{key}", False))[0]
        if dim == "counter":
            c = self.config.counter(key)
            return (c.name or words(DEFAULT).gettext("Quầy {n}", n=c.number)) if c else str(key)
        if dim == "service":
            f = self.config.field(key)
            return f.name if f else str(key)
        if dim == "day":
            return vn_date(date.fromisoformat(key))
        if dim == "month":
            return f"{key[5:7]}/{key[:4]}"
        if dim == "quarter":
            return words(DEFAULT).gettext("Quý {quarter}/{year}", quarter=key[-1], year=key[:4])
        if dim == "hour":
            return f"{key:02d}:00-{key + 1:02d}:00"
        if dim == "channel" and key in CHANNELS:
            return words(DEFAULT).gettext(CHANNELS[key])
        return str(key)

    def sort_key(self, dim: str, key: Key) -> tuple:
        if key is None:
            return (2, "")
        if dim == "officer":
            return (0, self.name(dim, key).casefold(), key)
        if dim == "counter":
            return (0, self._counter_rank[key]) if key in self._counter_rank else (1, str(key))
        if dim == "service":
            return (0, self._field_rank[key]) if key in self._field_rank else (1, str(key))
        if dim == "channel":
            return (0, list(CHANNELS).index(key)) if key in CHANNELS else (1, str(key))
        return (0, key)

    def universe(self, dim: str, period: Period, seen: Iterable[Key]) -> list[Key]:
        """The values a report lists for ``dim`` (with zeros where there is no data), in order."""
        keys = set(seen)
        if dim == "officer":
            keys |= {i for i, (_, listed) in self.officers.items() if listed}
        elif dim == "counter":
            keys |= {c.id for c in self.config.counters}
        elif dim == "service":
            keys |= {f.id for f in self.config.fields}
        elif dim == "channel":
            keys |= set(CHANNELS)
        elif dim in TIME_DIMS:
            keys |= set(period_keys(dim, period))
        elif dim == "hour" and any(k is not None for k in keys):
            known = [k for k in keys if k is not None]
            keys |= set(range(min(known), max(known) + 1))
        return sorted(keys, key=lambda k: self.sort_key(dim, k))

    def group(self, dims: Sequence[str], keys: Sequence[Key]) -> tuple[GroupKey, ...]:
        return tuple(GroupKey(d, k, self.name(d, k)) for d, k in zip(dims, keys, strict=True))


def combinations(labels: Labels, dims: Sequence[str], period: Period,
                 seen: Iterable[tuple[Key, ...]]) -> list[tuple[Key, ...]]:
    """Every combination of the dimensions' universes (seen combinations always included)."""
    seen = list(seen)
    out: list[tuple[Key, ...]] = [()]
    for i, dim in enumerate(dims):
        values = labels.universe(dim, period, (k[i] for k in seen))
        out = [prefix + (v,) for prefix in out for v in values]
    return out


def group_json(group: Sequence[GroupKey]) -> dict:
    return {g.dim: {"id": g.id, "name": g.name} for g in group}
