"""``motcua demo``: the whole system from one command (server, kiosk, rating stations, a day)."""

from __future__ import annotations

import importlib.util
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_demo_runs_the_whole_system(tmp_path: Path, demo_config_text: str) -> None:
    if importlib.util.find_spec("kivy") is None:
        pytest.skip("Kivy is not installed (./install.sh installs it)")
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    config = tmp_path / "motcua.toml"
    config.write_text(demo_config_text.replace("port = 8080", f"port = {port}")
                      .replace("http://127.0.0.1:8080", f"http://127.0.0.1:{port}"), encoding="utf-8")
    data = tmp_path / "data"
    env = {**os.environ, "MOTCUA_CONFIG": str(config), "MOTCUA_DATA_DIR": str(data)}
    env.pop("DISPLAY", None)
    r = subprocess.run([sys.executable, "-m", "motcua", "demo", "--simulate", "--speed", "20",
                        "--duration", "25"], env=env, capture_output=True, text=True, timeout=180)
    assert r.returncode == 0, r.stderr + (data / "logs" / "server.log").read_text()
    out = r.stdout
    assert f"http://127.0.0.1:{port}/display" in out and f"http://127.0.0.1:{port}/counter" in out
    assert "admin      motcua-admin" in out and "canbo1     motcua-demo    quay-1" in out
    assert "running offscreen" in out

    db = sqlite3.connect(data / "motcua.db")
    states = dict(db.execute("SELECT state, count(*) FROM tickets GROUP BY state").fetchall())
    assert states.get("done", 0) > 0  # officers called and finished
    issued = db.execute("SELECT count(*) FROM tickets").fetchone()[0]
    pictures = list((data / "tickets").glob("*.png"))
    assert len(pictures) == issued  # simulated citizens got their tickets from the kiosk's printer
    assert db.execute("SELECT count(*) FROM ratings").fetchone()[0] > 0
    devices = {row[0] for row in db.execute("SELECT device_id FROM device_status")}
    assert devices == {"kiosk-1", "danh-gia-1", "danh-gia-2"}  # kiosk and both stations alive
    kiosk_log = (data / "logs" / "kiosk.log").read_text()
    assert "Traceback" not in kiosk_log
