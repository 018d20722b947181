"""Shared fixtures: the demo config on a temporary data dir, a migrated SQLite file, an engine
with a controllable clock."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from config import Config, load_config, parse_config
from display_server.queue import QueueEngine
from display_server.storage import Database, upgrade

ROOT = Path(__file__).resolve().parent.parent
DEMO_CONFIG = ROOT / "config" / "demo.toml"
PROVINCE_CONFIG = ROOT / "config" / "province.toml"
VN = ZoneInfo("Asia/Ho_Chi_Minh")


class FakeClock:
    """A clock the test moves by hand; starts on a Wednesday at 09:00 in Viet Nam."""

    def __init__(self, start: datetime | None = None):
        self.now = start or datetime(2026, 11, 25, 9, 0, tzinfo=VN)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kw: float) -> None:
        self.now += timedelta(**kw)

    def set_local(self, y: int, mo: int, d: int, h: int = 9, mi: int = 0) -> None:
        self.now = datetime(y, mo, d, h, mi, tzinfo=VN)


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    d = tmp_path / "data"
    d.mkdir()
    return d


@pytest.fixture
def config(data_dir: Path) -> Config:
    return load_config(DEMO_CONFIG, env={"MOTCUA_DATA_DIR": str(data_dir)})


@pytest.fixture
def make_config(data_dir: Path) -> Callable[..., Config]:
    """Build a config from the demo file with some sections replaced, e.g.
    ``make_config(queue={"priority_policy": "strict"})``."""
    import tomllib

    base = tomllib.loads(DEMO_CONFIG.read_text(encoding="utf-8"))

    def make(**sections: object) -> Config:
        data = dict(base)
        for key, value in sections.items():
            if isinstance(value, dict) and isinstance(data.get(key), dict):
                data[key] = {**data[key], **value}
            else:
                data[key] = value
        return parse_config(data, source=DEMO_CONFIG, env={"MOTCUA_DATA_DIR": str(data_dir)})

    return make


@pytest.fixture
def db(config: Config):
    database = Database(config.database_url)
    upgrade(database)
    yield database
    database.dispose()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def events() -> list:
    return []


@pytest.fixture
def make_engine(db: Database, clock: FakeClock, events: list) -> Callable[..., QueueEngine]:
    def make(cfg: Config) -> QueueEngine:
        return QueueEngine(cfg, db, clock=clock, publish=events.append)

    return make


@pytest.fixture
def engine(make_engine, config: Config) -> QueueEngine:
    return make_engine(config)


def utc(dt: datetime) -> datetime:
    return dt.astimezone(UTC)
