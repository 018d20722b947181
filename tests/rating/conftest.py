"""Fixtures of the rating-station tests: mock pins, a hand-moved monotonic clock, a fake server
client, and station configs pointing at a live server."""

from __future__ import annotations

import importlib.util
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import pytest
from gpiozero.pins.mock import MockFactory

from config import Config, load_config

HERE = Path(__file__).resolve().parent
_spec = importlib.util.spec_from_file_location("motcua_rating_mock", HERE / "_mock.py")
mock = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(mock)


@pytest.fixture
def mono() -> mock.MonoClock:
    return mock.MonoClock()


@pytest.fixture
def press() -> Callable[..., None]:
    return mock.press


@pytest.fixture
def factory():
    f = MockFactory()
    yield f
    f.reset()


class FakeClient:
    """Stands in for :class:`kiosk.client.ServerClient`: ``script`` holds exceptions (or None for
    success) for the next ``rate`` calls; later calls succeed."""

    def __init__(self, script: list[Exception | None] | None = None):
        self.script = list(script or [])
        self.calls: list[tuple[str, str, str, datetime]] = []
        self.heartbeats: list[dict] = []
        self.heartbeat_error: Exception | None = None

    def rate(self, rating_id: str, counter_id: str, level: str, pressed_at: datetime) -> dict:
        self.calls.append((rating_id, counter_id, level, pressed_at))
        outcome = self.script.pop(0) if self.script else None
        if outcome is not None:
            raise outcome
        return {"rating_id": rating_id}

    def heartbeat(self, **info: object) -> None:
        self.heartbeats.append(info)
        if self.heartbeat_error is not None:
            raise self.heartbeat_error

    @property
    def sent_ids(self) -> list[str]:
        return [c[0] for c in self.calls]


@pytest.fixture
def fake_client() -> Callable[..., FakeClient]:
    return FakeClient


@pytest.fixture
def station_config(tmp_path: Path) -> Callable[..., Config]:
    """The config a station on another Pi would have: the live server's file, own data dir."""

    def make(server) -> Config:
        data = tmp_path / "station-data"
        data.mkdir(exist_ok=True)
        return load_config(server.config_path, env={"MOTCUA_DATA_DIR": str(data)})

    return make
