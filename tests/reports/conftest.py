"""Report fixtures: rows inserted directly with local (Viet Nam) times, on SQLite, and also on
PostgreSQL when ``MOTCUA_TEST_POSTGRES_URL`` names an empty database to use."""

from __future__ import annotations

import os
import uuid
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import insert

from motcua.core.storage import Database, upgrade
from motcua.core.storage import tables as t

VN = ZoneInfo("Asia/Ho_Chi_Minh")
PG_URL = os.environ.get("MOTCUA_TEST_POSTGRES_URL", "")


def L(y: int, mo: int, d: int, h: int = 9, mi: int = 0, s: int = 0) -> datetime:  # noqa: N802
    """A local time in Viet Nam."""
    return datetime(y, mo, d, h, mi, s, tzinfo=VN)


def utc(dt: datetime) -> datetime:
    return dt.astimezone(UTC).replace(tzinfo=None)


class Seed:
    """Inserts officers, tickets and ratings as the engine would have stored them."""

    def __init__(self, db: Database):
        self.db = db
        self._seq: dict[tuple[str, str], int] = {}

    def officer(self, username: str, full_name: str = "", *, role: str = "officer",
                active: bool = True) -> int:
        with self.db.write() as conn:
            return conn.execute(insert(t.officers).values(
                username=username, full_name=full_name, password_hash="x", role=role,
                counters="", active=active, created_at=datetime(2026, 1, 1))).inserted_primary_key[0]

    def ticket(self, issued: datetime, service: str = "ho-tich", *, called: datetime | None = None,
               finished: datetime | None = None, state: str = "done", counter: str | None = "quay-1",
               officer: int | None = None, dossier: str | None = None, number: str | None = None,
               channel: str = "kiosk") -> int:
        day = issued.astimezone(VN).date().isoformat()
        seq = self._seq[(day, service)] = self._seq.get((day, service), 0) + 1
        with self.db.write() as conn:
            return conn.execute(insert(t.tickets).values(
                day=day, origin_field_id=service, seq=seq, number=number or f"{seq + 1000}",
                field_id=service, priority=False, transferred=False, state=state,
                token=uuid.uuid4().hex[:24], issued_at=utc(issued), queued_at=utc(issued),
                called_at=utc(called) if called else None,
                finished_at=utc(finished) if finished else None,
                counter_id=counter if called else None, officer_id=officer, call_count=1 if called else 0,
                dossier_code=dossier, channel=channel)).inserted_primary_key[0]

    def rating(self, pressed: datetime, level: str, *, counter: str = "quay-1", officer: int | None = None,
               ticket: int | None = None, service: str | None = "ho-tich") -> int:
        with self.db.write() as conn:
            return conn.execute(insert(t.ratings).values(
                rating_id=str(uuid.uuid4()), counter_id=counter, level=level, ticket_id=ticket,
                officer_id=officer, field_id=service, pressed_at=utc(pressed),
                received_at=utc(pressed), source="test")).inserted_primary_key[0]

    def votes(self, pressed: datetime, **levels: int) -> None:
        """``votes(at, very_satisfied=3, dissatisfied=1)``: that many ratings at ``pressed``."""
        for level, n in levels.items():
            for _ in range(n):
                self.rating(pressed, level)


def _postgres() -> Database:
    from motcua.core.storage.tables import metadata

    database = Database(PG_URL)
    with database.engine.begin() as conn:
        metadata.drop_all(conn)
        conn.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
    upgrade(database)
    return database


@pytest.fixture(params=["sqlite"] + (["postgresql"] if PG_URL else []))
def rdb(request, db: Database):
    """The report database: the migrated SQLite file, or a fresh PostgreSQL schema."""
    if request.param == "sqlite":
        yield db
        return
    database = _postgres()
    yield database
    database.dispose()


@pytest.fixture
def seed(rdb: Database) -> Seed:
    return Seed(rdb)
