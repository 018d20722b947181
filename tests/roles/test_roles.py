"""Every role, installed on its own, does what a centre's IT officer and its users do with it.

demo: the README's first command on a fresh copy of the checkout. server (SQLite and
PostgreSQL): init, accounts, the server, a ticket and a call, reports, backups, voice. kiosk and
rating-station: against a running server of the server role. And in each, a command that needs an
extra the role lacks says so in one line."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import time
from datetime import date, timedelta
from pathlib import Path

import pytest
import requests

from tests.conftest import free_port

from .conftest import (
    ROOT,
    Centre,
    RoleEnv,
    clean_env,
    copy_checkout,
    one_line_error,
    set_up_centre,
    wait_until,
)

pytestmark = pytest.mark.slow
DRIVER = ROOT / "tests" / "kiosk" / "driver.py"
PRESS = Path(__file__).resolve().parent / "_press.py"
PNG = b"\x89PNG\r\n\x1a\n"


def needs_postgres_extra(env: RoleEnv, centre: Centre, tmp_path: Path) -> None:
    """A role without psycopg, given a PostgreSQL config: one line naming the extra."""
    pg = Centre(tmp_path / "pg-config", centre.port, "postgresql://motcua@127.0.0.1:1/motcua")
    pg.write_config()
    line = one_line_error(env.motcua("init", env=pg.env()))
    assert "'postgres' extra" in line and "install" in line, line


def around_today() -> tuple[str, str]:
    """A report span holding this test's whole day: the centre's day is not the host's (the demo
    centre is UTC+7, the host UTC), and a run may cross midnight; the database is the test's own."""
    host = date.today()
    return (host - timedelta(days=1)).isoformat(), (host + timedelta(days=1)).isoformat()


# -- demo ------------------------------------------------------------------------------------------
def test_demo_role_from_a_fresh_checkout(tmp_path: Path) -> None:
    """./install.sh && .venv/bin/motcua demo: the server answers, tickets are printed as images,
    and the demo ends cleanly."""
    checkout = copy_checkout(tmp_path / "motcua")
    r = subprocess.run(["./install.sh"], cwd=checkout, env=clean_env(), capture_output=True,
                       text=True, timeout=900)
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    env = RoleEnv("demo", checkout / ".venv")
    assert env.has("kivy") and not env.has("psycopg")  # the demo role's extras, no more

    port = free_port()
    data = tmp_path / "data"
    proc = subprocess.Popen(
        [env.bin("motcua"), "demo", "--simulate", "--speed", "20", "--duration", "25",
         "--port", str(port)],
        cwd=checkout, env=clean_env(MOTCUA_DATA_DIR=data, KIVY_HOME=tmp_path / "kivy"),
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        health = None
        deadline = time.monotonic() + 60
        while health is None and proc.poll() is None and time.monotonic() < deadline:
            try:
                health = requests.get(f"http://127.0.0.1:{port}/api/v1/health", timeout=2).json()
            except requests.RequestException:
                time.sleep(0.3)
        out, err = proc.communicate(timeout=180)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert health is not None and health["status"] == "ok", err
    assert proc.returncode == 0, err + _read(data / "logs" / "server.log")
    assert f"http://127.0.0.1:{port}/display" in out and "demo stopped" in out
    tickets = list((data / "tickets").glob("*.png"))
    assert tickets and all(p.read_bytes().startswith(PNG) for p in tickets)
    assert "Traceback" not in _read(data / "logs" / "kiosk.log")


def test_demo_port_taken_is_named(tmp_path: Path, role_env) -> None:
    env = role_env("kiosk")  # the demo's own extras, and a ready environment
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        line = one_line_error(env.motcua("demo", "--port", str(port), "--duration", "1",
                                         env=clean_env(MOTCUA_DATA_DIR=tmp_path / "data")))
    assert f"port {port} is already in use" in line and f"--port {port + 1}" in line
    help_text = env.motcua("demo", "--help", env=clean_env()).stdout
    assert "--port" in help_text


# -- server ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("database", ["sqlite", "postgresql"])
def test_server_role(database: str, role_env, tmp_path: Path, request) -> None:
    """init, officer add, server; a ticket from the kiosk's token, a call by the officer; and on
    SQLite the day's report, a backup and a call announcement."""
    env = role_env("server")
    assert env.has("psycopg") and not env.has("kivy")
    assert not env.has("babel")  # the pages translate with the standard library's gettext
    url = ""
    if database == "postgresql":
        # written as people write it: a bare postgresql:// means psycopg 3
        url = request.getfixturevalue("pg_url").replace("postgresql+psycopg://", "postgresql://")
    centre = Centre(tmp_path / "centre", free_port(), url)
    set_up_centre(env, centre)
    listed = env.motcua("officer", "list", env=centre.env())
    assert listed.returncode == 0 and "canbo1" in listed.stdout, listed.stderr
    centre.start(env)
    try:
        ticket = centre.issue("ho-tich")
        officer = centre.login("canbo1")
        r = requests.post(centre.api("/counters/quay-1/call-next"), headers=officer, timeout=10)
        assert r.status_code == 200, r.text
        assert r.json()["ticket"]["number"] == ticket["number"] == "1001"
        r = requests.post(centre.api("/counters/quay-1/finish"), headers=officer, timeout=10)
        assert r.status_code == 200, r.text
    finally:
        centre.stop()
    first, last = around_today()
    r = env.motcua("report", "waiting", "--from", first, "--to", last, env=centre.env())
    assert r.returncode == 0, r.stderr
    if database == "sqlite":
        r = env.motcua("backup", env=centre.env())
        assert r.returncode == 0, r.stderr
        assert list((centre.data / "backups").glob("*"))
        wav = tmp_path / "call.wav"
        r = env.motcua("voice", "say", "1001", "1", "-o", str(wav), env=centre.env())
        assert r.returncode == 0, r.stderr
        assert wav.read_bytes()[:4] == b"RIFF" and wav.stat().st_size > 10_000


def test_server_role_names_the_extras_it_lacks(role_env, tmp_path: Path) -> None:
    env = role_env("server")
    centre = Centre(tmp_path, free_port())
    centre.write_config()
    line = one_line_error(env.motcua("kiosk", "--offscreen", env=centre.env()))
    assert "'kiosk' extra" in line and "install" in line, line
    usb = Centre(tmp_path / "usb", free_port())
    usb.write_config(**{'backend = "preview"': 'backend = "usb"\nusb_vendor_id = 0x0416\n'
                                                'usb_product_id = 0x5011'})
    line = one_line_error(env.motcua("printer", "test", env=usb.env()))
    assert "'usb' extra" in line and "libusb" in line, line


def test_init_on_a_data_directory_it_cannot_write(role_env, tmp_path: Path) -> None:
    env = role_env("server")
    centre = Centre(tmp_path, free_port())
    centre.write_config()
    locked = tmp_path / "locked"
    locked.mkdir()
    cmd = [env.bin("motcua"), "init"]
    if os.geteuid() == 0:  # root writes anywhere: make the folder a read-only file system
        cmd = ["unshare", "-m", "sh", "-c", 'mount -t tmpfs -o ro tmpfs "$0" && exec "$@"',
               str(locked), *cmd]
    else:
        locked.chmod(0o555)
    for data_dir in (locked, locked / "data"):
        r = subprocess.run(cmd, env=centre.env(MOTCUA_DATA_DIR=data_dir), capture_output=True,
                           text=True, timeout=60)
        line = one_line_error(r)
        assert f"cannot write in the data directory {data_dir}:" in line, line


# -- kiosk -----------------------------------------------------------------------------------------
def test_kiosk_role(role_env, centre: Centre, tmp_path: Path) -> None:
    """Against the server: the kiosk command starts offscreen and reports in; a touch on a field
    gets the server's number and prints it; the printer preview; and what it lacks, said."""
    env = role_env("kiosk")
    assert env.has("kivy") and env.has("escpos") and not env.has("psycopg")
    kiosk_data = tmp_path / "kiosk-data"
    kenv = centre.env(MOTCUA_DATA_DIR=kiosk_data)

    _, out = run_until_heard(centre, "kiosk-1", [env.bin("motcua"), "kiosk", "--offscreen",
                                                    "--server", centre.url], kenv)
    assert "Traceback" not in out, out

    report_path = tmp_path / "kiosk.json"
    r = subprocess.run([env.bin("python"), str(DRIVER), "--config", str(centre.config),
                        "--data-dir", str(kiosk_data), "--out", str(report_path), "--steps",
                        "home,issue", "--size", "800x480"],
                       env=kenv, capture_output=True, text=True, timeout=300)
    assert report_path.exists(), r.stderr[-4000:]
    report = json.loads(report_path.read_text(encoding="utf-8"))
    assert report["errors"] == [] and r.returncode == 0, (report["errors"], r.stderr[-4000:])
    issued = report["issue"]
    assert issued["screen"] == "result" and issued["printed"]
    ticket = requests.get(centre.api(f"/tickets/{issued['ticket_id']}"), timeout=10).json()
    assert ticket["number"] == issued["number"]
    assert any(n.endswith(f"-{issued['number']}.png") for n in os.listdir(kiosk_data / "tickets"))

    picture = tmp_path / "ticket.png"
    r = env.motcua("printer", "preview", "--number", "1005", "-o", str(picture), env=kenv)
    assert r.returncode == 0, r.stderr
    assert picture.read_bytes().startswith(PNG)
    needs_postgres_extra(env, centre, tmp_path)


# -- rating station --------------------------------------------------------------------------------
def test_rating_station_role(role_env, centre: Centre, tmp_path: Path) -> None:
    """Against the server: the station command starts on mock pins and reports in; a press on a
    mock pin reaches the server once; and what it lacks, said."""
    env = role_env("rating-station")
    assert env.has("gpiozero") and not env.has("kivy") and not env.has("psycopg")
    station_data = tmp_path / "station-data"
    senv = centre.env(MOTCUA_DATA_DIR=station_data)

    code, out = run_until_heard(centre, "danh-gia-2", [
        env.bin("motcua"), "rating-station", "--device", "danh-gia-2", "--mock-pins", "--server",
        centre.url], senv)
    assert code == 0 and "rating station danh-gia-2 ready (mock pins" in out, out

    # the first button of danh-gia-1 (quay-1, very satisfied), pressed on a mock pin
    r = subprocess.run([env.bin("python"), str(PRESS), "danh-gia-1"], env=senv,
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr[-3000:]
    outbox = json.loads(r.stdout)
    admin = centre.login("admin")
    first, last = around_today()
    rows = requests.get(centre.api("/reports/satisfaction"), headers=admin, timeout=10,
                        params={"from": first, "to": last, "group_by": "counter"}).json()
    assert {k: n for k, n in outbox.items() if n} == {"sent": 1}, outbox
    assert rows["total"]["total"] == 1, rows  # counted once
    needs_postgres_extra(env, centre, tmp_path)


def run_until_heard(centre: Centre, device_id: str, cmd: list[str], env: dict) -> tuple[int, str]:
    """Run a device's command until the server has its first heartbeat, then stop it (SIGTERM,
    as systemd does); its exit status and output."""
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True)
    try:
        wait_until(lambda: device_id in centre.devices_seen() or proc.poll() is not None,
                   f"the first heartbeat of {device_id}")
        assert proc.poll() is None, proc.stdout.read()
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            out = proc.communicate(timeout=30)[0]
        except subprocess.TimeoutExpired:
            proc.kill()
            out = proc.communicate()[0]
    return proc.returncode, out


def _read(path: Path) -> str:
    return path.read_text(errors="replace") if path.exists() else ""
