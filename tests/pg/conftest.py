"""Fixtures of the PostgreSQL tests."""

from __future__ import annotations

import pytest

from display_server.storage import Database, upgrade


@pytest.fixture
def pg_db(pg_url) -> Database:
    """A migrated, empty PostgreSQL database."""
    database = Database(pg_url)
    upgrade(database)
    yield database
    database.dispose()
