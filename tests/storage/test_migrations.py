"""The Alembic migrations build exactly the schema the code declares."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from motcua.core.storage import Database, upgrade
from motcua.core.storage.migrate import current_revision, head_revision
from motcua.core.storage.tables import metadata


def test_upgrade_creates_declared_schema(tmp_path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'm.db'}")
    assert current_revision(db) is None
    before, after = upgrade(db)
    assert before is None and after == head_revision()
    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), metadata)
    assert diff == []


def test_upgrade_is_idempotent_and_keeps_data(tmp_path, config) -> None:
    from motcua.core.queue import QueueEngine

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
    from motcua.core.storage.migrate import HEAD

    assert head_revision() == HEAD


def test_upgrade_keeps_a_populated_database(tmp_path) -> None:
    """A centre's database with tickets, ratings and officers upgrades from the first schema."""
    from alembic import command

    from motcua.core.storage.migrate import _alembic_config

    db = Database(f"sqlite:///{tmp_path / 'old.db'}")
    command.upgrade(_alembic_config(db), "0001")
    with db.write() as conn:
        conn.exec_driver_sql(
            "INSERT INTO officers (id, username, full_name, password_hash, role, counters, active,"
            " created_at) VALUES (1, 'an', 'An', 'x', 'officer', '', 1, '2026-11-01 00:00:00')")
        conn.exec_driver_sql(
            "INSERT INTO tickets (id, day, origin_service_id, seq, number, service_id, priority,"
            " transferred, state, token, issued_at, queued_at, called_at, finished_at, counter_id,"
            " officer_id, call_count) VALUES (1, '2026-11-01', 'ho-tich', 1, '1001', 'ho-tich', 0,"
            " 0, 'done', 'tok1', '2026-11-01 01:00:00', '2026-11-01 01:00:00',"
            " '2026-11-01 01:05:00', '2026-11-01 01:10:00', 'quay-1', 1, 1)")
        conn.exec_driver_sql(
            "INSERT INTO ratings (rating_id, counter_id, level, ticket_id, officer_id, service_id,"
            " pressed_at, received_at, source) VALUES ('r1', 'quay-1', 'satisfied', 1, 1,"
            " 'ho-tich', '2026-11-01 01:11:00', '2026-11-01 01:11:00', 'test')")
    before, after = upgrade(db)
    assert (before, after) == ("0001", head_revision())
    with db.read() as conn:
        assert conn.exec_driver_sql("SELECT number, round FROM tickets").all() == [("1001", 0)]
        assert conn.exec_driver_sql("SELECT ticket_id FROM ratings").scalar_one() == 1
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
