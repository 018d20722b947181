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


# -- a real server process on 127.0.0.1 ------------------------------------------------------------
import os  # noqa: E402
import socket  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from dataclasses import dataclass  # noqa: E402

KIOSK_TOKEN = "demo-kiosk-1-token-not-secret"
RATING_TOKEN = "demo-rating-1-token-not-secret"  # buttons of quay-1 and quay-2
RATING2_TOKEN = "demo-rating-2-token-not-secret"  # quay-3..quay-5


def wait_for(condition: Callable[[], object], what: str, timeout_s: float = 10.0) -> None:
    """Return once ``condition()`` is true; fail the test after ``timeout_s``."""
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.02)


def open_stream(port: int) -> tuple[socket.socket, bytes]:
    """A raw ``GET /api/v1/events`` on 127.0.0.1: the socket and the first bytes of the answer."""
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    s.sendall(b"GET /api/v1/events HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n\r\n")
    return s, s.recv(4096)


def reset(s: socket.socket) -> None:
    """Close with a reset, as when a screen loses power: no goodbye reaches the server."""
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
    s.close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class LiveServer:
    """``motcua server`` running as a child process on 127.0.0.1."""

    url: str
    port: int
    data_dir: Path
    config_path: Path
    process: subprocess.Popen
    env: dict
    log_path: Path | None = None  # where its log lines go (else nowhere)

    def api(self, path: str) -> str:
        return f"{self.url}/api/v1{path}"

    def motcua(self, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "motcua", *args], input=stdin, env=self.env,
                              capture_output=True, text=True, timeout=60)

    def add_officer(self, username: str, password: str = "matkhau-123", *, role: str = "officer",
                    counters: str = "", full_name: str = "") -> None:
        args = ["officer", "add", username, "--role", role, "--password-stdin"]
        if counters:
            args += ["--counters", counters]
        if full_name:
            args += ["--full-name", full_name]
        r = self.motcua(*args, stdin=password + "\n")
        assert r.returncode == 0, r.stderr

    def start(self) -> None:
        self.process = _spawn_server(self.port, self.env, self.log_path)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)


def _spawn_server(port: int, env: dict, log_path: Path | None = None) -> subprocess.Popen:
    with open(log_path or os.devnull, "a") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "motcua", "server", "--host", "127.0.0.1", "--port", str(port)],
            env=env, stdout=log, stderr=subprocess.PIPE, text=True)
    import urllib.request

    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited: {proc.stderr.read()}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/health", timeout=1):
                return proc
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError("server did not start in 30 s")


def make_live_server(tmp: Path, *, config_text: str | None = None, keepalive_s: float = 1.0,
                     log_path: Path | None = None) -> LiveServer:
    """Start a server on a free port with the demo config (or ``config_text``) in ``tmp``; its
    log lines go to ``log_path`` when given."""
    data = tmp / "data"
    data.mkdir(parents=True, exist_ok=True)
    port = free_port()
    text = config_text if config_text is not None else DEMO_CONFIG.read_text(encoding="utf-8")
    text = text.replace("port = 8080", f"port = {port}").replace(
        "threads = 0 ", f"sse_keepalive_s = {keepalive_s}\nthreads = 0 ")
    text = text.replace("http://127.0.0.1:8080", f"http://127.0.0.1:{port}")
    text = text.replace("[display]\n", "[display]\nphone_refresh_s = 1\n", 1)
    config_path = tmp / "motcua.toml"
    config_path.write_text(text, encoding="utf-8")
    env = {**os.environ, "MOTCUA_CONFIG": str(config_path), "MOTCUA_DATA_DIR": str(data)}
    proc = _spawn_server(port, env, log_path)
    return LiveServer(f"http://127.0.0.1:{port}", port, data, config_path, proc, env, log_path)


@pytest.fixture
def live_server(tmp_path: Path):
    """A fresh server (own database) per test, with officer ``an`` (quay-1, quay-2) and admin
    ``admin``; passwords ``matkhau-123``."""
    server = make_live_server(tmp_path)
    try:
        server.add_officer("an", counters="quay-1,quay-2", full_name="Nguyễn Văn An")
        server.add_officer("admin", role="admin", full_name="Trần Thị Bình")
        yield server
    finally:
        server.stop()


@pytest.fixture
def start_server(tmp_path: Path):
    """Start servers with a config of the test's own: ``start_server(config_text)``."""
    started: list[LiveServer] = []

    def start(config_text: str | None = None) -> LiveServer:
        server = make_live_server(tmp_path / f"s{len(started)}", config_text=config_text)
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


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
