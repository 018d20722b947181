"""Satisfaction: votes per configured level and the Decision 766 score, for any local date range,
grouped by officer, counter, field, day, month or quarter (up to two at once).

Score (Decision 766/QĐ-TTg): (total - votes at levels marked ``dissatisfied``) / total x 100%.
A rating belongs to the local day of its ``pressed_at``. Counting happens in SQL; percentages are
rounded half-up to 2 decimals from the exact counts; a group without votes has total 0 and a null
score and null percentages.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, literal_column, select, union_all

from config.schema import Config, RatingLevel

from ..storage import tables as t
from ..storage.database import Database
from .groups import (
    TIME_DIMS,
    GroupKey,
    Key,
    Labels,
    combinations,
    group_json,
    parse_group_by,
    period_ranges,
)
from .period import Period, parse_period
from .stats import percent

DIMENSIONS = ("officer", "counter", "service", "day", "month", "quarter")


@dataclass(frozen=True)
class LevelCount:
    id: str
    name: str
    count: int
    percent: float | None


@dataclass(frozen=True)
class SatisfactionRow:
    group: tuple[GroupKey, ...]
    total: int
    levels: tuple[LevelCount, ...]
    dissatisfied: int
    score: float | None

    def as_dict(self) -> dict:
        return {"group": group_json(self.group), "total": self.total,
                "levels": [{"id": lv.id, "name": lv.name, "count": lv.count, "percent": lv.percent}
                           for lv in self.levels],
                "dissatisfied": self.dissatisfied, "score": self.score}


@dataclass(frozen=True)
class SatisfactionReport:
    centre: str
    period: Period
    group_by: tuple[str, ...]
    levels: tuple[RatingLevel, ...]
    rows: list[SatisfactionRow]
    total: SatisfactionRow

    def as_dict(self) -> dict:
        return {
            "centre": self.centre, "from": self.period.start.isoformat(),
            "to": self.period.end.isoformat(), "group_by": list(self.group_by),
            "levels": [{"id": lv.id, "name": lv.name, "dissatisfied": lv.dissatisfied}
                       for lv in self.levels],
            "rows": [r.as_dict() for r in self.rows], "total": self.total.as_dict(),
        }


def make_row(group: tuple[GroupKey, ...], counts: dict[str, int],
             levels: Sequence[RatingLevel]) -> SatisfactionRow:
    """One row from vote counts per level id."""
    total = sum(counts.values())
    bad = sum(counts.get(lv.id, 0) for lv in levels if lv.dissatisfied)
    return SatisfactionRow(
        group=group, total=total,
        levels=tuple(LevelCount(lv.id, lv.name, counts.get(lv.id, 0), percent(counts.get(lv.id, 0), total))
                     for lv in levels),
        dissatisfied=bad, score=percent(total - bad, total))


def _levels(config: Config, seen: set[str]) -> tuple[RatingLevel, ...]:
    """Configured levels in order, then any stored level the config no longer has."""
    levels = config.ratings.effective_levels
    known = {lv.id for lv in levels}
    return levels + tuple(RatingLevel(id=x, name=x) for x in sorted(seen - known))


ARMS_PER_QUERY = 200
"""Time buckets per UNION ALL statement (SQLite allows 500 compound SELECTs)."""


def _queries(dims: tuple[str, ...], period: Period, config: Config) -> tuple[list, list[str] | None]:
    """The counting statements, and the bucket keys their first column indexes (time grouping).

    Time buckets are UTC ranges of local days, months or quarters, one range scan each (no date
    arithmetic per row); the other dimensions and the level are grouped in SQL."""
    r = t.ratings.c
    columns = {"officer": r.officer_id, "counter": r.counter_id, "service": r.field_id}
    other = [columns[d] for d in dims if d in columns]
    time_dim = next((d for d in dims if d in TIME_DIMS), None)

    def counting(lo, hi, *first):
        return (select(*first, *other, r.level, func.count().label("n"))
                .where(r.pressed_at >= lo, r.pressed_at < hi).group_by(*other, r.level))

    if time_dim is None:
        return [counting(*period.utc_bounds(config.zone))], None
    ranges = period_ranges(time_dim, period)
    arms = [counting(*Period(a, b).utc_bounds(config.zone), literal_column(str(i)).label("b"))
            for i, (_, a, b) in enumerate(ranges)]
    chunks = [arms[i:i + ARMS_PER_QUERY] for i in range(0, len(arms), ARMS_PER_QUERY)]
    return [union_all(*c) if len(c) > 1 else c[0] for c in chunks], [k for k, _, _ in ranges]


def satisfaction_report(db: Database, config: Config, start: str | date, end: str | date,
                        group_by: str | Sequence[str] | None = None) -> SatisfactionReport:
    """Votes, percentages and 766 score from ``start`` to ``end`` (local dates, inclusive).

    Raises :class:`~motcua.core.reports.errors.ReportError` for bad dates or grouping.
    """
    period = parse_period(start, end)
    dims = parse_group_by(group_by, DIMENSIONS)
    queries, buckets = _queries(dims, period, config)
    with db.read() as conn:
        rows = [row for q in queries for row in conn.execute(q)]
        labels = Labels.load(conn, config)

    # Result columns: [bucket index], the non-time dimensions in order, level, n.
    other = [d for d in dims if d not in TIME_DIMS]
    counts: dict[tuple[Key, ...], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    total: dict[str, int] = defaultdict(int)
    for row in rows:
        values = dict(zip(other, row[1:] if buckets else row, strict=False))
        if buckets:
            values.update({d: buckets[row[0]] for d in dims if d in TIME_DIMS})
        key = tuple(values[d] for d in dims)
        counts[key][row.level] += row.n
        total[row.level] += row.n
    levels = _levels(config, set(total))
    out = [make_row(labels.group(dims, key), counts.get(key, {}), levels)
           for key in combinations(labels, dims, period, counts)] if dims else []
    return SatisfactionReport(config.centre.name, period, dims, levels, out,
                              make_row((), total, levels))
