"""The queue engine's tests run on both databases it supports: SQLite (one writer at a time) and
PostgreSQL (writers side by side, some statements merged into one)."""

from __future__ import annotations

import pytest

from config.schema import Config
from tests.conftest import migrated


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request, config: Config):
    url = config.database_url if request.param == "sqlite" else request.getfixturevalue("pg_url")
    yield from migrated(url)
