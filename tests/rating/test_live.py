"""The station against a real server: outages, restarts, power loss, lost answers, refusals.

Presses go through gpiozero mock pins and the station's own debounce; the truth is read from the
server's SQLite file (table ``ratings``).
"""

from __future__ import annotations

import json
import random
import select
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from datetime import datetime
from pathlib import Path

import pytest
import requests
from gpiozero.pins.mock import MockFactory
from msgspec.structs import replace

from kiosk.client import ServerClient
from kiosk.rating.debounce import LOCKOUT_S
from kiosk.rating.outbox import DEAD, SENT, Outbox
from kiosk.rating.sender import Backoff
from kiosk.rating.station import RatingStation, outbox_path, rating_device

pytestmark = pytest.mark.slow

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
HANG_GUARD_S = 60.0
FAST = Backoff(0.05, 2, 0.5)


class LossySession(requests.Session):
    """Sends every request, but throws away the answer to the first post of each of the first
    ``drop`` ratings as if it timed out (the server has recorded them)."""

    def __init__(self, drop: int):
        super().__init__()
        self.drop = drop
        self.log: list[tuple[str, int, bool]] = []

    def request(self, method, url, *args, **kwargs):
        response = super().request(method, url, *args, **kwargs)
        if url.endswith("/api/v1/ratings"):
            rating_id = kwargs["json"]["rating_id"]
            lost = self.drop > 0 and all(r != rating_id for r, _, _ in self.log)
            self.log.append((rating_id, response.status_code, lost))
            if lost:
                self.drop -= 1
                raise requests.ReadTimeout("the answer was lost")
        return response


class RecordingClient(ServerClient):
    """The real client, remembering how each heartbeat went."""

    heartbeats: list[str]

    def heartbeat(self, **info: object) -> None:
        try:
            super().heartbeat(**info)
        except Exception as exc:
            self.heartbeats.append(f"{type(exc).__name__}: {exc}")
            raise
        self.heartbeats.append(f"ok backlog={info.get('outbox_backlog')}")


class Live:
    """A running station with its own mock pins and hand-moved clock."""

    def __init__(self, cfg, device_id: str, mono_cls, *, session=None, device=None):
        self.factory = MockFactory()
        self.clock = mono_cls()
        device = device or rating_device(cfg, device_id)
        self.client = RecordingClient(cfg.kiosk.server_url, device.token, session=session)
        self.client.heartbeats = []
        station = RatingStation(device, Outbox(outbox_path(cfg, device.id)), self.client,
                                levels=[lv.id for lv in cfg.ratings.effective_levels],
                                pin_factory=self.factory, monotonic=self.clock, backoff=FAST)
        self.station = station
        station.start()


def wait_for(condition, what: str) -> None:
    deadline = time.monotonic() + HANG_GUARD_S
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.02)


def server_ratings(server) -> list[tuple[int, str, str, str, datetime]]:
    db = sqlite3.connect(server.data_dir / "motcua.db")
    try:
        rows = db.execute("SELECT id, rating_id, counter_id, level, pressed_at FROM ratings "
                          "ORDER BY id").fetchall()
    finally:
        db.close()
    return [(r[0], r[1], r[2], r[3], datetime.fromisoformat(r[4])) for r in rows]


def backlog(cfg, device_id: str) -> int:
    with Outbox(outbox_path(cfg, device_id)) as box:
        return box.backlog()


def run_child_and_kill(cfg, plan: list, log_path: Path) -> None:
    """Press ``plan`` in a child process, then SIGKILL it: no clean shutdown at all."""
    with log_path.open("w") as log:
        proc = subprocess.Popen(
            [sys.executable, str(HERE / "_station_proc.py"), str(cfg.source), str(cfg.data_path),
             json.dumps(plan)], cwd=ROOT, stdout=subprocess.PIPE, stderr=log, text=True)
        try:
            ready, _, _ = select.select([proc.stdout], [], [], HANG_GUARD_S)
            assert ready, "child did not report its presses"
            assert proc.stdout.readline().strip() == f"pressed {len(plan)}", log_path.read_text()
        finally:
            proc.kill()
            proc.wait(HANG_GUARD_S)


def test_hundred_presses_survive_outage_restarts_power_loss_and_lost_answers(
        live_server, station_config, mono, press, tmp_path):
    cfg = station_config(live_server)
    devices = {d.id: d for d in cfg.devices if d.kind == "rating_station"}
    rng = random.Random(766)
    plan = []
    for _ in range(100):
        device_id = rng.choice(sorted(devices))
        plan.append([device_id, rng.choice(devices[device_id].buttons).pin, rng.choice([0, 0, 4])])
    by_pin = {d: {b.pin: (b.counter, b.level) for b in dev.buttons} for d, dev in devices.items()}
    assert {by_pin[d][p][0] for d, p, _ in plan} == {c.id for c in cfg.counters}  # all 5 counters

    def do(stations: dict[str, Live], part: list) -> None:
        for device_id, pin, bounces in part:
            live = stations[device_id]
            press(live.factory.pin(pin), live.clock, bounces=bounces)

    live_server.stop()

    # 1. presses 0-39 with the server down, then a clean shutdown of both stations
    stations = {d: Live(cfg, d, type(mono)) for d in devices}
    do(stations, plan[:40])
    for live in stations.values():
        live.station.close()
    assert sum(backlog(cfg, d) for d in devices) == 40

    # 2. presses 40-69 in another process, killed without warning (a power cut)
    run_child_and_kill(cfg, plan[40:70], tmp_path / "child.log")
    assert sum(backlog(cfg, d) for d in devices) == 70

    # 3. new station objects on the same outbox files; presses 70-99; the server comes back and
    #    the answers to five deliveries are lost on the way back
    lossy = LossySession(drop=5)
    stations = {d: Live(cfg, d, type(mono), session=lossy if d == "danh-gia-1" else None)
                for d in devices}
    do(stations, plan[70:])
    assert sum(s.station.outbox.backlog() for s in stations.values()) == 100
    assert server_ratings(live_server) == []
    live_server.start()
    wait_for(lambda: all(s.station.outbox.backlog() == 0 for s in stations.values()),
             "the outboxes to drain")
    for live in stations.values():
        live.station.close()

    rows = server_ratings(live_server)
    assert len(rows) == 100
    assert len({r[1] for r in rows}) == 100
    assert Counter((r[2], r[3]) for r in rows) == Counter(by_pin[d][p] for d, p, _ in plan)

    delivered = 0
    for device_id in devices:
        with Outbox(outbox_path(cfg, device_id)) as box:
            items = box.items()
        assert {i.state for i in items} == {SENT}
        # right counter and level for each press, in press order
        assert [(i.counter_id, i.level) for i in items] == [by_pin[d][p] for d, p, _ in plan
                                                            if d == device_id]
        # delivered in press order, with the press time kept
        mine = {r[1]: r for r in rows}
        assert [r[1] for r in rows if r[1] in {i.rating_id for i in items}] == [i.rating_id
                                                                               for i in items]
        for item in items:
            assert mine[item.rating_id][4] == item.pressed_at.replace(tzinfo=None)
        delivered += len(items)
    assert delivered == 100

    # the lost answers were recorded the first time; the retries were told "already counted"
    lost = [rid for rid, _, was_lost in lossy.log if was_lost]
    assert len(lost) == 5
    for rid in lost:
        assert [status for r, status, _ in lossy.log if r == rid] == [201, 200]


def test_refused_ratings_become_dead_letters_and_the_rest_arrive(live_server, station_config, mono,
                                                                 press):
    cfg = station_config(live_server)
    device = rating_device(cfg, "danh-gia-1")
    extra = (replace(device.buttons[0], pin=16, counter="quay-3"),   # not its counter
             replace(device.buttons[0], pin=20, level="neutral"))   # level is off
    device = replace(device, buttons=(*device.buttons, *extra))
    live = Live(cfg, device.id, type(mono), device=device)
    try:
        for pin in (5, 16, 20, 6):
            press(live.factory.pin(pin), live.clock)
        wait_for(lambda: live.station.outbox.backlog() == 0, "the outbox to drain")
        dead = live.station.outbox.items(DEAD)
        assert [(i.counter_id, i.level, i.last_error.split(":")[0]) for i in dead] == [
            ("quay-3", "very_satisfied", "403 counter_not_allowed"),
            ("quay-1", "neutral", "400 unknown_level"),
        ]
        assert all(i.attempts == 1 for i in dead)
        assert [(r[2], r[3]) for r in server_ratings(live_server)] == [
            ("quay-1", "very_satisfied"), ("quay-1", "satisfied")]
    finally:
        live.station.close()


def test_demo_keys_and_heartbeats_reach_the_server(live_server, station_config, mono):
    cfg = station_config(live_server)
    live = Live(cfg, "danh-gia-2", type(mono))
    try:
        assert live.station.press_key(1)
        assert not live.station.press_key(3)  # within the lock-out
        live.clock.advance(LOCKOUT_S)
        assert live.station.press_key(3)
        wait_for(lambda: len(server_ratings(live_server)) == 2, "two ratings on the server")
        wait_for(lambda: live.client.heartbeats, "a heartbeat")
        assert live.client.heartbeats[0].startswith("ok backlog=")
    finally:
        live.station.close()
    assert [(r[2], r[3]) for r in server_ratings(live_server)] == [
        ("quay-3", "very_satisfied"), ("quay-3", "dissatisfied")]
