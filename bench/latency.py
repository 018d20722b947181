"""Call-to-screen latency with many SSE screens, request latency over HTTP, server memory.

Starts a real ``motcua server`` on 127.0.0.1 (SQLite in a temporary folder), connects N screens
to ``/api/v1/events`` (raw sockets read by one selector thread in a separate process, so reading
them does not slow the officer's requests), then issues and calls tickets through the API and
records when every screen received each ``ticket.called`` event. ``time.perf_counter`` is the
system-wide monotonic clock on Linux, so times from both processes compare.

    .venv/bin/python bench/latency.py --screens 50 --calls 200
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import platform
import selectors
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
KIOSK = "demo-kiosk-1-token-not-secret"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def wait_until_up(base: str, tries: int = 200) -> None:
    """Wait (up to ``tries`` tenths of a second) until the server answers its health check."""
    for _ in range(tries):
        try:
            requests.get(base + "/health", timeout=1)
            return
        except requests.RequestException:
            time.sleep(0.1)


def officer_headers(http: requests.Session, base: str) -> dict:
    """Log in as the bench's admin (made by the bench): its Authorization header."""
    token = http.post(base + "/auth/login", json={"username": "bench", "password": "bench-password"},
                      timeout=5).json()["token"]
    return {"Authorization": f"Bearer {token}"}


def pct(values: list[float], p: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, int(round(p / 100 * (len(s) - 1))))]


def describe(name: str, ms: list[float]) -> str:
    return (f"{name:<28} n={len(ms):<6} median {statistics.median(ms):7.2f} ms  "
            f"p95 {pct(ms, 95):7.2f}  p99 {pct(ms, 99):7.2f}  "
            f"min {min(ms):6.2f}  max {max(ms):7.2f}")


class Screens:
    """N event-stream connections; records arrival times of ``ticket.called`` ids."""

    def __init__(self, port: int, n: int):
        self.sel = selectors.DefaultSelector()
        self.arrivals: dict[int, list[float]] = {}
        self.lock = threading.Lock()
        self.socks = []
        for i in range(n):  # each screen from an address of its own, as in a hall
            s = socket.create_connection(("127.0.0.1", port),
                                         source_address=(f"127.0.{1 + i // 250}.{1 + i % 250}", 0))
            s.sendall(b"GET /api/v1/events HTTP/1.1\r\nHost: bench\r\n"
                      b"Accept: text/event-stream\r\n\r\n")
            s.setblocking(False)
            self.sel.register(s, selectors.EVENT_READ, {"buf": b""})
            self.socks.append(s)
        self.stop = False
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while not self.stop:
            for key, _ in self.sel.select(timeout=0.2):
                now = time.perf_counter()
                try:
                    chunk = key.fileobj.recv(65536)
                except BlockingIOError:
                    continue
                if not chunk:
                    self.sel.unregister(key.fileobj)
                    continue
                buf = key.data["buf"] + chunk
                *messages, key.data["buf"] = buf.split(b"\n\n")
                for msg in messages:
                    if b"event: ticket.called" in msg:
                        for line in msg.split(b"\n"):
                            if line.startswith(b"id: "):
                                with self.lock:
                                    self.arrivals.setdefault(int(line[4:]), []).append(now)

    def close(self) -> None:
        self.stop = True
        self.thread.join()
        for s in self.socks:
            s.close()


def screens_process(port: int, n: int, ready, stop, out) -> None:
    """Child process: hold ``n`` screens open until ``stop``; send back the arrival times."""
    screens = Screens(port, n)
    time.sleep(1.5)  # every screen has its snapshot
    ready.set()
    stop.wait()
    time.sleep(1.0)
    screens.close()
    out.send(screens.arrivals)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--screens", type=int, default=50)
    ap.add_argument("--calls", type=int, default=200)
    args = ap.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="motcua-bench-"))
    port = free_port()
    text = (ROOT / "config" / "demo.toml").read_text(encoding="utf-8")
    text = text.replace("port = 8080", f"port = {port}")
    (tmp / "motcua.toml").write_text(text, encoding="utf-8")
    env = {**os.environ, "MOTCUA_CONFIG": str(tmp / "motcua.toml"), "MOTCUA_DATA_DIR": str(tmp / "data")}
    subprocess.run([sys.executable, "-m", "motcua", "init"], env=env, check=True, capture_output=True)
    subprocess.run([sys.executable, "-m", "motcua", "officer", "add", "bench", "--role", "admin",
                    "--password-stdin"], input="bench-password\n", text=True, env=env, check=True,
                   capture_output=True)
    server = subprocess.Popen([sys.executable, "-m", "motcua", "server", "--port", str(port)],
                              env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}/api/v1"
    try:
        wait_until_up(base)
        http = requests.Session()
        officer = officer_headers(http, base)
        kiosk = {"Authorization": f"Bearer {KIOSK}"}
        time.sleep(1)
        rss_idle = rss_mb(server.pid)

        ctx = multiprocessing.get_context("spawn")
        ready, stop = ctx.Event(), ctx.Event()
        receive, send = ctx.Pipe(duplex=False)
        child = ctx.Process(target=screens_process, args=(port, args.screens, ready, stop, send))
        child.start()
        ready.wait(60)
        issue_ms, call_ms, sent_at = [], [], {}
        rss_peak = rss_idle
        counters = ["quay-1", "quay-2", "quay-3", "quay-4", "quay-5"]
        fields = ["ho-tich", "chung-thuc", "dat-dai", "kinh-doanh", "van-hoa-xa-hoi", "tra-ket-qua"]
        for i in range(args.calls):
            t0 = time.perf_counter()
            r = http.post(base + "/tickets", json={"service_id": fields[i % len(fields)]},
                          headers=kiosk, timeout=5)
            issue_ms.append((time.perf_counter() - t0) * 1000)
            r.raise_for_status()
            counter = counters[[0, 0, 2, 3, 3, 4][i % 6]]
            t0 = time.perf_counter()
            r = http.post(f"{base}/counters/{counter}/call-next", headers=officer, timeout=5)
            call_ms.append((time.perf_counter() - t0) * 1000)
            r.raise_for_status()
            if r.json()["ticket"] is not None:
                snap_id = None
                # the event id of this call: the latest event after the request returned
                snap_id = http.get(base + "/display", timeout=5).json()["last_event_id"]
                sent_at[snap_id] = t0
            if i % 20 == 0:
                rss_peak = max(rss_peak, rss_mb(server.pid))
            time.sleep(0.02)
        rss_peak = max(rss_peak, rss_mb(server.pid))
        stop.set()
        arrivals = receive.recv()
        child.join(10)

        latencies, complete = [], 0
        for event_id, t0 in sent_at.items():
            got = arrivals.get(event_id, [])
            if len(got) == args.screens:
                complete += 1
            latencies.extend((t - t0) * 1000 for t in got)
        cpu = next((ln.split(":", 1)[1].strip() for ln in Path("/proc/cpuinfo").read_text().splitlines()
                    if ln.startswith("model name")), platform.processor())
        print(f"machine: {platform.machine()}, {cpu}, {os.cpu_count()} cores; "
              f"Python {platform.python_version()}")
        print(f"server: motcua server (gevent), SQLite; {args.screens} screens on SSE; "
              f"{len(sent_at)} calls")
        if latencies:
            print(describe("call -> every screen", latencies))
        print(f"{'calls seen by all screens':<28} {complete}/{len(sent_at)}")
        print(describe("issue (POST /tickets)", issue_ms))
        print(describe("call-next (POST)", call_ms))
        print(f"{'server RSS':<28} idle {rss_idle:.1f} MB, under load (peak) {rss_peak:.1f} MB")
    finally:
        server.terminate()
        server.wait(10)


if __name__ == "__main__":
    main()
