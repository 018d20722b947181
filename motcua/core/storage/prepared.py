"""Statements built once and run often, straight on the database driver.

``Connection.execute`` costs about 60 µs of CPU per statement on top of the driver's own work
(an execution context, parameter processing, a result object). On a busy PostgreSQL server
that is a third of a request's CPU, spent while other writers wait for row locks; on SQLite (a
Pi's database) it is most of a statement's cost. A :class:`Prepared` statement is compiled by
SQLAlchemy once per database kind and set of parameter names, then sent to the psycopg or
``sqlite3`` connection under the SQLAlchemy transaction. When a statement needs SQLAlchemy at
run time (parameters expanded per call, Python-side defaults, result types SQLAlchemy converts
beyond dates, times and booleans, SQL text), it goes through ``Connection.execute`` as usual.
Either way the caller gets ``one()``, ``all()``, ``scalar_one()`` and the rest of a result's
usual methods, rows with their columns as attributes, and SQLAlchemy's errors.
"""

from __future__ import annotations

import keyword
import sqlite3
from collections import namedtuple
from collections.abc import Iterator, Mapping
from typing import Any

from sqlalchemy import Connection, exc
from sqlalchemy.sql import sqltypes
from sqlalchemy.sql.elements import ClauseElement

_FALLBACK = object()  # this set of parameter names runs through Connection.execute


class Rows:
    """The rows of one statement run on psycopg, with the methods of SQLAlchemy's ``Result``
    that the queue engine uses."""

    def __init__(self, rows: list, rowcount: int):
        self._rows = rows
        self.rowcount = rowcount

    def __iter__(self) -> Iterator:
        return iter(self._rows)

    def all(self) -> list:
        return self._rows

    def one(self):
        if len(self._rows) != 1:
            raise (exc.NoResultFound("No row was found when one was required") if not self._rows
                   else exc.MultipleResultsFound("Multiple rows were found when exactly one was "
                                                 "required"))
        return self._rows[0]

    def one_or_none(self):
        if len(self._rows) > 1:
            raise exc.MultipleResultsFound("Multiple rows were found when one or none was "
                                           "required")
        return self._rows[0] if self._rows else None

    def scalar_one(self):
        return self.one()[0]

    def scalar_one_or_none(self):
        row = self.one_or_none()
        return None if row is None else row[0]

    def scalars(self) -> Rows:
        return Rows([r[0] for r in self._rows], self.rowcount)


class Prepared:
    """A Core statement (``select``, ``update``, ``text``...) to run with ``run(conn, params)``."""

    def __init__(self, stmt: ClauseElement):
        self.stmt = stmt
        self._compiled: dict[tuple[str, frozenset[str]], object] = {}

    def run(self, conn: Connection, params: Mapping[str, Any] | None = None):
        """Run on ``conn`` (inside its transaction); a :class:`Rows` or a SQLAlchemy result."""
        params = params or {}
        driver = conn.dialect.driver
        if driver not in _PLACEHOLDERS or not isinstance(params, Mapping):
            return conn.execute(self.stmt, params)
        key = (driver, frozenset(params))
        form = self._compiled.get(key)
        if form is None:
            form = self._compiled[key] = self._compile(conn, params)
        if form is _FALLBACK:
            return conn.execute(self.stmt, params)
        sql, constants, processors, shape = form  # type: ignore[misc]
        values = {**constants, **params}
        for name, process in processors:
            values[name] = process(values[name])
        if shape is None:
            try:
                return _execute(conn, sql, values)
            except _Disconnected:
                # Let SQLAlchemy meet the broken connection itself: it then replaces every
                # pooled connection of that server and raises its own error, as for any
                # statement.
                return conn.execute(self.stmt, params)
        return _execute_sqlite(conn, sql, values, shape)

    def _compile(self, conn: Connection, params: Mapping[str, Any]) -> object:
        """(SQL with the driver's placeholders, the statement's own parameter values, the type
        conversions of the parameters given at run time, and on SQLite the rows' shape), or
        ``_FALLBACK`` when this statement needs SQLAlchemy at run time."""
        dialect = conn.dialect
        driver = dialect.driver
        shape = None
        if driver == "pysqlite":
            shape = _sqlite_shape(self.stmt, dialect)
            if shape is None:
                return _FALLBACK
            dialect = _named(dialect)
        placeholder = _PLACEHOLDERS[driver]
        compiled = self.stmt.compile(dialect=dialect, column_keys=list(params))
        if (dialect.paramstyle not in ("pyformat", "named") or compiled.escaped_bind_names
                or compiled.insert_prefetch or compiled.update_prefetch):  # Python-side defaults
            return _FALLBACK
        if shape is None and any(_converts(typ, dialect) for typ in _returned_types(self.stmt)):
            return _FALLBACK
        sql = compiled.string
        constants: dict[str, Any] = {}
        processors: list[tuple[str, Any]] = []
        for bind, name in compiled.bind_names.items():
            process = bind.type.dialect_impl(dialect).bind_processor(dialect)
            if name in params:
                if bind.expanding:  # a list given at run time: SQLAlchemy expands it per call
                    return _FALLBACK
                if process is not None:
                    processors.append((name, process))
                continue
            marker = f"__[POSTCOMPILE_{name}]"
            if bind.expanding:  # IN of the statement's own values: spelled out once here
                values = list(bind.effective_value or ())
                if not values:
                    return _FALLBACK
                if process is not None:
                    values = [process(v) for v in values]
                names = [f"{name}__{i}" for i in range(len(values))]
                sql = sql.replace(marker, ", ".join(placeholder.format(n) for n in names))
                constants.update(zip(names, values, strict=True))
            else:
                if bind.required or bind.callable is not None:
                    return _FALLBACK
                sql = sql.replace(marker, placeholder.format(name))
                value = bind.effective_value
                constants[name] = process(value) if process is not None else value
        if "__[POSTCOMPILE_" in sql or not set(params) <= set(compiled.bind_names.values()):
            return _FALLBACK
        return sql, constants, processors, shape


_PLACEHOLDERS = {"psycopg": "%({})s", "pysqlite": ":{}"}
"""The drivers with a fast path, and how a named parameter is written for each."""
_SQLITE_CONVERTED = (sqltypes.DateTime, sqltypes.Date, sqltypes.Time, sqltypes.Boolean)
"""Result types SQLAlchemy converts on SQLite that the fast path converts the same way."""


def _named(dialect):
    """A copy of the SQLite dialect writing ``:name`` parameters (``sqlite3`` takes both)."""
    named = _NAMED.get(type(dialect))
    if named is None:
        named = _NAMED[type(dialect)] = type(dialect)(paramstyle="named")
    return named


_NAMED: dict[type, Any] = {}


class _Shape:
    """How SQLite's rows of a statement become rows: the row class (columns as attributes) and
    the conversion of each column (None: as stored)."""

    __slots__ = ("converters", "row")

    def __init__(self, names: list[str], converters: list):
        self.row = namedtuple("Row", names)  # noqa: PYI024 - fields known only at run time
        self.converters = converters if any(converters) else None


def _sqlite_shape(stmt: ClauseElement, dialect) -> _Shape | None:
    """The rows' shape of ``stmt`` on SQLite, or None when it needs SQLAlchemy's results (SQL
    text, a column name that is not an attribute name, a type converted otherwise)."""
    columns = getattr(stmt, "selected_columns", None)
    if columns is not None:
        names, types = list(columns.keys()), [c.type for c in columns]
    elif hasattr(stmt, "returning_column_descriptions"):
        described = stmt.returning_column_descriptions or ()
        names, types = [d["name"] for d in described], [d["type"] for d in described]
    else:
        return None
    if len(set(names)) != len(names) or not all(
            n.isidentifier() and not n.startswith("_") and not keyword.iskeyword(n)
            for n in names):
        return None
    converters = []
    for typ in types:
        process = typ.dialect_impl(dialect).result_processor(dialect, None)
        if process is not None and not isinstance(typ, _SQLITE_CONVERTED):
            return None
        converters.append(process)
    return _Shape(names, converters)


def _execute_sqlite(conn: Connection, sql: str, params: dict[str, Any], shape: _Shape) -> Rows:
    raw = conn.connection.driver_connection
    try:
        cur = raw.execute(sql, params)
        try:
            found = cur.fetchall() if cur.description is not None else []
            rowcount = cur.rowcount
        finally:
            cur.close()
    except sqlite3.Error as err:
        raise exc.DBAPIError.instance(sql, params, err, sqlite3.Error) from err
    make, converters = shape.row._make, shape.converters
    if converters is None:
        rows = [make(r) for r in found]
    else:
        rows = [make([v if f is None or v is None else f(v) for f, v in zip(converters, r, strict=True)])
                for r in found]
    return Rows(rows, rowcount)


def _returned_types(stmt: ClauseElement) -> list:
    """The types of the columns a statement returns (a select's, or an insert's or update's
    RETURNING); none for SQL text."""
    columns = getattr(stmt, "selected_columns", None)
    if columns is not None:
        return [c.type for c in columns]
    return [d["type"] for d in getattr(stmt, "returning_column_descriptions", None) or ()]


def _converts(typ, dialect) -> bool:
    """True when SQLAlchemy would convert psycopg's values of ``typ`` (then the statement runs
    through SQLAlchemy); it does not for ints, strings, booleans and datetimes."""
    return typ.dialect_impl(dialect).result_processor(dialect, None) is not None


def _execute(conn: Connection, sql: str, params: dict[str, Any]) -> Rows:
    import psycopg  # only ever reached on a psycopg connection: SQLite needs no psycopg
    from psycopg.rows import namedtuple_row

    raw = conn.connection.driver_connection
    try:
        with raw.cursor(row_factory=namedtuple_row) as cur:
            cur.execute(sql, params)
            rows = cur.fetchall() if cur.description is not None else []
            return Rows(rows, cur.rowcount)
    except psycopg.Error as err:
        if conn.dialect.is_disconnect(err, raw, None):
            raise _Disconnected() from err
        raise exc.DBAPIError.instance(sql, params, err, psycopg.Error) from err


class _Disconnected(Exception):
    """The psycopg connection is broken."""

