"""The Alembic migrations build exactly the schema the code declares."""

from __future__ import annotations

from datetime import datetime

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy.exc import IntegrityError

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


def _at_0003_with_data(url: str) -> Database:
    """A database at revision 0003 (numbers by round, columns still named ``service_id``) with
    an officer, two tickets (one transferred to another field), their sequences and a rating."""
    from alembic import command

    from motcua.core.storage.migrate import _alembic_config

    db = Database(url)
    command.upgrade(_alembic_config(db), "0003")
    with db.write() as conn:
        conn.exec_driver_sql(
            "INSERT INTO officers (id, username, full_name, password_hash, role, counters, active,"
            " created_at) VALUES (1, 'an', 'An', 'x', 'officer', '', TRUE, '2026-11-01 00:00:00')")
        for id_, origin, now, state in ((1, "ho-tich", "ho-tich", "done"),
                                        (2, "ho-tich", "dat-dai", "transferred")):
            conn.exec_driver_sql(
                "INSERT INTO tickets (id, day, origin_service_id, round, seq, number, service_id,"
                " priority, transferred, state, token, issued_at, queued_at, counter_id,"
                " officer_id, call_count) VALUES"
                f" ({id_}, '2026-11-01', '{origin}', 1, {id_}, '100{id_}', '{now}', FALSE,"
                f" {'TRUE' if state == 'transferred' else 'FALSE'}, '{state}', 'tok{id_}',"
                " '2026-11-01 01:00:00', '2026-11-01 01:00:00', 'quay-1', 1, 1)")
        conn.exec_driver_sql(
            "INSERT INTO sequences (day, service_id, last_seq) VALUES ('2026-11-01', 'ho-tich', 2)")
        conn.exec_driver_sql(
            "INSERT INTO ratings (rating_id, counter_id, level, ticket_id, officer_id, service_id,"
            " pressed_at, received_at, source) VALUES ('r1', 'quay-1', 'satisfied', 1, 1,"
            " 'ho-tich', '2026-11-01 01:11:00', '2026-11-01 01:11:00', 'test')")
    return db


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_field_columns_renamed_with_their_data(backend, tmp_path, request) -> None:
    """0005 renames the ``service_id`` columns to ``field_id`` on both databases: the rows, the
    constraints and the indexes follow, and the result is the declared schema."""
    from sqlalchemy import select

    from motcua.core.storage import tables as t

    url = (f"sqlite:///{tmp_path / 'old.db'}" if backend == "sqlite"
           else request.getfixturevalue("pg_url"))
    db = _at_0003_with_data(url)
    try:
        assert upgrade(db) == ("0003", head_revision())
        with db.engine.connect() as conn:
            assert compare_metadata(MigrationContext.configure(conn), metadata) == []
        with db.read() as conn:
            c = t.tickets.c
            assert conn.execute(select(c.id, c.origin_field_id, c.field_id, c.round)
                                .order_by(c.id)).all() == [(1, "ho-tich", "ho-tich", 1),
                                                           (2, "ho-tich", "dat-dai", 1)]
            assert conn.execute(select(t.sequences)).all() == [("2026-11-01", "ho-tich", 2)]
            assert conn.execute(select(t.ratings.c.ticket_id, t.ratings.c.field_id)).all() == [
                (1, "ho-tich")]
        # a number is still taken once per day and round
        with pytest.raises(IntegrityError), db.write() as conn:
            conn.execute(t.tickets.insert().values(
                id=3, day="2026-11-01", origin_field_id="ho-tich", round=1, seq=1,
                number="1001", field_id="ho-tich", priority=False, transferred=False,
                state="waiting", token="tok3", issued_at=datetime(2026, 11, 1, 2),
                queued_at=datetime(2026, 11, 1, 2), call_count=0))
    finally:
        db.dispose()


def _down_and_up_again(db: Database, revision: str) -> None:
    """Down to ``revision`` and up to the head again: the declared schema."""
    from alembic import command

    from motcua.core.storage.migrate import _alembic_config

    command.downgrade(_alembic_config(db), revision)
    assert current_revision(db) == revision
    upgrade(db)
    with db.engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), metadata) == []


@pytest.fixture(params=["sqlite", "postgresql"])
def data_at(request, tmp_path):
    """Make a database holding :func:`_at_0003_with_data`'s rows, migrated up to a revision (on
    SQLite and on PostgreSQL); disposed of after the test."""
    from alembic import command

    from motcua.core.storage.migrate import _alembic_config

    made: list[Database] = []

    def at(revision: str) -> Database:
        url = (f"sqlite:///{tmp_path / 'old.db'}" if request.param == "sqlite"
               else request.getfixturevalue("pg_url"))
        made.append(_at_0003_with_data(url))
        command.upgrade(_alembic_config(made[-1]), revision)
        return made[-1]

    yield at
    for db in made:
        db.dispose()


def test_appointments_revision_upgrades_and_downgrades(data_at) -> None:
    """0006 adds the appointments tables and ``tickets.booked`` (false for the tickets there
    were); going back to 0005 and up again gives the declared schema."""
    from motcua.core.storage import tables as t

    db = data_at("0005")
    assert upgrade(db) == ("0005", head_revision())
    with db.read() as conn:
        assert [r.booked for r in conn.execute(t.tickets.select())] == [False, False]
    _down_and_up_again(db, "0005")


def test_remote_tickets_revision_gives_each_ticket_its_channel(data_at) -> None:
    """0007 adds ``tickets.channel`` (``appointment`` for the tickets an appointment's check-in
    issued, ``kiosk`` for the others) and ``remote_counts``; down to 0006 and up again gives
    the declared schema."""
    from sqlalchemy import select

    from motcua.core.storage import tables as t

    db = data_at("0006")
    with db.write() as conn:
        conn.exec_driver_sql(
            "INSERT INTO appointments (id, field_id, day, slot, starts_at, slot_minutes, code,"
            " secret_hash, state, booked_at, ticket_id) VALUES (1, 'ho-tich', '2026-11-01',"
            " '08:00', '2026-11-01 01:00:00', 30, '123454', 'h', 'checked_in',"
            " '2026-10-30 01:00:00', 2)")
    assert upgrade(db) == ("0006", head_revision())
    with db.read() as conn:
        assert conn.execute(select(t.tickets.c.id, t.tickets.c.channel)
                            .order_by(t.tickets.c.id)).all() == [(1, "kiosk"), (2, "appointment")]
    _down_and_up_again(db, "0006")


def test_attempts_revision_upgrades_and_downgrades(data_at) -> None:
    """0008 adds ``attempts`` (the booking limit shared by the server processes); down to 0007
    and up again gives the declared schema."""
    db = data_at("0007")
    assert upgrade(db) == ("0007", head_revision())
    _down_and_up_again(db, "0007")


def test_service_times_index_revision_upgrades_and_downgrades(data_at) -> None:
    """0009 indexes a field's finished tickets for the wait estimate; down to 0008 and up again
    gives the declared schema."""
    from sqlalchemy import inspect

    db = data_at("0008")
    assert upgrade(db) == ("0008", head_revision())
    with db.engine.connect() as conn:
        indexes = {i["name"]: i["column_names"] for i in inspect(conn).get_indexes("tickets")}
    assert indexes["ix_tickets_field_finished"] == ["field_id", "state", "finished_at"]
    _down_and_up_again(db, "0008")
