"""Appointments against walk-ins: what became of the bookings, how much of the slots' capacity
was used, and how long booked citizens waited compared with those who took a number.

Definitions (local days ``start`` to ``end``; the fields that take appointments in the config,
plus any field with bookings in the range; tickets of other fields are left out):

- bookings: made for a slot in the range (every state); cancelled; checked in (in time, or
  late: after the grace period, with an ordinary ticket; ``late`` counts those); no-show
  (recorded when the grace period, or the day of a late booking, passed); not yet due: booked
  or late and not yet recorded either way (today's later slots, or a sweep still to come).
- no-show rate: no-shows / (checked in + no-shows), the bookings whose outcome is known.
- offered places: each day's slots of the field's current slot plan x its capacity (a plan
  changed since is not remembered); capacity use: places booked (bookings - cancelled) /
  offered; checked-in use: checked in / offered.
- waiting of appointment tickets (channel ``appointment``): from the slot's start, or from the
  check-in when that was later (a late arrival), to the call; 0 when called before the slot
  started. Walk-ins (channel ``kiosk`` and ``remote``): from the issue to the call, as in the
  waiting report. Called tickets only; median and p90 per :mod:`motcua.core.reports.stats`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import case, func, select

from config.schema import Config, FieldConfig, SlotPlan

from ..appointments.model import AppointmentState as S
from ..appointments.slots import slot_times
from ..storage import tables as t
from ..storage.database import Database
from .groups import TIME_DIMS, GroupKey, Key, Labels, combinations, group_json, parse_group_by, period_key
from .period import Period, parse_period
from .sqltime import seconds_between
from .stats import EMPTY, Histogram, Summary, percent

DIMENSIONS = ("service", "day", "month", "quarter")
WAITS = ("appointment", "walk_in", "kiosk", "remote")
"""The waiting times compared: appointment tickets (from the slot's start), walk-ins (kiosk and
remote together, from the issue), then each walk-in channel."""
WALK_IN_CHANNELS = ("kiosk", "remote")


@dataclass(frozen=True)
class AppointmentRow:
    group: tuple[GroupKey, ...]
    bookings: int
    cancelled: int
    checked_in: int
    late: int
    no_show: int
    pending: int
    no_show_rate: float | None
    offered: int
    capacity_use: float | None
    checked_in_use: float | None
    waits: dict[str, Summary]

    def as_dict(self) -> dict:
        return {"group": group_json(self.group), "bookings": self.bookings,
                "cancelled": self.cancelled, "checked_in": self.checked_in, "late": self.late,
                "no_show": self.no_show, "pending": self.pending, "no_show_rate": self.no_show_rate,
                "offered": self.offered, "capacity_use": self.capacity_use,
                "checked_in_use": self.checked_in_use,
                "wait": {k: self.waits[k].as_dict() for k in WAITS}}


@dataclass(frozen=True)
class AppointmentReport:
    centre: str
    period: Period
    group_by: tuple[str, ...]
    rows: list[AppointmentRow]
    total: AppointmentRow

    def as_dict(self) -> dict:
        return {"centre": self.centre, "from": self.period.start.isoformat(),
                "to": self.period.end.isoformat(), "group_by": list(self.group_by),
                "rows": [r.as_dict() for r in self.rows], "total": self.total.as_dict()}


@dataclass
class _Acc:
    """Running figures of one group."""

    states: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    offered: int = 0
    waits: dict[str, Histogram] = field(default_factory=lambda: {k: Histogram() for k in WAITS})

    def merge(self, other: _Acc) -> None:
        for state, n in other.states.items():
            self.states[state] += n
        self.offered += other.offered
        for k in WAITS:
            self.waits[k].merge(other.waits[k])

    def row(self, group: tuple[GroupKey, ...]) -> AppointmentRow:
        s = self.states
        bookings = sum(s.values())
        checked_in = s[S.CHECKED_IN] + s[S.WALKED_IN]
        no_show = s[S.NO_SHOW]
        return AppointmentRow(
            group, bookings, s[S.CANCELLED], checked_in, s[S.WALKED_IN], no_show,
            s[S.BOOKED] + s[S.LATE], percent(no_show, checked_in + no_show), self.offered,
            percent(bookings - s[S.CANCELLED], self.offered), percent(checked_in, self.offered),
            {k: h.summary() if h.counts else EMPTY for k, h in self.waits.items()})


def _plans(config: Config, plans: Mapping[str, SlotPlan] | None) -> dict[str, tuple[FieldConfig, SlotPlan]]:
    """The fields that take appointments with their plans (``plans`` overrides the config's)."""
    out = {}
    for f in config.fields:
        plan = (plans or {}).get(f.id, f.appointments)
        if plan is not None:
            out[f.id] = (f, plan)
    return out


def appointment_report(db: Database, config: Config, start: str | date, end: str | date,
                       group_by: str | Sequence[str] | None = None, *,
                       plans: Mapping[str, SlotPlan] | None = None) -> AppointmentReport:
    """Appointments against walk-ins over the local days ``start`` to ``end``."""
    period = parse_period(start, end)
    dims = parse_group_by(group_by, DIMENSIONS)
    bookable = _plans(config, plans)
    time_dim = next((d for d in dims if d in TIME_DIMS), None)
    a, tk = t.appointments.c, t.tickets.c
    lo, hi = period.start.isoformat(), period.end.isoformat()
    with db.read() as conn:
        states = conn.execute(
            select(a.day, a.field_id, a.state, func.count())
            .where(a.day >= lo, a.day <= hi).group_by(a.day, a.field_id, a.state)).all()
        fields = set(bookable) | {r.field_id for r in states}
        anchor = case((a.checked_in_at > a.starts_at, a.checked_in_at), else_=a.starts_at)
        booked_wait = seconds_between(anchor, tk.called_at)
        appointment_waits = conn.execute(
            select(tk.day, tk.field_id, booked_wait, func.count())
            .select_from(t.appointments.join(t.tickets, tk.id == a.ticket_id))
            .where(a.day >= lo, a.day <= hi, tk.called_at.is_not(None), tk.field_id.in_(fields))
            .group_by(tk.day, tk.field_id, booked_wait)).all()
        walk_wait = seconds_between(tk.issued_at, tk.called_at)
        walk_in_waits = conn.execute(
            select(tk.day, tk.field_id, tk.channel, walk_wait, func.count())
            .where(tk.day >= lo, tk.day <= hi, tk.called_at.is_not(None),
                   tk.channel.in_(WALK_IN_CHANNELS), tk.field_id.in_(fields))
            .group_by(tk.day, tk.field_id, tk.channel, walk_wait)).all()
        labels = Labels.load(conn, config) if dims else None

    acc: dict[tuple[Key, ...], _Acc] = defaultdict(_Acc)

    def group(day: str | date, field_id: str) -> _Acc:
        d = day if isinstance(day, date) else date.fromisoformat(day)
        return acc[tuple(period_key(time_dim, d) if dim == time_dim else field_id for dim in dims)]

    for day, field_id, state, n in states:
        group(day, field_id).states[state] += n
    for day, field_id, secs, n in appointment_waits:
        group(day, field_id).waits["appointment"].add(max(0, secs), n)
    for day, field_id, channel, secs, n in walk_in_waits:
        g = group(day, field_id)
        g.waits["walk_in"].add(secs, n)
        g.waits[channel].add(secs, n)
    for d in period.dates():
        for f, plan in bookable.values():
            places = len(slot_times(config, f, plan, d)) * plan.capacity
            if places:
                group(d, f.id).offered += places

    total = _Acc()
    for x in acc.values():
        total.merge(x)
    rows = []
    if dims:
        for key in combinations(labels, dims, period, acc):
            if "service" in dims and key[dims.index("service")] not in fields:
                continue  # a field that takes no appointments
            rows.append((acc[key] if key in acc else _Acc()).row(labels.group(dims, key)))
    return AppointmentReport(config.centre.name, period, dims, rows, total.row(()))
