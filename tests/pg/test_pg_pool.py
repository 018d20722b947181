"""Pooled PostgreSQL connections: an idle one is pinged and replaced when its server end died."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

from motcua.core.storage import database
from motcua.core.storage.database import Database


def _kill_other_backends(url: str) -> int:
    """Terminate every other session of this database, as a server restart would."""
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            return len(conn.execute(text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()")).all())
    finally:
        admin.dispose()


def _backend_pid(db: Database) -> int:
    with db.read() as conn:
        return conn.execute(text("SELECT pg_backend_pid()")).scalar_one()


def test_an_idle_connection_whose_server_end_died_is_replaced(pg_url, monkeypatch) -> None:
    db = Database(pg_url)
    try:
        first = _backend_pid(db)
        assert _kill_other_backends(pg_url) == 1
        monkeypatch.setattr(database, "PING_AFTER_IDLE_S", 0.0)  # every checkout counts as idle
        assert _backend_pid(db) != first  # pinged, found dead, replaced: the read just works
    finally:
        db.dispose()


def test_a_recently_used_connection_is_not_pinged(pg_url, monkeypatch) -> None:
    """A busy server saves the ping; a connection that died meanwhile fails its one request,
    and the pool starts afresh for the next."""
    db = Database(pg_url)
    try:
        first = _backend_pid(db)
        assert _kill_other_backends(pg_url) == 1
        monkeypatch.setattr(database, "PING_AFTER_IDLE_S", 3600.0)
        with pytest.raises(OperationalError):
            _backend_pid(db)
        assert _backend_pid(db) != first
    finally:
        db.dispose()


def test_a_request_on_a_broken_connection_gets_503_and_the_next_one_works(
        pg_url, make_config, monkeypatch) -> None:
    from display_server.app import create_app

    app = create_app(make_config(database={"url": pg_url}))
    client = app.test_client()
    try:
        assert client.get("/api/v1/services").status_code == 200
        monkeypatch.setattr(database, "PING_AFTER_IDLE_S", 3600.0)
        assert _kill_other_backends(pg_url) >= 1
        r = client.get("/api/v1/services")
        assert r.status_code == 503
        assert r.json["error"] == {
            "code": "unavailable",
            "message": "Hệ thống tạm thời không sẵn sàng. Vui lòng thử lại sau."}
        assert client.get("/api/v1/services").status_code == 200
    finally:
        app.extensions["motcua"].close()
