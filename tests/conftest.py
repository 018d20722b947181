"""Shared fixtures: the demo config on a temporary data dir, a migrated SQLite file, an engine
with a controllable clock."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from config import Config, load_config, parse_config
from motcua.core.queue import QueueEngine
from motcua.core.storage import Database, upgrade

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


def migrated(url: str) -> Iterator[Database]:
    """A database at ``url``, migrated; disposed of afterwards (for fixtures to yield from)."""
    database = Database(url)
    upgrade(database)
    yield database
    database.dispose()


@pytest.fixture
def db(config: Config):
    yield from migrated(config.database_url)


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


# -- a small disk: a server's data folder that really fills up ----------------------------------
import os  # noqa: E402
import sqlite3  # noqa: E402
import subprocess  # noqa: E402
from contextlib import closing  # noqa: E402

DISK_MB = 8


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """``tmp_path/data``: a filesystem of its own, of DISK_MB megabytes."""
    if os.geteuid() != 0:
        pytest.skip("mounting a small filesystem needs root (CI runs as root)")
    data = tmp_path / "data"
    data.mkdir()
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={DISK_MB}m", "tmpfs", str(data)],
                       capture_output=True, text=True)
    if r.returncode:
        pytest.skip(f"cannot mount a tmpfs here: {r.stderr.strip()}")
    yield data
    r = subprocess.run(["umount", str(data)], capture_output=True, text=True)
    if r.returncode:  # something still has a file open there: detach it anyway, and say so
        subprocess.run(["umount", "-l", str(data)], check=False)
        pytest.fail(f"umount {data}: {r.stderr.strip()}")


def fill_disk(data: Path) -> Path:
    """Fill a server's data folder to the last byte; the file to delete to make room.

    The WAL is checkpointed and truncated first, so the next commit has to grow it (a WAL keeps
    its size after a checkpoint and would otherwise take a few more transactions)."""
    with closing(sqlite3.connect(data / "motcua.db")) as db:
        busy, _, _ = db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    assert busy == 0
    filler = data / "filler"
    with open(filler, "wb", buffering=0) as f:
        for size in (1 << 16, 1 << 12, 1 << 9, 1):
            try:
                while f.write(b"\0" * size):
                    pass
            except OSError as exc:
                assert exc.errno == 28, exc  # ENOSPC
    return filler


# -- the display server: a process on 127.0.0.1, or the app in the test's process ----------------
import socket  # noqa: E402
import time  # noqa: E402

from tests.clients import KIOSK, RATING1, RATING2, Api  # noqa: E402
from tests.servers import AppServer, LiveServer, environment, route_requests, spawn_server  # noqa: E402

KIOSK_TOKEN = KIOSK
RATING_TOKEN = RATING1  # buttons of quay-1 and quay-2
RATING2_TOKEN = RATING2  # quay-3..quay-5


def wait_for(condition: Callable[[], object], what: str, timeout_s: float = 10.0) -> None:
    """Return once ``condition()`` is true; fail the test after ``timeout_s``."""
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.02)


def open_stream(port: int, source: str = "127.0.0.1",
                query: str = "") -> tuple[socket.socket, bytes]:
    """A raw ``GET /api/v1/events`` to 127.0.0.1 from the address ``source`` (any of
    127.0.0.0/8, so a test can be many clients): the socket and the first bytes of the answer."""
    s = socket.create_connection(("127.0.0.1", port), timeout=10, source_address=(source, 0))
    s.sendall(f"GET /api/v1/events{query} HTTP/1.1\r\nHost: x\r\n"
              "Accept: text/event-stream\r\n\r\n".encode())
    return s, s.recv(4096)


def reset(s: socket.socket) -> None:
    """Close with a reset, as when a screen loses power: no goodbye reaches the server. A socket
    already closed is left as it is (a test's cleanup must not hide the failure before it)."""
    if s.fileno() < 0:
        return
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
    s.close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def write_config(tmp: Path, *, config_text: str | None = None,
                 keepalive_s: float = 1.0) -> tuple[int, Path, Path, dict]:
    """The demo config (or ``config_text``) for a server on a free port, written to ``tmp``:
    the port, the data directory, the config file and the environment of its commands."""
    data = tmp / "data"
    data.mkdir(parents=True, exist_ok=True)
    port = free_port()
    text = config_text if config_text is not None else DEMO_CONFIG.read_text(encoding="utf-8")
    text = text.replace("port = 8080", f"port = {port}").replace(
        "read_timeout_s = 15 ", f"sse_keepalive_s = {keepalive_s}\nread_timeout_s = 15 ")
    text = text.replace("http://127.0.0.1:8080", f"http://127.0.0.1:{port}")
    if "phone_refresh_s" not in text:  # a test that sets its own keeps it
        text = text.replace("[display]\n", "[display]\nphone_refresh_s = 1\n", 1)
    config_path = tmp / "motcua.toml"
    config_path.write_text(text, encoding="utf-8")
    return port, data, config_path, environment(config_path, data)


def make_live_server(tmp: Path, *, config_text: str | None = None, keepalive_s: float = 1.0,
                     log_path: Path | None = None) -> LiveServer:
    """Start a server on a free port with the demo config (or ``config_text``) in ``tmp``; its
    log lines go to ``log_path`` when given."""
    port, data, config_path, env = write_config(tmp, config_text=config_text,
                                                keepalive_s=keepalive_s)
    return LiveServer(f"http://127.0.0.1:{port}", port, data, config_path, env,
                      spawn_server(port, env, log_path), log_path)


def make_app_server(tmp: Path, *, config_text: str | None = None) -> AppServer:
    """:func:`make_live_server`, but in this process (see tests/servers.py)."""
    port, data, config_path, env = write_config(tmp, config_text=config_text)
    return AppServer.start(f"http://127.0.0.1:{port}", port, data, config_path, env)


def _with_officers(server):
    """Yield ``server`` with officer ``an`` (quay-1, quay-2) and admin ``admin``; stop it after."""
    try:
        server.add_officer("an", counters="quay-1,quay-2", full_name="Nguyễn Văn An")
        server.add_officer("admin", role="admin", full_name="Trần Thị Bình")
        yield server
    finally:
        server.stop()


@pytest.fixture
def live_server(tmp_path: Path):
    """A fresh server process (own database) per test, with officer ``an`` (quay-1, quay-2)
    and admin ``admin``; passwords ``matkhau-123``. For event streams, processes and crashes:
    plain requests and answers go to :func:`app_server`."""
    yield from _with_officers(make_live_server(tmp_path))


@pytest.fixture
def small_disk_server(small_disk: Path, tmp_path: Path):
    """:func:`live_server` whose data folder (database, secret key, voice cache) is
    :func:`small_disk`; its log lines go to ``tmp_path/server.log``."""
    yield from _with_officers(make_live_server(tmp_path, log_path=tmp_path / "server.log"))


@pytest.fixture
def app_server(tmp_path: Path, monkeypatch):
    """:func:`live_server` in this process: every ``requests`` call to its URL goes to the app
    through Flask's test client (tests/servers.py)."""
    route_requests(monkeypatch)
    yield from _with_officers(make_app_server(tmp_path))


@pytest.fixture
def http_server(request):
    """The server the HTTP clients (:func:`api`, the pages' ``web``) talk to: :func:`app_server`,
    or :func:`live_server` for a test or module marked ``live`` (event streams, processes)."""
    live = request.node.get_closest_marker("live") is not None
    return request.getfixturevalue("live_server" if live else "app_server")


@pytest.fixture
def api(http_server) -> Api:
    """The JSON API of :func:`http_server` as the kiosk, the rating stations, and logged in as
    ``an`` and ``admin``."""
    a = Api(http_server)
    a.login("an")
    a.login("admin")
    return a


def _servers(tmp_path: Path, make: Callable[..., LiveServer | AppServer]):
    """``start(config_text)`` for the test (each server in a folder of its own); stops them after."""
    started: list = []

    def start(config_text: str | None = None):
        started.append(make(tmp_path / f"s{len(started)}", config_text=config_text))
        return started[-1]

    try:
        yield start
    finally:
        for server in started:
            server.stop()


@pytest.fixture
def start_server(tmp_path: Path):
    """Start servers with a config of the test's own: ``start_server(config_text)``."""
    yield from _servers(tmp_path, make_live_server)


@pytest.fixture
def start_app(tmp_path: Path, monkeypatch):
    """:func:`start_server` in this process: ``start_app(config_text)``."""
    route_requests(monkeypatch)
    yield from _servers(tmp_path, make_app_server)


@pytest.fixture
def demo_config_text() -> str:
    return DEMO_CONFIG.read_text(encoding="utf-8")


# -- a private PostgreSQL server on 127.0.0.1 (Debian's postgresql package) ------------------------
from tests.pgcluster import PgCluster, pg_bin  # noqa: E402


@pytest.fixture(scope="session")
def postgres_server():
    """Start a throw-away PostgreSQL cluster; yields a function making a fresh database URL.

    Skips (with the reason) when PostgreSQL is not installed: ``./install.sh dev`` installs it.
    """
    if pg_bin() is None:
        pytest.skip("PostgreSQL is not installed (apt-get install postgresql; ./install.sh dev)")
    cluster = PgCluster.start(free_port())
    try:
        yield cluster.create_database
    finally:
        cluster.stop()


@pytest.fixture
def pg_url(postgres_server) -> str:
    return postgres_server()


@pytest.fixture
def pg_db(pg_url) -> Iterator[Database]:
    """A migrated, empty PostgreSQL database."""
    yield from migrated(pg_url)
