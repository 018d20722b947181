"""Each role in a virtual environment of its own, as a centre's IT officer installs it.

A role's environment is new for each test session, built from a copy of this checkout (its
tracked and new files, as a fresh clone has them) with only the extras ``install.sh`` chooses for
that role (``deploy/install-helper.py extras ROLE``). The environments share pip's cache, so after
the first run they cost a few seconds each. The CI's ``dev`` role has every extra: only these
tests can see an import that one role's install lacks.
"""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import requests

from tests.conftest import DEMO_CONFIG, KIOSK_TOKEN, free_port

ROOT = Path(__file__).resolve().parents[2]
HELPER = ROOT / "deploy" / "install-helper.py"
PASSWORD = "matkhau-123"
# What a role's processes must not inherit from the test run's own environment.
_HOST_ONLY = ("VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME", "MOTCUA_CONFIG", "MOTCUA_DATA_DIR",
              "DISPLAY", "WAYLAND_DISPLAY", "PIP_REQUIRE_VIRTUALENV")


def clean_env(**extra: str | Path) -> dict[str, str]:
    """This machine's environment without the test run's virtual environment or display."""
    env = {k: v for k, v in os.environ.items() if k not in _HOST_ONLY}
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    env.update({k: str(v) for k, v in extra.items()})
    return env


def copy_checkout(dest: Path) -> Path:
    """The checkout's files as a fresh clone (plus files not yet committed) has them."""
    if (ROOT / ".git").exists() and shutil.which("git"):
        listed = subprocess.run(["git", "ls-files", "-z", "-co", "--exclude-standard"], cwd=ROOT,
                                capture_output=True, check=True).stdout.decode()
        files = [f for f in listed.split("\0") if f and (ROOT / f).is_file()]
    else:
        skip = {".venv", ".git", "data", "build", "__pycache__", ".pytest_cache"}
        files = [str(p.relative_to(ROOT)) for p in ROOT.rglob("*")
                 if p.is_file() and not skip & set(p.relative_to(ROOT).parts)]
    for f in files:
        (dest / f).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / f, dest / f)
    return dest


def one_line_error(r: subprocess.CompletedProcess) -> str:
    """A command's failure as the user sees it: exit 1 and one line on stderr, no traceback."""
    assert r.returncode == 1, (r.returncode, r.stdout, r.stderr)
    assert "Traceback" not in r.stderr + r.stdout, r.stderr
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1, r.stderr
    return lines[0]


@dataclass
class RoleEnv:
    """One role's virtual environment."""

    role: str
    path: Path

    def bin(self, name: str) -> str:
        return str(self.path / "bin" / name)

    def motcua(self, *args: str, env: dict, stdin: str | None = None,
               timeout: float = 120) -> subprocess.CompletedProcess:
        return subprocess.run([self.bin("motcua"), *args], input=stdin, env=env,
                              capture_output=True, text=True, timeout=timeout)

    def has(self, module: str) -> bool:
        r = subprocess.run([self.bin("python"), "-c", f"import {module}"], env=clean_env(),
                           capture_output=True, timeout=60)
        return r.returncode == 0


def _pip(python: str, *args: str, timeout: float = 900) -> None:
    r = subprocess.run([python, "-m", "pip", *args], env=clean_env(), capture_output=True,
                       text=True, timeout=timeout)
    assert r.returncode == 0, f"pip {' '.join(args)} failed:\n{r.stdout[-3000:]}\n{r.stderr[-3000:]}"


@pytest.fixture(scope="session")
def motcua_wheel(tmp_path_factory) -> Path:
    """motcua built once from a copy of this checkout (what ``pip install CHECKOUT`` builds)."""
    tmp = tmp_path_factory.mktemp("wheel")
    source = copy_checkout(tmp / "src")
    _pip(sys.executable, "wheel", "-q", "--no-deps", "-w", str(tmp / "dist"), str(source))
    [wheel] = (tmp / "dist").glob("motcua-*.whl")
    return wheel


@pytest.fixture(scope="session")
def role_env(motcua_wheel: Path, tmp_path_factory) -> Callable[[str], RoleEnv]:
    """``role_env(ROLE)``: that role's environment, made on first use in this session."""
    made: dict[str, RoleEnv] = {}

    def make(role: str) -> RoleEnv:
        if role not in made:
            lines = subprocess.run([sys.executable, str(HELPER), "extras", role], check=True,
                                   capture_output=True, text=True).stdout.splitlines()
            extras, more = (lines[0] if lines else ""), lines[1:]
            path = tmp_path_factory.mktemp(f"venv-{role}")
            subprocess.run([shutil.which("python3") or sys.executable, "-m", "venv", str(path)],
                           check=True, env=clean_env(), timeout=300)
            spec = f"{motcua_wheel}[{extras}]" if extras else str(motcua_wheel)
            _pip(str(path / "bin" / "python"), "install", "-q", spec, *more)
            made[role] = RoleEnv(role, path)
        return made[role]

    return make


# -- a centre: one server role's config, data and process -----------------------------------------
@dataclass
class Centre:
    """The demo centre's config in a folder of its own, its server run by a role's motcua."""

    root: Path
    port: int
    database_url: str = ""
    process: subprocess.Popen | None = None
    tokens: dict[str, str] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def config(self) -> Path:
        return self.root / "motcua.toml"

    @property
    def data(self) -> Path:
        return self.root / "data"

    def write_config(self, **replace: str) -> Path:
        text = DEMO_CONFIG.read_text(encoding="utf-8")
        text = text.replace("port = 8080", f"port = {self.port}")
        text = text.replace("http://127.0.0.1:8080", self.url)
        if self.database_url:
            text = text.replace('[database]\nurl = ""', f'[database]\nurl = "{self.database_url}"')
            assert self.database_url in text
        for old, new in replace.items():
            assert old in text, old
            text = text.replace(old, new)
        self.root.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / "config" / "demo.procedures.toml", self.root / "motcua.procedures.toml")
        self.config.write_text(text, encoding="utf-8")
        return self.config

    def env(self, **extra: str | Path) -> dict[str, str]:
        return clean_env(**{"MOTCUA_CONFIG": self.config, "MOTCUA_DATA_DIR": self.data,
                            "KIVY_NO_ARGS": "1", "KIVY_HOME": self.root / "kivy", **extra})

    def api(self, path: str) -> str:
        return f"{self.url}/api/v1{path}"

    def start(self, env: RoleEnv) -> None:
        """``motcua server`` of ``env`` on 127.0.0.1, once it answers its health check."""
        log = (self.root / "server.log").open("ab")
        self.process = subprocess.Popen(
            [env.bin("motcua"), "server", "--host", "127.0.0.1", "--port", str(self.port)],
            env=self.env(), stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while True:
            assert self.process.poll() is None, f"the server stopped:\n{self.server_log()}"
            try:
                r = requests.get(self.api("/health"), timeout=2)
                if r.status_code == 200:
                    return
            except requests.RequestException:
                pass
            assert time.monotonic() < deadline, f"no health answer in 60 s:\n{self.server_log()}"
            time.sleep(0.2)

    def server_log(self) -> str:
        path = self.root / "server.log"
        return path.read_text(errors="replace")[-4000:] if path.exists() else ""

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)

    def login(self, username: str, password: str = PASSWORD) -> dict[str, str]:
        r = requests.post(self.api("/auth/login"), json={"username": username,
                                                         "password": password}, timeout=10)
        assert r.status_code == 200, r.text
        return {"Authorization": f"Bearer {r.json()['token']}"}

    def issue(self, service_id: str = "ho-tich") -> dict:
        r = requests.post(self.api("/tickets"), headers={"Authorization": f"Bearer {KIOSK_TOKEN}"},
                          json={"service_id": service_id, "request_id": os.urandom(8).hex()},
                          timeout=10)
        assert r.status_code == 201, r.text
        return r.json()

    def devices_seen(self) -> set[str]:
        """Devices the server has had a heartbeat from (read from its SQLite file)."""
        with sqlite3.connect(f"file:{self.data / 'motcua.db'}?mode=ro", uri=True) as db:
            return {row[0] for row in db.execute("SELECT device_id FROM device_status")}


def set_up_centre(env: RoleEnv, centre: Centre) -> None:
    """What docs/install.md has the IT officer do on the server: init, an admin, an officer."""
    centre.write_config()
    r = env.motcua("init", env=centre.env())
    assert r.returncode == 0, r.stderr
    assert "database created" in r.stdout
    for args in (["admin", "--role", "admin"], ["canbo1", "--counters", "quay-1"]):
        r = env.motcua("officer", "add", *args, "--password-stdin", env=centre.env(),
                       stdin=PASSWORD + "\n")
        assert r.returncode == 0, r.stderr


@pytest.fixture(scope="module")
def centre(role_env, tmp_path_factory) -> Iterator[Centre]:
    """A running server of the server role (SQLite), for the device roles to talk to."""
    env = role_env("server")
    c = Centre(tmp_path_factory.mktemp("centre"), free_port())
    set_up_centre(env, c)
    c.start(env)
    try:
        yield c
    finally:
        c.stop()


def wait_until(condition: Callable[[], object], what: str, timeout_s: float = 60) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.2)
