"""Kiosk benchmark: from a touch on a field to the last byte at the printer, and the kiosk's memory.

    .venv/bin/python bench/kiosk.py                 # 30 touches, 1280x720 offscreen
    .venv/bin/python bench/kiosk.py --touches 100 --size 800x480

It starts, on 127.0.0.1: ``motcua server`` (demo config, temporary data dir) and a fake ESC/POS
network printer (a separate process that answers status queries "ready" and notes when the
last byte of each ticket arrived, on the system-wide monotonic clock). This process runs the
real kiosk app offscreen (Kivy + SDL offscreen + Mesa) with a network printer backend, touches
a field with a real touch event, and measures:

- touch -> last byte of the ticket received by the printer (target: median under 300 ms);
- touch -> result screen shown;
- where the time goes inside the controller (printer status, server POST, render+send);
- the kiosk process's memory: RSS now and its peak (VmHWM) (target: under 150 MB).

Nothing is asserted; the figures are printed.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

FAKE_PRINTER = r"""
import socket, sys, threading, time
READY = {1: 0x16, 2: 0x12, 4: 0x12}  # DLE EOT 1, 2, 4 replies of a ready printer
srv = socket.socket()
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("127.0.0.1", 0))
srv.listen(16)
print("port", srv.getsockname()[1], flush=True)
lock = threading.Lock()

def handle(conn):
    total, last = 0, 0
    with conn:
        while True:
            try:
                chunk = conn.recv(65536)
            except OSError:
                break
            if not chunk:
                break
            last, total = time.monotonic_ns(), total + len(chunk)
            if len(chunk) >= 3 and chunk[-3:-1] == b"\x10\x04" and chunk[-1] in READY:
                conn.sendall(bytes((READY[chunk[-1]],)))
    with lock:
        print("job", last, total, flush=True)

while True:
    c, _ = srv.accept()
    threading.Thread(target=handle, args=(c,), daemon=True).start()
"""


BARE_WINDOW = r"""
import os, sys
w, h = sys.argv[1].split("x")
os.environ.update(KIVY_NO_ARGS="1", KIVY_LOG_MODE="PYTHON", SDL_VIDEODRIVER="offscreen",
                  KIVY_HOME=sys.argv[2])
from kivy.config import Config
Config.set("graphics", "width", w)
Config.set("graphics", "height", h)
from kivy.app import App
from kivy.clock import Clock
from kivy.uix.label import Label

class Bare(App):
    def load_kv(self, filename=None):
        return False

    def build(self):
        Clock.schedule_once(lambda dt: self.stop(), 2)
        return Label(text="Xin chào")

Bare().run()
for line in open("/proc/self/status"):
    if line.startswith("VmRSS:"):
        print(int(line.split()[1]) // 1024)
"""


def bare_window_mb(size: str) -> str:
    """RSS of a Kivy window with one label at ``size``: the floor under any Kivy app here."""
    r = subprocess.run([sys.executable, "-c", BARE_WINDOW, size, tempfile.mkdtemp()],
                       capture_output=True, text=True, timeout=120)
    lines = r.stdout.split()
    return f"{lines[-1]} MB" if lines and lines[-1].isdigit() else "?"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def memory_mb() -> dict[str, float]:
    """VmRSS, VmHWM (peak RSS), RssAnon and RssFile of this process, in MB."""
    values = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(("VmRSS:", "VmHWM:", "RssAnon:", "RssFile:")):
            key, kb = line.split()[:2]
            values[key.rstrip(":")] = int(kb) / 1024
    return values


def gl_libraries_mb() -> float:
    """Resident MB of the OpenGL driver's shared libraries (Mesa, LLVM) in this process."""
    total, current = 0, ""
    for line in Path("/proc/self/smaps").read_text().splitlines():
        parts = line.split()
        if parts and "-" in parts[0] and ":" not in parts[0]:
            current = parts[5] if len(parts) > 5 else ""
        elif parts and parts[0] == "Rss:" and any(k in current for k in ("LLVM", "dri/", "mesa")):
            total += int(parts[1])
    return total / 1024


def summary(name: str, ms: list[float]) -> str:
    ms = sorted(ms)
    q = statistics.quantiles(ms, n=4) if len(ms) >= 4 else [ms[0], ms[len(ms) // 2], ms[-1]]
    p90 = ms[min(len(ms) - 1, int(round(0.9 * (len(ms) - 1))))]
    return (f"{name:<34} median {statistics.median(ms):7.1f} ms   IQR {q[0]:6.1f}-{q[2]:6.1f}   "
            f"p90 {p90:6.1f}   min {ms[0]:6.1f}   max {ms[-1]:6.1f}   (n={len(ms)})")


def gl_renderer() -> str:
    """The OpenGL renderer string (e.g. "llvmpipe": software rendering, "V3D 4.2": a Pi)."""
    try:
        from kivy.graphics.opengl import GL_RENDERER, glGetString

        return glGetString(GL_RENDERER).decode(errors="replace")
    except Exception:  # noqa: BLE001 - only for the report
        return "?"


class Jobs:
    """Ticket jobs the fake printer reports: (monotonic ns of the last byte, bytes)."""

    def __init__(self, proc: subprocess.Popen):
        self.jobs: list[tuple[int, int]] = []
        self.cond = threading.Condition()
        threading.Thread(target=self._read, args=(proc,), daemon=True).start()

    def _read(self, proc: subprocess.Popen) -> None:
        for line in proc.stdout:
            parts = line.split()
            if parts and parts[0] == "job" and int(parts[2]) > 1000:  # skip status queries
                with self.cond:
                    self.jobs.append((int(parts[1]), int(parts[2])))
                    self.cond.notify_all()

    def count(self) -> int:
        with self.cond:
            return len(self.jobs)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--touches", type=int, default=30)
    ap.add_argument("--size", default="1280x720")
    ap.add_argument("--field", default="ho-tich")
    args = ap.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="motcua-bench-kiosk-"))
    data = tmp / "data"
    data.mkdir()
    printer = subprocess.Popen([sys.executable, "-c", FAKE_PRINTER], stdout=subprocess.PIPE,
                               text=True)
    printer_port = int(printer.stdout.readline().split()[1])
    jobs = Jobs(printer)
    port = free_port()
    text = (ROOT / "config" / "demo.toml").read_text(encoding="utf-8")
    text = text.replace("port = 8080", f"port = {port}").replace(
        "http://127.0.0.1:8080", f"http://127.0.0.1:{port}").replace("daily_cap = ", "# daily_cap = ")
    text = text.replace('backend = "preview"',
                        f'backend = "network"\nhost = "127.0.0.1"\nport = {printer_port}')
    cfg_path = tmp / "motcua.toml"
    cfg_path.write_text(text, encoding="utf-8")
    env = {**os.environ, "MOTCUA_CONFIG": str(cfg_path), "MOTCUA_DATA_DIR": str(data)}
    log = (tmp / "server.log").open("w")
    server = subprocess.Popen([sys.executable, "-m", "motcua", "server"], env=env,
                              stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/health", timeout=1)
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    print("the server did not start:",
                          (tmp / "server.log").read_text()[-2000:], file=sys.stderr)
                    return 1
                time.sleep(0.1)
        os.environ["MOTCUA_DATA_DIR"] = str(data)
        return run_kiosk(args, cfg_path, jobs)
    finally:
        for proc in (server, printer):
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
        log.close()
        shutil.rmtree(tmp, ignore_errors=True)


def run_kiosk(args: argparse.Namespace, cfg_path: Path, jobs: Jobs) -> int:
    from config import load_config
    from kiosk.kivy_env import parse_size
    from kiosk.launch import make_app, window_spec

    config = load_config(cfg_path)
    before = memory_mb()
    app = make_app(config, window_spec(config, offscreen=True, size=parse_size(args.size)),
                   kivy_home=Path(tempfile.mkdtemp(prefix="kivy-home-")))
    ctl = app.controller
    parts: dict[str, list[float]] = {"printer status": [], "server POST /tickets": [],
                                     "render + send to printer": []}

    def timed(name: str, fn):
        def wrapper(*a, **kw):
            t = time.perf_counter()
            try:
                return fn(*a, **kw)
            finally:
                parts[name].append((time.perf_counter() - t) * 1000)
        return wrapper

    ctl.printer.status = timed("printer status", ctl.printer.status)
    ctl.server.issue = timed("server POST /tickets", ctl.server.issue)
    ctl.printer.print_ticket = timed("render + send to printer", ctl.printer.print_ticket)

    from kivy.base import EventLoop
    from kivy.clock import Clock
    from kivy.input.motionevent import MotionEvent

    class Touch(MotionEvent):
        """One finger at a window position (kivy.tests.common's, which would import pytest)."""

        def __init__(self, x: float, y: float):
            win = EventLoop.window
            super().__init__("bench", 99, {"x": x / (win.width - 1.0), "y": y / (win.height - 1.0)},
                             is_touch=True, type_id="touch")
            self.profile = ["pos"]

        def depack(self, args):
            self.sx, self.sy = args["x"], args["y"]
            super().depack(args)

    to_printer: list[float] = []
    to_screen: list[float] = []
    problems: list[str] = []
    info: dict[str, str] = {}

    def touch(widget) -> None:
        t = Touch(*widget.to_window(*widget.center))
        EventLoop.post_dispatch_input("begin", t)
        EventLoop.post_dispatch_input("end", t)

    def script():
        yield lambda: app.home_state is not None and app.home_state.online
        info["renderer"] = gl_renderer()
        for _ in range(args.touches):
            yield 0.2  # let the home screen settle (a person takes longer)
            seen = jobs.count()
            button = app.screens["home"].buttons[args.field]
            t0 = time.monotonic_ns()
            touch(button)
            yield lambda: app.sm.current in ("result", "error")
            to_screen.append((time.monotonic_ns() - t0) / 1e6)
            if app.sm.current != "result" or not app.last_outcome.printed:
                problems.append(f"no printed ticket: {app.last_outcome}")
                break
            with jobs.cond:
                jobs.cond.wait_for(lambda s=seen: len(jobs.jobs) > s, timeout=10)
                last_byte = jobs.jobs[-1][0]
            to_printer.append((last_byte - t0) / 1e6)
            start = Clock.frames_displayed
            yield lambda s=start: Clock.frames_displayed >= s + 2  # a screen switch is a frame
            touch(app.screens["result"].ids.done)
            yield lambda: app.sm.current == "home"
        app.stop()

    gen = script()
    state = {"wait": None, "until": 0.0, "deadline": float("inf")}

    def tick(_dt: float) -> None:
        w = state["wait"]
        if callable(w) and not w():
            if time.monotonic() > state["deadline"]:
                problems.append(f"stuck on the {app.sm.current!r} screen after "
                                f"{len(to_printer)} tickets")
                state["wait"] = lambda: False
                state["deadline"] = float("inf")
                app.stop()
            return
        if isinstance(w, float) and time.monotonic() < state["until"]:
            return
        try:
            state["wait"] = next(gen)
        except StopIteration:
            state["wait"] = lambda: False
            return
        if isinstance(state["wait"], float):
            state["until"] = time.monotonic() + state["wait"]
        state["deadline"] = time.monotonic() + 30

    Clock.schedule_interval(tick, 0)
    app.run()
    busy = memory_mb()
    from kiosk.app import release_memory

    release_memory()  # what the heartbeat does every 30 s
    mem = memory_mb()

    print(f"motcua kiosk benchmark: {platform.machine()}, {platform.processor() or '?'}, "
          f"Python {platform.python_version()}, window {args.size} offscreen")
    for p in problems:
        print("PROBLEM:", p)
    if to_printer:
        print(summary("touch -> last byte at the printer", to_printer))
        print(summary("touch -> result screen", to_screen))
        for name, ms in parts.items():
            if ms:
                print(summary(f"  {name}", ms))
        print(f"ticket size on the wire: {jobs.jobs[-1][1]} bytes")
    print(f"kiosk process memory: RSS {mem['VmRSS']:.0f} MB after the heartbeat's heap trim "
          f"({busy['VmRSS']:.0f} MB right after the last ticket; peak {mem['VmHWM']:.0f} MB)")
    print(f"  of which anonymous {mem['RssAnon']:.0f} MB, files {mem['RssFile']:.0f} MB; "
          f"before Kivy {before['VmRSS']:.0f} MB; GL driver libraries {gl_libraries_mb():.0f} MB "
          f"(renderer: {info.get('renderer', '?')})")
    print(f"  for scale: a bare Kivy window with one label at {args.size}: "
          f"RSS {bare_window_mb(args.size)}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
