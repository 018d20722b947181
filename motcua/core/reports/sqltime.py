"""Portable SQL for times stored as naive UTC: whole seconds since the Unix epoch, local seconds,
local day numbers and hours, on SQLite and PostgreSQL alike."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, case, literal_column
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.elements import ColumnElement, Grouping
from sqlalchemy.sql.functions import FunctionElement

DAY_S = 86400


class epoch_seconds(FunctionElement):  # noqa: N801  (reads like a SQL function)
    """Whole seconds from 1970-01-01 00:00 to a naive UTC timestamp column (floor)."""

    type = BigInteger()
    name = "epoch_seconds"
    inherit_cache = True


class seconds_between(FunctionElement):  # noqa: N801
    """Whole seconds (rounded) from the first timestamp to the second; NULL if either is NULL."""

    type = BigInteger()
    name = "seconds_between"
    inherit_cache = True


@compiles(epoch_seconds)
def _epoch_default(element, compiler, **kw) -> str:  # PostgreSQL and others with EXTRACT
    return f"CAST(FLOOR(EXTRACT(EPOCH FROM {compiler.process(element.clauses, **kw)})) AS BIGINT)"


@compiles(seconds_between)
def _between_default(element, compiler, **kw) -> str:
    a, b = (compiler.process(c, **kw) for c in element.clauses)
    return f"CAST(ROUND(EXTRACT(EPOCH FROM ({b} - {a}))) AS BIGINT)"


# SQLite: julianday() parses a timestamp about twice as fast as strftime('%s'). Its double has
# ~40 us resolution at today's dates, so a small epsilon keeps exact seconds from flooring down.
@compiles(epoch_seconds, "sqlite")
def _epoch_sqlite(element, compiler, **kw) -> str:
    column = compiler.process(element.clauses, **kw)
    return f"CAST((julianday({column}) - 2440587.5) * 86400 + 0.0005 AS INTEGER)"


@compiles(seconds_between, "sqlite")
def _between_sqlite(element, compiler, **kw) -> str:
    a, b = (compiler.process(c, **kw) for c in element.clauses)
    return f"CAST(ROUND((julianday({b}) - julianday({a})) * 86400) AS INTEGER)"


def _int(n: int) -> ColumnElement:
    return literal_column(str(int(n)), BigInteger)


def _div(value: ColumnElement, n: int) -> ColumnElement:
    """Integer division (both engines truncate integer / integer)."""
    return Grouping(Grouping(value).op("/")(_int(n)))


def local_seconds(column, segments: list[tuple[datetime, int]]) -> ColumnElement:
    """Seconds since the epoch on the local wall clock: UTC seconds plus the zone's offset, which
    changes only at the (few) transitions listed in ``segments`` (see ``period.offset_segments``)."""
    if len(segments) == 1:
        offset: ColumnElement = _int(segments[0][1])
    else:
        whens = [(column < start, _int(prev))
                 for (start, _), (_, prev) in zip(segments[1:], segments[:-1], strict=True)]
        offset = case(*whens, else_=_int(segments[-1][1]))
    return epoch_seconds(column) + offset


def local_hour(column, segments: list[tuple[datetime, int]]) -> ColumnElement:
    """The local hour of day, 0-23."""
    return _div(Grouping(local_seconds(column, segments)) % _int(DAY_S), 3600)
