"""``INSERT ... ON CONFLICT`` for SQLite and PostgreSQL."""

from __future__ import annotations

from sqlalchemy import Connection, Table, TextClause, text
from sqlalchemy.dialects import sqlite


def insert_ignore(conn: Connection, table: Table, values: dict, keys: list[str]):
    """An insert of ``values`` that does nothing when a row with the same ``keys`` exists."""
    if conn.dialect.name == "postgresql":  # imported here: 2 MB of a SQLite server's RSS
        from sqlalchemy.dialects import postgresql as dialect
    else:
        dialect = sqlite
    return dialect.insert(table).values(**values).on_conflict_do_nothing(index_elements=keys)


def upsert_increment(table: Table, keys: dict[str, str], column: str) -> TextClause:
    """Insert the ``keys`` columns (column -> bind parameter name) with ``column`` = 1, or add 1
    to ``column`` of the existing row; returns the new value (one statement, which also locks
    the row on PostgreSQL). Written as SQL text, which SQLAlchemy compiles once: its dialects'
    ``on_conflict_do_update`` constructs have no cache key and are compiled at every call.
    Both databases accept it (SQLite 3.35 or newer)."""
    names = ", ".join(keys)
    binds = ", ".join(f":{b}" for b in keys.values())
    return text(f"INSERT INTO {table.name} ({names}, {column}) VALUES ({binds}, 1) "
                f"ON CONFLICT ({names}) DO UPDATE SET {column} = {table.name}.{column} + 1 "
                f"RETURNING {column}")
