"""``motcua rating-station``: picks its device, falls back to mock pins, stops cleanly on a signal."""

from __future__ import annotations

import os
import select
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from config import load_config
from kiosk.rating.outbox import PENDING, Outbox
from kiosk.rating.station import outbox_path
from motcua.cli.main import Context
from motcua.cli.rating_station import rating_station

ROOT = Path(__file__).resolve().parent.parent.parent
DEMO = ROOT / "config" / "demo.toml"
HANG_GUARD_S = 60.0

# the real root group with this command added, as motcua/cli/main.py registers it
RUNNER = (
    "import sys; from motcua.cli.main import cli; from motcua.cli.rating_station import rating_station; "
    "cli.add_command(rating_station); cli(sys.argv[1:], prog_name='motcua')"
)


@click.group()
@click.option("--config", "config_path")
@click.pass_context
def root(ctx: click.Context, config_path: str | None) -> None:
    ctx.obj = Context(config_path)


root.add_command(rating_station)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def config_file(tmp_path: Path) -> Path:
    """The demo config, its server on a port where nobody listens."""
    path = tmp_path / "motcua.toml"
    path.write_text(DEMO.read_text(encoding="utf-8").replace(
        "http://127.0.0.1:8080", f"http://127.0.0.1:{free_port()}"), encoding="utf-8")
    return path


@pytest.fixture
def env(tmp_path: Path, config_file: Path) -> dict:
    data = tmp_path / "data"
    return {**os.environ, "MOTCUA_CONFIG": str(config_file), "MOTCUA_DATA_DIR": str(data),
            "GPIOZERO_PIN_FACTORY": "no-such-factory"}  # no GPIO, even on a Pi


class Station:
    """``motcua rating-station`` in a child process, its output read line by line."""

    def __init__(self, env: dict, *args: str):
        self.proc = subprocess.Popen([sys.executable, "-c", RUNNER, "rating-station", *args],
                                     cwd=ROOT, env=env, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, text=True)
        self.lines: list[str] = []

    def wait_for(self, text: str) -> str:
        deadline = time.monotonic() + HANG_GUARD_S
        while time.monotonic() < deadline:
            ready, _, _ = select.select([self.proc.stdout], [], [], 0.5)
            if ready:
                line = self.proc.stdout.readline()
                if not line:
                    break
                self.lines.append(line)
                if text in line:
                    return line
        self.proc.kill()
        raise AssertionError(f"no {text!r} in:\n{''.join(self.lines)}")

    def finish(self, sig: int) -> int:
        self.proc.send_signal(sig)
        try:
            out, _ = self.proc.communicate(timeout=HANG_GUARD_S)
        finally:
            self.proc.kill()
        self.lines.append(out)
        return self.proc.returncode

    @property
    def output(self) -> str:
        return "".join(self.lines)


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_runs_until_a_signal_then_stops_cleanly(env, sig):
    station = Station(env)
    line = station.wait_for("ready")
    assert "rating station danh-gia-1 ready (mock pins: 5=quay-1/very_satisfied" in line
    assert "no GPIO on this machine" in station.output
    assert station.finish(sig) == 0
    assert "rating station stopped" in station.output
    assert "Traceback" not in station.output


def test_device_option_and_mock_pins(env, tmp_path):
    station = Station(env, "--device", "danh-gia-2", "--mock-pins")
    line = station.wait_for("ready")
    assert "rating station danh-gia-2 ready (mock pins: 5=quay-3/very_satisfied" in line
    assert str(tmp_path / "data" / "rating-outbox-danh-gia-2.db") in line
    assert "no GPIO" not in station.output
    assert station.finish(signal.SIGTERM) == 0


def test_retry_dead_requeues_refused_ratings(env, config_file, tmp_path):
    cfg = load_config(config_file, env=env)
    with Outbox(outbox_path(cfg, "danh-gia-1")) as box:
        item = box.add("quay-1", "satisfied")
        box.mark_dead(item.rating_id, "403 counter_not_allowed")
    station = Station(env, "--mock-pins", "--retry-dead")
    assert "(1 waiting)" in station.wait_for("ready")
    assert "requeued 1 refused ratings" in station.output
    assert station.finish(signal.SIGTERM) == 0
    with Outbox(outbox_path(cfg, "danh-gia-1")) as box:
        assert [i.state for i in box.items()] == [PENDING]  # server down: still waiting


def test_unknown_device_is_a_one_line_error(config_file, tmp_path, monkeypatch):
    monkeypatch.setenv("MOTCUA_DATA_DIR", str(tmp_path / "data"))
    result = CliRunner().invoke(root, ["--config", str(config_file), "rating-station",
                                       "--device", "kiosk-1", "--mock-pins"])
    assert result.exit_code == 1
    assert result.output.strip() == (
        "error: no rating station 'kiosk-1' in [[devices]] (known: danh-gia-1, danh-gia-2)")


def test_pin_clash_is_a_one_line_error(config_file, tmp_path, monkeypatch):
    text = config_file.read_text(encoding="utf-8").replace(
        'token = "demo-rating-1-token-not-secret"',
        'token = "demo-rating-1-token-not-secret"\nled_pin = 5')
    config_file.write_text(text, encoding="utf-8")
    monkeypatch.setenv("MOTCUA_DATA_DIR", str(tmp_path / "data"))
    result = CliRunner().invoke(root, ["--config", str(config_file), "rating-station", "--mock-pins"])
    assert result.exit_code == 1
    assert result.output.startswith("error: GPIO of device 'danh-gia-1':")
    assert len(result.output.strip().splitlines()) == 1
