"""The admin dashboard's server figures: version, database, running since, memory, the data
folder's free space, the event streams and the backups, as a real server process reports them."""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
from datetime import datetime, timedelta

import pytest

from display_server.machine import kib_fields, memory, process_memory
from motcua import __version__
from tests.clients import Api
from tests.conftest import wait_for

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")


def test_proc_fields_are_read_in_bytes_and_missing_ones_left_out(tmp_path) -> None:
    f = tmp_path / "status"
    f.write_text("Name:\tpython\nVmRSS:\t   70480 kB\nThreads:\t3\nRssAnon:\t 2 kB\n")
    assert kib_fields(f, ("VmRSS", "RssAnon", "VmSwap")) == {"VmRSS": 70480 * 1024,
                                                             "RssAnon": 2048}
    assert kib_fields(tmp_path / "gone", ("VmRSS",)) == {}


def test_the_memory_of_this_process_and_of_the_machine() -> None:
    ballast = bytearray(64 * 2**20)  # touched: resident
    ballast[::4096] = b"\1" * len(ballast[::4096])
    now = memory()
    assert now["process_bytes"] > 64 * 2**20
    assert 0 < now["available_bytes"] < now["total_bytes"]
    del ballast
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)
    assert process_memory(int(gone.stdout)) is None  # a process that has ended: unknown


def test_the_dashboard_shows_this_server(live_server) -> None:
    api = Api(live_server)
    api.login("admin")
    before = datetime.now().astimezone()
    server = api.get("/admin/dashboard", as_="admin").json()["server"]
    assert server["version"] == __version__ and server["database"] == "SQLite"
    started = datetime.fromisoformat(server["started_at"])
    assert started <= before and (before - started).total_seconds() < 120
    rss = process_memory(live_server.process.pid)
    assert 0.8 * rss < server["memory"]["process_bytes"] < 1.25 * rss
    free = shutil.disk_usage(live_server.data_dir).free
    assert server["disk"]["status"] == "ok"
    assert abs(server["disk"]["free_bytes"] - free) < 2**30
    assert server["streams"]["open"] == 0 and server["streams"]["limit"] >= 200

    with socket.create_connection(("127.0.0.1", live_server.port), timeout=10) as screen:
        screen.sendall(b"GET /api/v1/events HTTP/1.1\r\nHost: hall\r\n\r\n")
        assert screen.recv(64).startswith(b"HTTP/1.1 200")
        wait_for(lambda: api.get("/admin/dashboard", as_="admin")
                 .json()["server"]["streams"]["open"] == 1, "the stream counted")


def test_a_small_disk_is_low_on_the_dashboard(small_disk_server) -> None:
    api = Api(small_disk_server)
    api.login("admin")
    disk = api.get("/admin/dashboard", as_="admin").json()["server"]["disk"]
    assert disk["status"] == "low" and 0 < disk["free_bytes"] < 8 * 2**20


def test_the_dashboard_follows_the_backups(live_server, tmp_path) -> None:
    api = Api(live_server)
    api.login("admin")

    def backup() -> dict:
        return api.get("/admin/dashboard", as_="admin").json()["server"]["backup"]

    assert backup() == {"state": "none", "last_ok": None, "last_error": None}
    assert live_server.motcua("backup", "--to", str(tmp_path / "b")).returncode == 0
    made = backup()
    assert made["state"] == "ok" and made["last_ok"]["file"].startswith(str(tmp_path / "b"))

    (tmp_path / "a-file").write_text("")
    assert live_server.motcua("backup", "--to", str(tmp_path / "a-file" / "b")).returncode == 1
    failed = backup()
    assert failed["state"] == "failed" and failed["last_ok"] == made["last_ok"]
    assert "cannot create the backup folder" in failed["last_error"]["message"]

    # the last good backup three days old, and no failure since: old
    status = live_server.data_dir / "backup-status.json"
    three_days = (datetime.now().astimezone() - timedelta(days=3)).isoformat(timespec="seconds")
    status.write_text(json.dumps({"last_ok": {**made["last_ok"], "at": three_days},
                                  "last_error": None}))
    assert backup()["state"] == "old"
    for damaged in ("{not json", '{"last_ok": "yesterday", "last_error": [1]}'):
        status.write_text(damaged)  # a damaged note: as if none, not a broken dashboard
        assert backup() == {"state": "none", "last_ok": None, "last_error": None}
