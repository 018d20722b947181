"""Waiting and service: volumes, waiting and service times, no-shows, share within the target.

Definitions (tickets of the local service days ``start`` to ``end``, by their stored ``day``):

- tickets: issued; called: called at a counter at least once (``called_at`` set); served: ``done``.
- waiting time: ``issued_at`` to ``called_at`` (the last call: for a transferred ticket this
  includes its time at the first counter; a no-show called back counts to the call back).
- service time: ``called_at`` to ``finished_at`` of ``done`` tickets that were finished at a
  counter (tickets closed by the night's day reset have no finish time and are left out).
- no-show: called but never served (``skipped``, or ``expired`` after a skip); the rate is
  no-shows / called.
- within target: called tickets whose wait is at most ``queue.target_wait_minutes``, over called.
- hour: the local hour of issue.

Times are whole seconds; mean, median and p90 follow :mod:`display_server.reports.stats`.
Counts and per-second histograms are aggregated in SQL.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, case, func, select

from config.schema import Config

from ..storage import tables as t
from ..storage.database import Database
from .groups import GroupKey, Key, Labels, combinations, group_json, parse_group_by
from .period import Period, offset_segments, parse_period
from .sqltime import local_hour, seconds_between
from .stats import EMPTY, Histogram, Summary, percent

DIMENSIONS = ("service", "hour", "counter", "officer", "day", "month", "quarter")
NO_SHOW_STATES = ("skipped", "expired")
NOT_CALLED = "Chưa được gọi"
"""The counter and officer of tickets nobody called."""


@dataclass(frozen=True)
class WaitingRow:
    group: tuple[GroupKey, ...]
    tickets: int
    called: int
    served: int
    no_show: int
    no_show_rate: float | None
    wait: Summary
    service: Summary
    within_target: int
    within_target_rate: float | None

    def as_dict(self) -> dict:
        return {"group": group_json(self.group), "tickets": self.tickets, "called": self.called,
                "served": self.served, "no_show": self.no_show, "no_show_rate": self.no_show_rate,
                "wait": self.wait.as_dict(), "service": self.service.as_dict(),
                "within_target": self.within_target, "within_target_rate": self.within_target_rate}


@dataclass(frozen=True)
class WaitingReport:
    centre: str
    period: Period
    group_by: tuple[str, ...]
    target_wait_minutes: float
    rows: list[WaitingRow]
    total: WaitingRow

    def as_dict(self) -> dict:
        return {"centre": self.centre, "from": self.period.start.isoformat(),
                "to": self.period.end.isoformat(), "group_by": list(self.group_by),
                "target_wait_minutes": self.target_wait_minutes,
                "rows": [r.as_dict() for r in self.rows], "total": self.total.as_dict()}


class _Acc:
    """Running figures of one group."""

    __slots__ = ("tickets", "called", "served", "no_show", "wait", "service")

    def __init__(self) -> None:
        self.tickets = self.called = self.served = self.no_show = 0
        self.wait, self.service = Histogram(), Histogram()

    def merge(self, other: _Acc) -> None:
        self.tickets += other.tickets
        self.called += other.called
        self.served += other.served
        self.no_show += other.no_show
        self.wait.merge(other.wait)
        self.service.merge(other.service)

    def row(self, group: tuple[GroupKey, ...], target_s: float) -> WaitingRow:
        within = self.wait.at_most(target_s)
        return WaitingRow(group, self.tickets, self.called, self.served, self.no_show,
                          percent(self.no_show, self.called),
                          self.wait.summary() if self.wait.counts else EMPTY,
                          self.service.summary() if self.service.counts else EMPTY,
                          within, percent(within, self.wait.n))


def _dimension_exprs(dims: Sequence[str], segments) -> list:
    c = t.tickets.c
    exprs = []
    for d in dims:
        if d == "hour":
            exprs.append(local_hour(c.issued_at, segments))
        elif d in ("month", "quarter"):
            exprs.append(func.substr(c.day, 1, 7))
        else:
            exprs.append({"service": c.service_id, "counter": c.counter_id, "officer": c.officer_id,
                          "day": c.day}[d])
    return exprs


def _grouped(exprs: list, measures: dict, where: list, sums: dict | None = None):
    """SELECT groups, measures, count(*) AS n, SUM(flag) for each of ``sums`` GROUP BY groups and
    measures (through a subquery, so computed columns are grouped by name on every engine)."""
    sums = sums or {}
    inner = (select(*[e.label(f"g{i}") for i, e in enumerate(exprs)],
                    *[m.label(name) for name, m in {**measures, **sums}.items()])
             .where(*where).subquery())
    cols = [inner.c[f"g{i}"] for i in range(len(exprs))] + [inner.c[n] for n in measures]
    return (select(*cols, func.count().label("n"), *[func.sum(inner.c[n]).label(n) for n in sums])
            .group_by(*cols))


def _key(dims: Sequence[str], values: Sequence) -> tuple[Key, ...]:
    out: list[Key] = []
    for d, v in zip(dims, values, strict=True):
        if d == "quarter" and v is not None:
            v = f"{v[:4]}-Q{(int(v[5:7]) - 1) // 3 + 1}"
        elif d == "hour" and v is not None:
            v = int(v)
        out.append(v)
    return tuple(out)


def waiting_report(db: Database, config: Config, start: str | date, end: str | date,
                   group_by: str | Sequence[str] | None = None) -> WaitingReport:
    """Waiting and service figures of the tickets of ``start`` to ``end`` (local dates)."""
    period = parse_period(start, end)
    dims = parse_group_by(group_by, DIMENSIONS)
    c = t.tickets.c
    lo, hi = period.utc_bounds(config.zone)
    exprs = _dimension_exprs(dims, offset_segments(config.zone, lo, hi))
    in_range = [c.day >= period.start.isoformat(), c.day <= period.end.isoformat()]
    flag = {"served": case((c.state == "done", 1), else_=0),
            "no_show": case((and_(c.called_at.is_not(None), c.state.in_(NO_SHOW_STATES)), 1), else_=0)}
    # Uncalled tickets have secs NULL: one query gives the counts and the waiting histogram.
    waits = _grouped(exprs, {"secs": seconds_between(c.issued_at, c.called_at)}, in_range, flag)
    services = _grouped(exprs, {"secs": seconds_between(c.called_at, c.finished_at)},
                        in_range + [c.state == "done", c.called_at.is_not(None),
                                    c.finished_at.is_not(None)])
    with db.read() as conn:
        wait_rows = conn.execute(waits).all()
        service_rows = conn.execute(services).all()
        labels = Labels.load(conn, config, NOT_CALLED) if dims else None

    acc: dict[tuple[Key, ...], _Acc] = defaultdict(_Acc)
    keys: dict[tuple, _Acc] = {}  # raw SQL group values -> the group's figures

    def group_of(raw: tuple) -> _Acc:
        found = keys.get(raw)
        if found is None:
            found = keys[raw] = acc[_key(dims, raw)]
        return found

    for *raw, secs, n, served, no_show in wait_rows:
        a = group_of(tuple(raw))
        a.tickets += n
        a.served += served
        a.no_show += no_show
        if secs is not None:
            a.called += n
            a.wait.add(int(secs), n)
    for *raw, secs, n in service_rows:
        group_of(tuple(raw)).service.add(int(secs), n)

    target_s = config.queue.target_wait_minutes * 60
    total = _Acc()
    for a in acc.values():
        total.merge(a)
    rows_out = [acc[k].row(labels.group(dims, k), target_s) if k in acc
                else _Acc().row(labels.group(dims, k), target_s)
                for k in combinations(labels, dims, period, acc)] if dims else []
    return WaitingReport(config.centre.name, period, dims, config.queue.target_wait_minutes,
                         rows_out, total.row((), target_s))
