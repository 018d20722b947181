"""``motcua backup`` and ``motcua restore`` against real SQLite files and a running server."""

from __future__ import annotations

import gzip
import os
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from datetime import datetime, timedelta
from pathlib import Path

import pytest
import requests

from motcua.cli.backup import BackupError, backup_database, list_backups, prune

ROOT = Path(__file__).resolve().parents[2]
KIOSK_AUTH = {"Authorization": "Bearer demo-kiosk-1-token-not-secret"}
FIELDS = ("ho-tich", "chung-thuc", "dat-dai", "kinh-doanh", "van-hoa-xa-hoi", "tra-ket-qua")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def motcua(env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "motcua", *args], env=env, capture_output=True,
                          text=True, timeout=120)


def tickets_in(db: Path) -> dict[int, str]:
    conn = sqlite3.connect(db)
    try:
        return dict(conn.execute("SELECT id, number FROM tickets").fetchall())
    finally:
        conn.close()


def integrity(db: Path) -> str:
    conn = sqlite3.connect(db)
    try:
        return conn.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        conn.close()


def gunzip(path: Path, out: Path) -> Path:
    with gzip.open(path, "rb") as fin:
        out.write_bytes(fin.read())
    return out


class Writer(threading.Thread):
    """Issues tickets over HTTP without pause, recording when each one was acknowledged."""

    def __init__(self, url: str):
        super().__init__(daemon=True)
        self.url = url
        self.acked: list[tuple[float, int, str]] = []
        self.stop = threading.Event()
        self.errors: list[str] = []

    def run(self) -> None:
        http = requests.Session()
        i = 0
        while not self.stop.is_set() and i < 600:
            r = http.post(f"{self.url}/api/v1/tickets", headers=KIOSK_AUTH, timeout=10,
                          json={"service_id": FIELDS[i % len(FIELDS)], "request_id": f"w-{i}"})
            if r.status_code != 201:
                self.errors.append(f"{r.status_code} {r.text}")
                return
            t = r.json()
            self.acked.append((time.monotonic(), t["id"], t["number"]))
            i += 1


@pytest.mark.slow
def test_backup_while_server_writes_then_restore_into_new_data_dir(live_server, tmp_path: Path) -> None:
    writer = Writer(live_server.url)
    writer.start()
    deadline = time.monotonic() + 30
    while len(writer.acked) < 30 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(writer.acked) >= 30, writer.errors
    started = time.monotonic()
    backups = tmp_path / "backups"
    r = live_server.motcua("backup", "--to", str(backups))
    finished = time.monotonic()
    time.sleep(0.3)  # the writer goes on after the backup too
    writer.stop.set()
    writer.join(30)
    assert not writer.errors
    assert r.returncode == 0, r.stderr
    assert "backup written:" in r.stdout
    [made] = list_backups(backups)
    assert made.name.endswith(".db.gz")
    assert oct(made.stat().st_mode & 0o777) == "0o640"
    before = {tid: num for t, tid, num in writer.acked if t < started}
    during = [tid for t, tid, _ in writer.acked if started <= t <= finished]
    after = [tid for t, tid, _ in writer.acked if t > finished]
    assert during or after, "the server was not writing while the backup ran"

    # The backup file on its own: sound, and holds every ticket acknowledged before it started.
    plain = gunzip(made, tmp_path / "plain.db")
    assert integrity(plain) == "ok"
    in_backup = tickets_in(plain)
    assert before.items() <= in_backup.items()
    assert set(in_backup) <= {tid for _, tid, _ in writer.acked}

    # A restore refuses while the server runs ...
    new_data = tmp_path / "restored-data"
    env = {**live_server.env, "MOTCUA_DATA_DIR": str(new_data)}
    refused = motcua(env, "restore", str(made))
    assert refused.returncode == 1
    assert "server answers" in refused.stderr and "--force" in refused.stderr
    assert not (new_data / "motcua.db").exists()

    # ... and works once it is stopped: every ticket there, sound, schema current.
    live_server.stop()
    done = motcua(env, "restore", str(made))
    assert done.returncode == 0, done.stderr
    assert f"{len(in_backup)} tickets" in done.stdout
    restored = new_data / "motcua.db"
    assert integrity(restored) == "ok"
    assert tickets_in(restored) == in_backup
    conn = sqlite3.connect(restored)
    assert conn.execute("SELECT version_num FROM alembic_version").fetchone()[0]
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    conn.close()

    # A server started on the restored data directory serves those tickets.
    live_server.env = env
    live_server.start()
    some_id = max(before)
    got = requests.get(live_server.api(f"/tickets/{some_id}"), timeout=10)
    assert got.status_code == 200 and got.json()["number"] == before[some_id]
    fresh = requests.post(live_server.api("/tickets"), headers=KIOSK_AUTH, timeout=10,
                          json={"service_id": "ho-tich"})
    assert fresh.status_code == 201 and fresh.json()["id"] > max(in_backup)


@pytest.fixture
def env(tmp_path: Path) -> dict:
    """A stopped centre: the demo config on a port nobody listens on, a fresh database."""
    text = (ROOT / "config" / "demo.toml").read_text(encoding="utf-8")
    text = text.replace("port = 8080", f"port = {free_port()}")
    cfg = tmp_path / "motcua.toml"
    cfg.write_text(text, encoding="utf-8")
    e = {**os.environ, "MOTCUA_CONFIG": str(cfg), "MOTCUA_DATA_DIR": str(tmp_path / "data")}
    assert motcua(e, "init").returncode == 0
    return e


def add_tickets(db: Path, n: int, day: str = "2026-11-25") -> None:
    """Tickets written straight into the table (the restore only needs rows to compare)."""
    conn = sqlite3.connect(db)
    with conn:
        start = conn.execute("SELECT coalesce(max(seq), 0) FROM tickets").fetchone()[0]
        for i in range(start + 1, start + n + 1):
            conn.execute(
                "INSERT INTO tickets (day, origin_field_id, seq, number, field_id, priority, "
                "transferred, state, token, issued_at, queued_at, call_count) VALUES "
                "(?, 'ho-tich', ?, ?, 'ho-tich', 0, 0, 'waiting', ?, '2026-11-25 02:00:00', "
                "'2026-11-25 02:00:00', 0)", (day, i, str(1000 + i), f"tok{i}"))
    conn.close()


def test_restore_keeps_a_copy_of_the_current_database(env: dict, tmp_path: Path) -> None:
    db = tmp_path / "data" / "motcua.db"
    add_tickets(db, 5)
    r = motcua(env, "backup", "--to", str(tmp_path / "b"), "--no-compress")
    assert r.returncode == 0, r.stderr
    [made] = list_backups(tmp_path / "b")
    assert made.suffix == ".db"
    add_tickets(db, 3)  # after the backup
    assert len(tickets_in(db)) == 8
    r = motcua(env, "restore", str(made))
    assert r.returncode == 0, r.stderr
    assert len(tickets_in(db)) == 5
    [copy] = (tmp_path / "data").glob("motcua-before-restore-*.db")
    assert str(copy) in r.stdout
    assert len(tickets_in(copy)) == 8 and integrity(copy) == "ok"
    # The copy is itself restorable: the restore can be undone.
    assert motcua(env, "restore", str(copy)).returncode == 0
    assert len(tickets_in(db)) == 8


def test_restore_migrates_a_backup_of_an_older_schema(env: dict, tmp_path: Path) -> None:
    """A backup made before the field columns were renamed (0004) is restored and migrated."""
    from alembic import command

    from motcua.core.storage import Database
    from motcua.core.storage.migrate import HEAD, _alembic_config

    old = tmp_path / "motcua-20261101-000000.db"
    db = Database(f"sqlite:///{old}")
    command.upgrade(_alembic_config(db), "0004")
    db.dispose()
    conn = sqlite3.connect(old)
    with conn:
        conn.execute(
            "INSERT INTO tickets (day, origin_service_id, seq, number, service_id, priority, "
            "transferred, state, token, issued_at, queued_at, call_count) VALUES ('2026-11-01', "
            "'ho-tich', 1, '1001', 'dat-dai', 0, 1, 'transferred', 'tok1', '2026-11-01 02:00:00', "
            "'2026-11-01 02:00:00', 0)")
    conn.close()
    r = motcua(env, "restore", str(old))
    assert r.returncode == 0, r.stderr
    assert f"0004 -> {HEAD}" in r.stdout
    conn = sqlite3.connect(tmp_path / "data" / "motcua.db")
    try:
        assert conn.execute("SELECT number, origin_field_id, field_id FROM tickets").fetchall() == [
            ("1001", "ho-tich", "dat-dai")]
    finally:
        conn.close()


def test_restore_refuses_what_is_not_a_sound_motcua_database(env: dict, tmp_path: Path) -> None:
    db = tmp_path / "data" / "motcua.db"
    add_tickets(db, 4)
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"not a database at all" * 100)
    other = tmp_path / "other.db"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE tickets (id INTEGER)")
    conn.commit()
    conn.close()
    bad_gz = tmp_path / "motcua-20260101-000000.db.gz"
    bad_gz.write_bytes(b"\x1f\x8b" + b"garbage" * 10)
    newer = tmp_path / "newer.db"
    assert motcua(env, "backup", "--to", str(tmp_path / "b"), "--no-compress").returncode == 0
    newer.write_bytes(list_backups(tmp_path / "b")[0].read_bytes())
    conn = sqlite3.connect(newer)
    conn.execute("UPDATE alembic_version SET version_num = '9999'")
    conn.commit()
    conn.close()
    corrupt = tmp_path / "corrupt.db"
    data = bytearray(list_backups(tmp_path / "b")[0].read_bytes())
    page = 4096
    data[page * 2: page * 3] = os.urandom(page)  # scribble over a b-tree page
    corrupt.write_bytes(bytes(data))

    cases = {junk: "not a SQLite database", other: "not a motcua database",
             bad_gz: "not a readable gzip file", newer: "upgrade motcua",
             corrupt: "", tmp_path / "missing.db": "no such file"}
    for path, message in cases.items():
        r = motcua(env, "restore", str(path))
        assert r.returncode == 1, (path, r.stdout)
        assert r.stderr.startswith("error: ") and message in r.stderr, r.stderr
        assert "Traceback" not in r.stderr
        assert len(tickets_in(db)) == 4, path  # untouched
    assert not list((tmp_path / "data").glob("motcua-before-restore-*"))


def test_pruning_keeps_the_newest_n(tmp_path: Path, db) -> None:
    db_path = Path(db.url.database)
    folder = tmp_path / "b"
    folder.mkdir()
    (folder / "notes.txt").write_text("keep me")
    (folder / "motcua-before-restore-20260101-000000.db").write_text("not ours to prune")
    t0 = datetime(2026, 11, 1, 2, 30)
    made = [backup_database(db_path, folder, keep=3, now=t0 + timedelta(days=i)).path
            for i in range(6)]
    assert list_backups(folder) == made[-3:]
    assert (folder / "notes.txt").exists()
    assert (folder / "motcua-before-restore-20260101-000000.db").exists()
    # Same second twice: a second name, not an overwrite; both count.
    again = backup_database(db_path, folder, keep=10, now=t0 + timedelta(days=5))
    assert again.path.name == "motcua-20261106-023000-1.db.gz"
    assert len(list_backups(folder)) == 4
    assert prune(folder, 1) == [*made[-3:]]
    assert list_backups(folder) == [again.path]
    with pytest.raises(BackupError, match="at least 1"):
        backup_database(db_path, folder, keep=0)


def test_backup_cli_keep_and_messages(env: dict, tmp_path: Path) -> None:
    folder = tmp_path / "b"
    for _ in range(3):
        r = motcua(env, "backup", "--to", str(folder), "--keep", "2")
        assert r.returncode == 0, r.stderr
        time.sleep(0.01)
    assert len(list_backups(folder)) == 2
    assert "removed old backup: motcua-" in r.stdout
    # The folder and the count may come from the environment (the systemd timer's env file).
    r = motcua({**env, "MOTCUA_BACKUP_DIR": str(tmp_path / "c"), "MOTCUA_BACKUP_KEEP": "1"}, "backup")
    assert r.returncode == 0 and len(list_backups(tmp_path / "c")) == 1
    # Default folder: backups/ in the data directory.
    assert motcua(env, "backup").returncode == 0
    assert len(list_backups(tmp_path / "data" / "backups")) == 1
    empty = {**env, "MOTCUA_DATA_DIR": str(tmp_path / "nothing")}
    r = motcua(empty, "backup")
    assert r.returncode == 1 and "no database at" in r.stderr and "motcua init" in r.stderr


def test_the_admin_pages_settings_are_saved_beside_each_backup(env: dict, tmp_path: Path) -> None:
    """admin-settings.toml (the admin page's values, in the data directory) goes with the
    database copy, and is pruned with it; restore says where it is."""
    settings = tmp_path / "data" / "admin-settings.toml"
    folder = tmp_path / "b"
    r = motcua(env, "backup", "--to", str(folder))
    assert r.returncode == 0 and "admin page settings" not in r.stdout  # none yet
    assert [p.name for p in folder.iterdir()] == [list_backups(folder)[0].name]
    settings.write_text("[appointments.arrival]\ngrace_minutes = 20\n", encoding="utf-8")
    time.sleep(1.01)  # a backup name of its own
    r = motcua(env, "backup", "--to", str(folder), "--keep", "1")
    assert r.returncode == 0, r.stderr
    [made] = list_backups(folder)
    saved = folder / made.name.replace(".db.gz", ".admin-settings.toml")
    assert f"admin page settings saved beside it: {saved}" in r.stdout
    assert saved.read_bytes() == settings.read_bytes()
    assert saved.stat().st_mode & 0o777 == 0o640
    r = motcua(env, "restore", str(made))
    assert r.returncode == 0, r.stderr
    assert f"the admin page's settings of this backup are in {saved}" in r.stdout
    time.sleep(1.01)
    assert motcua(env, "backup", "--to", str(folder), "--keep", "1").returncode == 0
    assert not saved.exists()  # pruned with its backup
    assert len(list(folder.glob("*.admin-settings.toml"))) == 1



def test_an_unreadable_settings_file_is_said_and_nothing_half_written(env: dict,
                                                                      tmp_path: Path) -> None:
    """The admin page's settings cannot be read (here: a folder in its place, unreadable even
    for root): the backup names that file, not the backup folder, and writes nothing."""
    (tmp_path / "data" / "admin-settings.toml").mkdir()
    folder = tmp_path / "b"
    r = motcua(env, "backup", "--to", str(folder))
    assert r.returncode == 1
    assert "cannot read the admin page's settings" in r.stderr and "admin-settings.toml" in r.stderr
    assert not folder.exists() or list(folder.iterdir()) == []

def test_postgresql_configs_are_sent_to_pg_dump(tmp_path: Path) -> None:
    text = (ROOT / "config" / "demo.toml").read_text(encoding="utf-8")
    text = text.replace('url = ""', 'url = "postgresql+psycopg://motcua@127.0.0.1:5432/motcua"')
    cfg = tmp_path / "pg.toml"
    cfg.write_text(text, encoding="utf-8")
    env = {**os.environ, "MOTCUA_CONFIG": str(cfg), "MOTCUA_DATA_DIR": str(tmp_path / "d")}
    for args in (("backup",), ("restore", str(cfg))):
        r = motcua(env, *args)
        assert r.returncode == 1
        assert "pg_dump" in r.stderr and "pg_restore" in r.stderr and "Traceback" not in r.stderr


def test_each_backup_notes_how_it_went_for_the_dashboard(env: dict, tmp_path: Path) -> None:
    from motcua.core.storage.backup_status import read_status

    data = tmp_path / "data"
    assert read_status(data) == {"last_ok": None, "last_error": None}
    assert motcua(env, "backup", "--to", str(tmp_path / "b")).returncode == 0
    [made] = list_backups(tmp_path / "b")
    ok = read_status(data)["last_ok"]
    assert (ok["file"], ok["size"]) == (str(made), made.stat().st_size)
    assert datetime.fromisoformat(ok["at"]).tzinfo is not None

    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    r = motcua(env, "backup", "--to", str(blocked / "backups"))
    assert r.returncode == 1
    status = read_status(data)
    assert status["last_ok"] == ok  # the last good backup is still known
    assert status["last_error"]["message"] == r.stderr.strip().removeprefix("error: ")
    assert "cannot create the backup folder" in status["last_error"]["message"]

    assert motcua(env, "backup", "--to", str(tmp_path / "b")).returncode == 0
    assert read_status(data)["last_error"] is None
    assert sorted(p.name for p in data.iterdir() if p.name.startswith(("backup-status", ".backup"))) \
        == ["backup-status.json"]  # nothing half written beside it
