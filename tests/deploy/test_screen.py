"""The screen role's launcher and watchdog, with a real (headless) Chromium and a real server."""

from __future__ import annotations

import http.server
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BIN = ROOT / "deploy" / "bin"
WATCHDOG = BIN / "motcua-screen-watchdog"
LAUNCHER = BIN / "motcua-screen"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
HEADLESS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"]

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (./install.sh dev)"),
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def devtools_pages(port: int) -> list[dict]:
    import json

    with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=5) as r:
        return [t for t in json.loads(r.read()) if t.get("type") == "page"]


def wait_for(predicate, timeout: float = 30, what: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if predicate():
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


class Pages(http.server.ThreadingHTTPServer):
    """A tiny site: a healthy screen page, a page whose script hangs, and the health URL."""

    PAGES = {
        "/ok": b'<html><title>ok</title><body data-live="online">ok</body></html>',
        "/offline": b'<html><title>offline</title><body data-live="offline">lost</body></html>',
        "/hang": b"<html><body>hang<script>setTimeout(function(){while(true){}}, 300)</script>"
                 b"</body></html>",
        "/hang-now": b"<html><body>hang<script>while(true){}</script></body></html>",
        "/api/v1/health": b'{"status": "ok"}',
    }

    def __init__(self, port: int):
        pages = self.PAGES

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802
                path = self.path.split("?")[0]
                body = pages.get(path)
                self.send_response(200 if body else 404)
                self.end_headers()
                self.wfile.write(body or b"not found")

            def log_message(self, *args: object) -> None:
                pass

        super().__init__(("127.0.0.1", port), Handler)
        threading.Thread(target=self.serve_forever, daemon=True).start()


@pytest.fixture
def browser(tmp_path: Path) -> Iterator:
    """Start headless Chromium on a URL: ``port = browser(url)``."""
    started: list[subprocess.Popen] = []

    def start(url: str) -> int:
        port = free_port()
        proc = subprocess.Popen([CHROMIUM, *HEADLESS, f"--remote-debugging-port={port}",
                                 f"--user-data-dir={tmp_path / f'profile{len(started)}'}", url],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                start_new_session=True)
        started.append(proc)
        wait_for(lambda: devtools_pages(port), what="Chromium's DevTools")
        return port

    yield start
    for proc in started:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(10)


def watchdog(*args: str, timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(WATCHDOG), *args], capture_output=True, text=True,
                          timeout=timeout)


def test_watchdog_passes_a_live_hall_screen(live_server, browser) -> None:
    url = f"{live_server.url}/display"
    port = browser(url)
    wait_for(lambda: watchdog("--once", "--url", url, "--devtools-port", str(port)).returncode == 0,
             what="a healthy check")
    r = watchdog("--once", "--url", url, "--devtools-port", str(port))
    assert r.returncode == 0 and r.stdout.strip() == "ok", r.stdout + r.stderr


def test_watchdog_fails_a_hung_page_and_a_missing_browser(browser) -> None:
    site = Pages(free_port())
    url = f"http://127.0.0.1:{site.server_port}/hang"
    port = browser(url)
    time.sleep(1)  # the script starts spinning 0.3 s after load
    started = time.monotonic()
    r = watchdog("--once", "--timeout", "3", "--url", url, "--devtools-port", str(port))
    assert r.returncode == 1
    assert "does not answer" in r.stdout
    assert time.monotonic() - started < 15
    r = watchdog("--once", "--timeout", "2", "--url", url, "--devtools-port", str(free_port()))
    assert r.returncode == 1 and "DevTools does not answer" in r.stdout
    site.shutdown()


def test_watchdog_loads_the_page_once_the_server_is_back(browser) -> None:
    port_site = free_port()
    url = f"http://127.0.0.1:{port_site}/ok"
    port = browser(url)  # nothing listens yet: Chromium shows its error page
    r = watchdog("--once", "--url", url, "--devtools-port", str(port))
    assert r.returncode == 0, r.stdout  # the browser answers; the server is just not there
    assert "loading" not in r.stderr
    site = Pages(port_site)
    r = watchdog("--once", "--url", url, "--devtools-port", str(port))
    assert r.returncode == 0
    # The watchdog loads it, unless Chromium's own auto-reload was quicker: either way, it shows.
    wait_for(lambda: devtools_pages(port)[0].get("title") == "ok", what="the page to load")
    site.shutdown()


def _load_watchdog():
    import importlib.machinery
    import importlib.util

    loader = importlib.machinery.SourceFileLoader("screen_watchdog", str(WATCHDOG))
    spec = importlib.util.spec_from_loader("screen_watchdog", loader)
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


class FakePage:
    def __init__(self) -> None:
        self.calls: list[tuple[str, dict]] = []

    def call(self, method: str, params: dict | None = None) -> dict:
        self.calls.append((method, params or {}))
        return {}


def test_watchdog_recovery_decisions() -> None:
    """Error page and long-offline page: navigate or reload only when the server answers."""
    w = _load_watchdog()
    site = Pages(free_port())
    up = f"http://127.0.0.1:{site.server_port}/ok"
    down = f"http://127.0.0.1:{free_port()}/ok"
    for url, server_up in ((up, True), (down, False)):
        dog = w.Watchdog(w.parse_args(["--url", url, "--offline-reload", "0.2"]))
        page = FakePage()
        dog._recover(page, "chrome-error://chromewebdata/", "complete", "")
        assert page.calls == ([("Page.navigate", {"url": url})] if server_up else [])
        page = FakePage()
        dog._recover(page, url, "complete", "offline")  # offline: the clock starts
        assert page.calls == []
        time.sleep(0.3)
        dog._recover(page, url, "complete", "offline")
        assert page.calls == ([("Page.reload", {"ignoreCache": True})] if server_up else [])
        page = FakePage()
        dog._recover(page, url, "complete", "online")
        assert page.calls == [] and dog.offline_since is None
    site.shutdown()


def test_watchdog_reloads_a_page_offline_too_long(browser) -> None:
    site = Pages(free_port())
    url = f"http://127.0.0.1:{site.server_port}/offline"
    port = browser(url)
    wait_for(lambda: devtools_pages(port)[0].get("title") == "offline", what="the page to load")
    args = ["--once", "--url", url, "--devtools-port", str(port), "--offline-reload", "0"]
    r = watchdog(*args)
    assert r.returncode == 0 and "reloading" in r.stderr, r.stderr
    site.shutdown()


def _children(pid: int) -> list[tuple[int, str]]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)
            comm = fields[0].split("(", 1)[1]
            if int(fields[1].split()[1]) == pid:
                found.append((int(stat.parent.name), comm))
        except (OSError, IndexError, ValueError):
            continue
    return found


def _launch(url: str, tmp_path: Path, notify: Path, *watchdog_flags: str) -> subprocess.Popen:
    env = {**os.environ, "MOTCUA_SCREEN_URL": url, "MOTCUA_SCREEN_BROWSER": CHROMIUM,
           "MOTCUA_SCREEN_FLAGS": " ".join(HEADLESS), "MOTCUA_SCREEN_OZONE": "",
           "MOTCUA_SCREEN_PROFILE": str(tmp_path / "profile"),
           "MOTCUA_DEVTOOLS_PORT": str(free_port()),
           "MOTCUA_WATCHDOG_FLAGS": " ".join(["--interval", "0.5", *watchdog_flags]),
           "NOTIFY_SOCKET": str(notify)}
    return subprocess.Popen([str(LAUNCHER)], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=True)


def _notifications(sock: socket.socket, until: str, timeout: float = 60) -> list[str]:
    got: list[str] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        sock.settimeout(max(0.1, deadline - time.monotonic()))
        try:
            got.append(sock.recv(1024).decode())
        except TimeoutError:
            break
        if until in got:
            break
    return got


def test_launcher_pings_systemd_and_exits_when_the_browser_dies(live_server, tmp_path: Path) -> None:
    notify = tmp_path / "notify.sock"
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(str(notify))
    proc = _launch(f"{live_server.url}/display", tmp_path, notify)
    try:
        got = _notifications(sock, "WATCHDOG=1")
        assert "READY=1" in got and "WATCHDOG=1" in got, got
        browsers = [pid for pid, comm in _children(proc.pid) if "chrom" in comm]
        assert browsers, _children(proc.pid)
        os.kill(browsers[0], signal.SIGKILL)
        assert proc.wait(30) == 1
        assert "the browser stopped" in proc.stderr.read()
        wait_for(lambda: not _children(proc.pid), what="the watchdog to end")
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
        sock.close()


def test_launcher_restarts_a_hung_page(tmp_path: Path) -> None:
    site = Pages(free_port())
    notify = tmp_path / "notify.sock"
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(str(notify))
    proc = _launch(f"http://127.0.0.1:{site.server_port}/hang-now", tmp_path, notify,
                   "--timeout", "2", "--failures", "2")
    try:
        assert proc.wait(60) == 1
        err = proc.stderr.read()
        assert "check failed (2/2)" in err and "the watchdog gave up" in err, err
        # Its browser went with it (the launcher's EXIT trap).
        time.sleep(1)
        assert not [c for c in _children(proc.pid)]
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
        sock.close()
        site.shutdown()


def test_launcher_refuses_without_a_url(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "MOTCUA_SCREEN_URL"}
    r = subprocess.run([str(LAUNCHER)], env=env, capture_output=True, text=True, timeout=30)
    assert r.returncode == 2 and "MOTCUA_SCREEN_URL is not set" in r.stderr
    for tool in ("readlink", "dirname"):  # a PATH with the basics but no browser
        (tmp_path / tool).symlink_to(shutil.which(tool))
    env = {**env, "MOTCUA_SCREEN_URL": "http://x/display", "MOTCUA_SCREEN_BROWSER": "",
           "PATH": str(tmp_path)}
    r = subprocess.run(["/bin/bash", str(LAUNCHER)], env=env, capture_output=True, text=True,
                       timeout=30)
    assert r.returncode == 2 and "no Chromium found" in r.stderr


def test_launcher_cleans_a_crashed_profile(tmp_path: Path) -> None:
    """After a power cut: no 'restore pages?' bubble, no stale lock (checked on the files)."""
    profile = tmp_path / "profile"
    (profile / "Default").mkdir(parents=True)
    (profile / "Default" / "Preferences").write_text(
        '{"profile":{"exit_type":"Crashed","exited_cleanly":false}}')
    (profile / "SingletonLock").symlink_to("otherhost-12345")
    fake = tmp_path / "fake-browser"
    fake.write_text("#!/bin/sh\nexit 3\n")
    fake.chmod(0o755)
    env = {**os.environ, "MOTCUA_SCREEN_URL": "http://127.0.0.1:9/display",
           "MOTCUA_SCREEN_BROWSER": str(fake), "MOTCUA_SCREEN_PROFILE": str(profile),
           "MOTCUA_WATCHDOG_FLAGS": "--startup 5"}
    r = subprocess.run([str(LAUNCHER)], env=env, capture_output=True, text=True, timeout=30)
    assert r.returncode == 1 and "the browser stopped (status 3)" in r.stderr
    prefs = (profile / "Default" / "Preferences").read_text()
    assert '"exit_type":"Normal"' in prefs and '"exited_cleanly":true' in prefs
    assert not os.path.lexists(profile / "SingletonLock")
