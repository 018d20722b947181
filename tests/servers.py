"""The display server the tests talk to: a real ``motcua server`` process (:class:`LiveServer`),
or the app in the test's own process (:class:`AppServer`), with one interface.

A plain request/response test needs no server process: :class:`AppServer` builds the app with
``create_app`` from the same config a live server would read, and answers every ``requests``
call to its URL through ``app.test_client()`` (:class:`TestClientAdapter`), so the tests keep
their ``requests`` code, cookies and redirects. Event streams, processes and crashes still need
a :class:`LiveServer`: the test client answers one request at a time and never holds a
connection open. The fixtures are in tests/conftest.py.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from email.message import Message
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urlsplit

import requests
from flask import Flask
from requests.adapters import BaseAdapter
from requests.structures import CaseInsensitiveDict
from requests.utils import get_encoding_from_headers


class TestClientAdapter(BaseAdapter):
    """A ``requests`` transport that hands each request to a Flask app's test client."""

    def __init__(self, app: Flask):
        super().__init__()
        self.app = app

    def send(self, request: requests.PreparedRequest, stream: bool = False, timeout=None,
             verify=True, cert=None, proxies=None) -> requests.Response:
        url = urlsplit(request.url)
        body = request.body or b""
        if isinstance(body, str):
            body = body.encode("utf-8")
        client = self.app.test_client(use_cookies=False)  # the requests session keeps them
        answer = client.open(url.path, base_url=f"{url.scheme}://{url.netloc}",
                             method=request.method, query_string=url.query,
                             headers=list(request.headers.items()), data=body, buffered=True,
                             environ_base={"REMOTE_ADDR": "127.0.0.1"})
        response = requests.Response()
        response.status_code = answer.status_code
        response.reason = answer.status.partition(" ")[2]
        response.headers = CaseInsensitiveDict()
        for name, value in answer.headers.items():  # repeated ones joined, as urllib3 does
            old = response.headers.get(name)
            response.headers[name] = value if old is None else f"{old}, {value}"
        response.encoding = get_encoding_from_headers(response.headers)
        response._content = answer.get_data()
        response._content_consumed = True
        response.url = request.url
        response.request = request
        response.connection = self
        message = Message()  # every header, repeated ones too: what the cookie jar reads
        for name, value in answer.headers.items():
            message[name] = value
        response.raw = _Raw(message)
        answer.close()
        return response

    def close(self) -> None:
        pass


class _Raw:
    """What ``requests`` reads from a raw response once the body is in: the headers."""

    def __init__(self, message: Message):
        self._original_response = SimpleNamespace(msg=message)

    def read(self, *args, **kwargs) -> bytes:
        return b""

    def close(self) -> None:
        pass

    def release_conn(self) -> None:
        pass


_ROUTES: dict[str, TestClientAdapter] = {}
"""The in-process servers of the running test, by URL (see :func:`route_requests`)."""


def route_requests(monkeypatch) -> None:
    """For one test: send ``requests`` calls to the URL of an :class:`AppServer` to its app."""
    original = requests.Session.get_adapter

    def get_adapter(self, url: str):
        for prefix, adapter in _ROUTES.items():
            if url.lower().startswith(prefix):
                return adapter
        return original(self, url)

    monkeypatch.setattr(requests.Session, "get_adapter", get_adapter)


@dataclass
class Server:
    """A display server on ``url`` with its config file, data directory and the environment of
    its ``motcua`` commands."""

    url: str
    port: int
    data_dir: Path
    config_path: Path
    env: dict

    def api(self, path: str) -> str:
        return f"{self.url}/api/v1{path}"

    def motcua(self, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "motcua", *args], input=stdin, env=self.env,
                              capture_output=True, text=True, timeout=60)


@dataclass
class LiveServer(Server):
    """``motcua server`` running as a child process on 127.0.0.1."""

    process: subprocess.Popen | None = None
    log_path: Path | None = None  # where its log lines go (else nowhere)

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
        self.process = spawn_server(self.port, self.env, self.log_path)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)


def spawn_server(port: int, env: dict, log_path: Path | None = None) -> subprocess.Popen:
    with open(log_path or os.devnull, "a") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "motcua", "server", "--host", "127.0.0.1", "--port", str(port)],
            env=env, stdout=log, stderr=subprocess.PIPE, text=True)
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


@dataclass
class AppServer(Server):
    """The display server of ``config_path`` in this process, its URL answered by the app (see
    :func:`route_requests`)."""

    app: Flask | None = field(default=None, repr=False)

    @classmethod
    def start(cls, url: str, port: int, data_dir: Path, config_path: Path, env: dict) -> AppServer:
        from config import load_config
        from display_server.app import create_app

        config = load_config(config_path, env={"MOTCUA_DATA_DIR": str(data_dir)})
        server = cls(url, port, data_dir, config_path, env, create_app(config))
        _ROUTES[url.lower() + "/"] = TestClientAdapter(server.app)
        return server

    @property
    def services(self):
        return self.app.extensions["motcua"]

    def add_officer(self, username: str, password: str = "matkhau-123", *, role: str = "officer",
                    counters: str = "", full_name: str = "") -> None:
        """As ``motcua officer add`` does it, without starting a process."""
        self.services.accounts.add(username, password, full_name=full_name, role=role,
                                   counters=tuple(c for c in counters.split(",") if c))

    def stop(self) -> None:
        _ROUTES.pop(self.url.lower() + "/", None)
        self.services.close()


def environment(config_path: Path, data_dir: Path) -> dict:
    """The environment of a ``motcua`` command for this server."""
    return {**os.environ, "MOTCUA_CONFIG": str(config_path), "MOTCUA_DATA_DIR": str(data_dir)}
