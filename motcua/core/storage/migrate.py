"""Create or upgrade the database schema with Alembic (``motcua init``).

Alembic is imported only when the schema is not already current, so a server starting on an
up-to-date database does not carry it in memory.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import inspect, text

from .database import Database

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
HEAD = "0009"
"""The newest revision in migrations/versions (a test keeps this in step)."""


def _alembic_config(db: Database):
    from alembic.config import Config as AlembicConfig

    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["database"] = db
    return cfg


def upgrade(db: Database, revision: str = "head") -> tuple[str | None, str]:
    """Bring the schema to ``revision``; returns (revision before, revision after)."""
    before = current_revision(db)
    if revision == "head" and before == HEAD:
        return before, HEAD
    from alembic import command

    command.upgrade(_alembic_config(db), revision)
    return before, current_revision(db) or ""


def current_revision(db: Database) -> str | None:
    with db.engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one_or_none()


def head_revision() -> str:
    """The head according to the migration scripts themselves."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory(str(MIGRATIONS)).get_current_head() or ""
