"""The Alembic migrations build exactly the schema the code declares."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from display_server.storage import Database, upgrade
from display_server.storage.migrate import current_revision, head_revision
from display_server.storage.tables import metadata


def test_upgrade_creates_declared_schema(tmp_path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'm.db'}")
    assert current_revision(db) is None
    before, after = upgrade(db)
    assert before is None and after == head_revision()
    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), metadata)
    assert diff == []


def test_upgrade_is_idempotent_and_keeps_data(tmp_path, config) -> None:
    from display_server.queue import QueueEngine

    db = Database(f"sqlite:///{tmp_path / 'm.db'}")
    upgrade(db)
    QueueEngine(config, db).issue("ho-tich")
    assert upgrade(db) == (head_revision(), head_revision())
    assert len(QueueEngine(config, db).waiting()) == 1


def test_sqlite_settings(db) -> None:
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_head_constant_matches_the_scripts() -> None:
    from display_server.storage.migrate import HEAD

    assert head_revision() == HEAD
