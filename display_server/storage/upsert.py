"""``INSERT ... ON CONFLICT DO NOTHING`` for SQLite and PostgreSQL."""

from __future__ import annotations

from sqlalchemy import Connection, Table
from sqlalchemy.dialects import postgresql, sqlite


def insert_ignore(conn: Connection, table: Table, values: dict, keys: list[str]):
    """An insert of ``values`` that does nothing when a row with the same ``keys`` exists."""
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    return dialect.insert(table).values(**values).on_conflict_do_nothing(index_elements=keys)


def upsert_increment(conn: Connection, table: Table, keys: dict, column: str):
    """Insert ``keys`` with ``column`` = 1, or add 1 to ``column`` of the existing row; returns
    the new value (one statement, which also locks the row on PostgreSQL)."""
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    col = table.c[column]
    return (
        dialect.insert(table).values(**keys, **{column: 1})
        .on_conflict_do_update(index_elements=list(keys), set_={column: col + 1})
        .returning(col)
    )
