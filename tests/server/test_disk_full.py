"""A full disk: the server refuses what it cannot write with 503 ``disk_full`` and Retry-After,
stores nothing of it (no half-issued ticket, no burnt number), says so on /health, logs it once
a minute, and works again without a restart as soon as there is room; the database stays whole.

The disk is really full: the data folder is a small tmpfs filled with a file (needs root, as in
CI), or, without root, SQLite's ``max_page_count`` set on each connection of the app."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import jsonschema
import pytest
from sqlalchemy import event

from config import load_config
from display_server.api.errors import DISK_FULL
from display_server.app import _stored_secret, create_app
from kiosk.client import ServerClient
from kiosk.controller import KioskController, Refused
from motcua.core.storage import Database
from printer import open_printer
from tests.clients import PASSWORD, Api
from tests.conftest import KIOSK_TOKEN, fill_disk


@pytest.fixture
def server(small_disk_server) -> Api:
    """:func:`small_disk_server` (tests/conftest.py) with officer ``an`` logged in."""
    api = Api(small_disk_server)
    api.login("an")
    return api


def assert_refused(r) -> None:
    assert r.status_code == 503, r.text
    assert r.headers["Retry-After"] == "30"
    error = r.json()["error"]
    assert (error["code"], error["message"]) == DISK_FULL
    assert error["message"].startswith("Máy chủ hết chỗ trống trên ổ đĩa")


def issue(api: Api, request_id: str):
    return api.post("/tickets", as_="kiosk", json={"service_id": "ho-tich",
                                                    "request_id": request_id})


def check_health(api: Api, disk: str) -> dict:
    r = api.get("/health")
    assert r.status_code == 200  # the database answers: screens and reads go on
    body = r.json()
    doc = api.get("/openapi.json").json()
    jsonschema.validate(body, {"$ref": "#/components/schemas/Health",
                               "components": doc["components"]})
    assert body["db"] == "ok" and body["disk"]["status"] == disk, body
    assert body["status"] == ("degraded" if disk == "full" else "ok")
    return body


def integrity(db_path: Path) -> tuple[str, list[str]]:
    with closing(sqlite3.connect(db_path)) as db:
        ok = db.execute("PRAGMA integrity_check").fetchone()[0]
        numbers = [n for (n,) in db.execute("SELECT number FROM tickets ORDER BY id")]
    return ok, numbers


def test_a_full_disk_refuses_clearly_stores_nothing_and_recovers_without_restart(server) -> None:
    api = server
    data = api.server.data_dir
    assert api.issue("ho-tich")["number"] == "1001"
    check_health(api, "low")  # a few MB free: below the warning threshold, not full
    filler = fill_disk(api.server.data_dir)

    for i in range(3):
        assert_refused(issue(api, f"kiosk-{i}"))
    assert_refused(api.act("quay-1", "call-next"))  # an officer's call is not half made either
    health = check_health(api, "full")
    assert health["disk"]["free_bytes"] < 1024 * 1024

    filler.unlink()  # space returns; the same server answers
    r = issue(api, "kiosk-0")
    assert r.status_code == 201, r.text  # the refused request left no ticket behind...
    assert r.json()["number"] == "1002"  # ...and burnt no number
    assert api.issue("ho-tich")["number"] == "1003"
    r = api.act("quay-1", "call-next")
    assert r.status_code == 200 and r.json()["ticket"]["number"] == "1001", r.text
    check_health(api, "low")

    assert integrity(data / "motcua.db") == ("ok", ["1001", "1002", "1003"])
    api.server.stop()
    lines = [ln for ln in api.server.log_path.read_text().splitlines() if "disk full" in ln]
    assert len(lines) == 1, lines  # four refusals within a minute: one line
    assert " ERROR " in lines[0] and str(data) in lines[0] and "bytes free" in lines[0]
    assert "Traceback" not in api.server.log_path.read_text()


def test_the_kiosk_shows_the_disk_full_screen_and_issues_again_after(server, tmp_path) -> None:
    live = server.server
    cfg = load_config(live.config_path, env={"MOTCUA_DATA_DIR": str(live.data_dir)})
    printer = open_printer(cfg.printer, data_dir=tmp_path / "kiosk")  # previews off the full disk
    ctl = KioskController(cfg, ServerClient(live.url, KIOSK_TOKEN, timeout_s=5), printer,
                          sleep=lambda _s: None)
    filler = fill_disk(server.server.data_dir)

    out = ctl.issue("ho-tich")
    assert isinstance(out, Refused) and out.kind == "disk_full", out
    assert out.title("vi") == "Máy chủ hết chỗ lưu trữ"
    assert out.text("vi") == DISK_FULL[1]
    assert "storage space" in out.text("en")

    filler.unlink()
    again = ctl.issue("ho-tich")
    assert again.printed and again.number == "1001", again  # the refusal took no number


def test_a_voice_announcement_that_cannot_be_cached_is_a_disk_full_refusal(server) -> None:
    api = server
    api.issue("ho-tich")
    assert api.act("quay-1", "call-next").status_code == 200
    event_id = api.get("/display").json()["last_event_id"]
    filler = fill_disk(api.server.data_dir)
    assert_refused(api.get(f"/announcements/{event_id}.wav"))
    filler.unlink()
    r = api.get(f"/announcements/{event_id}.wav")
    assert r.status_code == 200 and r.content[:4] == b"RIFF"


def test_a_secret_key_that_cannot_be_stored_leaves_no_empty_file(small_disk: Path) -> None:
    filler = small_disk / "filler"
    with open(filler, "wb", buffering=0) as f:
        try:
            while f.write(b"\0" * 4096):
                pass
        except OSError:
            pass
    key = _stored_secret(small_disk)  # this run goes on with a key of its own
    assert len(key) == 64
    assert sorted(p.name for p in small_disk.iterdir()) == ["filler"]
    filler.unlink()
    stored = _stored_secret(small_disk)
    assert stored != key and (small_disk / "secret_key").read_text() == stored
    assert _stored_secret(small_disk) == stored


# -- without root: SQLite's max_page_count makes the same SQLITE_FULL ---------------------------
def test_a_database_at_its_page_limit_refuses_and_recovers(config) -> None:
    db = Database(config.database_url)
    limit: list[int | None] = [None]

    @event.listens_for(db.engine, "checkout")
    def _cap(dbapi_conn, _record, _proxy) -> None:  # every connection, as it is handed out
        dbapi_conn.execute(f"PRAGMA max_page_count={limit[0] or 1073741823}")

    app = create_app(config, db=db)
    client = app.test_client()
    kiosk = {"Authorization": f"Bearer {KIOSK_TOKEN}"}

    def issue_one(request_id: str):
        return client.post("/api/v1/tickets", headers=kiosk,
                           json={"service_id": "ho-tich", "request_id": request_id})

    try:
        assert issue_one("first").status_code == 201
        with db.engine.connect() as conn:
            limit[0] = conn.exec_driver_sql("PRAGMA page_count").scalar()
        numbers = []
        for i in range(500):  # until the tables need one page more than the limit
            r = issue_one(f"r{i}")
            if r.status_code != 201:
                break
            numbers.append(r.json["number"])
        assert r.status_code == 503, r.text
        assert r.headers["Retry-After"] == "30"
        assert (r.json["error"]["code"], r.json["error"]["message"]) == DISK_FULL
        health = client.get("/api/v1/health").json
        assert health["disk"]["status"] == "full" and health["status"] == "degraded"

        limit[0] = None  # room again
        again = issue_one(f"r{len(numbers)}")  # the refused request: stored nothing
        assert again.status_code == 201, again.text
        assert again.json["number"] == str(1002 + len(numbers))  # no number burnt
        assert client.get("/api/v1/health").json["disk"]["status"] != "full"
    finally:
        db.dispose()
    ok, stored = integrity(Path(config.database_url.removeprefix("sqlite:///")))
    assert ok == "ok" and stored == [str(n) for n in range(1001, 1003 + len(numbers))]


def test_which_failures_are_a_full_disk_and_the_log_is_once_a_minute(tmp_path, caplog) -> None:
    from sqlalchemy.exc import OperationalError

    from display_server.disk import LOW_BELOW_BYTES, DiskSpace

    now = [0.0]
    disk = DiskSpace([tmp_path], clock=lambda: now[0])

    def sqlite_error(message: str, code: int) -> OperationalError:
        orig = sqlite3.OperationalError(message)
        orig.sqlite_errorcode = code
        return OperationalError("INSERT INTO tickets ...", {}, orig)

    assert disk.is_full_error(sqlite_error("database or disk is full", 13))
    assert disk.is_full_error(OSError(28, "No space left on device"))
    assert not disk.is_full_error(sqlite_error("database is locked", 5))
    assert not disk.is_full_error(OSError(13, "Permission denied"))
    # "disk I/O error" (SQLITE_IOERR_WRITE) is a full disk only when space is short
    assert disk.is_full_error(sqlite_error("disk I/O error", 10 | 3 << 8)) == (
        disk.tightest()[1] < LOW_BELOW_BYTES)
    caplog.set_level("ERROR", logger="display_server.disk")
    for t in (0.0, 10.0, 59.0, 61.0):
        now[0] = t
        disk.refused("POST /api/v1/tickets")
    assert caplog.text.count("disk full") == 2 and str(tmp_path) in caplog.text
    psycopg = pytest.importorskip("psycopg")
    assert disk.is_full_error(OperationalError(
        "INSERT", {}, psycopg.errors.DiskFull("could not extend file")))


def test_a_wrong_password_on_a_full_disk_is_still_wrong_credentials(server) -> None:
    """The failed login's audit row cannot be written: it is left out and logged, and the
    answer is what it would be with room (and a right password still logs in)."""
    api = server
    login = api.server.api("/auth/login")
    filler = fill_disk(api.server.data_dir)
    r = api.http.post(login, json={"username": "an", "password": "sai-mat-khau"}, timeout=10)
    assert r.status_code == 401 and r.json()["error"]["code"] == "bad_credentials", r.text
    r = api.http.post(login, json={"username": "an", "password": PASSWORD}, timeout=10)
    assert r.status_code == 200, r.text
    filler.unlink()
    r = api.http.post(login, json={"username": "an", "password": "sai-mat-khau"}, timeout=10)
    assert r.status_code == 401
    api.server.stop()
    with closing(sqlite3.connect(api.server.data_dir / "motcua.db")) as db:
        kept = db.execute("SELECT count(*) FROM audit_log WHERE kind = 'account.login_failed'")
        assert kept.fetchone()[0] == 1  # the one with room
    log = api.server.log_path.read_text()
    assert log.count("a failed login was not kept in the audit log") == 1, log
    assert "Traceback" not in log
