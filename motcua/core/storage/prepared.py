"""Statements built once and run often, straight on psycopg when the database is PostgreSQL.

``Connection.execute`` costs about 60 µs of CPU per statement on top of psycopg's own work (an
execution context, parameter processing, a result object). On a busy PostgreSQL server that is
a third of a request's CPU, spent while other writers wait for row locks. A :class:`Prepared`
statement is compiled by SQLAlchemy once per set of parameter names, then sent to the psycopg
connection under the SQLAlchemy transaction. On SQLite, or when a statement needs SQLAlchemy at
run time (type processors, parameters expanded per call, many rows of parameters), it goes
through ``Connection.execute`` as usual. Either way the caller gets ``one()``, ``all()``,
``scalar_one()`` and the rest of a result's usual methods, and errors are SQLAlchemy's.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from sqlalchemy import Connection, exc
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
        self._compiled: dict[frozenset[str], object] = {}

    def run(self, conn: Connection, params: Mapping[str, Any] | None = None):
        """Run on ``conn`` (inside its transaction); a :class:`Rows` or a SQLAlchemy result."""
        params = params or {}
        if conn.dialect.driver != "psycopg" or not isinstance(params, Mapping):
            return conn.execute(self.stmt, params)
        keys = frozenset(params)
        form = self._compiled.get(keys)
        if form is None:
            form = self._compiled[keys] = self._compile(conn, params)
        if form is _FALLBACK:
            return conn.execute(self.stmt, params)
        sql, constants, processors = form  # type: ignore[misc]
        values = {**constants, **params}
        for name, process in processors:
            values[name] = process(values[name])
        try:
            return _execute(conn, sql, values)
        except _Disconnected:
            # Let SQLAlchemy meet the broken connection itself: it then replaces every pooled
            # connection of that server and raises its own error, as for any statement.
            return conn.execute(self.stmt, params)

    def _compile(self, conn: Connection, params: Mapping[str, Any]) -> object:
        """(SQL with psycopg's placeholders, the statement's own parameter values, the type
        conversions of the parameters given at run time), or ``_FALLBACK`` when this statement
        needs SQLAlchemy at run time."""
        dialect = conn.dialect
        compiled = self.stmt.compile(dialect=dialect, column_keys=list(params))
        if (dialect.paramstyle != "pyformat" or compiled.escaped_bind_names
                or compiled.insert_prefetch or compiled.update_prefetch):  # Python-side defaults
            return _FALLBACK
        if any(_converts(typ, dialect) for typ in _returned_types(self.stmt)):
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
                sql = sql.replace(marker, ", ".join(f"%({n})s" for n in names))
                constants.update(zip(names, values, strict=True))
            else:
                if bind.required or bind.callable is not None:
                    return _FALLBACK
                sql = sql.replace(marker, f"%({name})s")
                value = bind.effective_value
                constants[name] = process(value) if process is not None else value
        if "__[POSTCOMPILE_" in sql or not set(params) <= set(compiled.bind_names.values()):
            return _FALLBACK
        return sql, constants, processors


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

