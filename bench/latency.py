"""Call-to-screen latency with many SSE screens, request latency over HTTP, server memory.

Starts a real ``motcua server`` on 127.0.0.1 (SQLite in a temporary folder), connects N screens
to ``/api/v1/events`` (raw sockets read by one selector thread in a separate process, so reading
them does not slow the officer's requests), then issues and calls tickets through the API and
records when every screen received each ``ticket.called`` event. ``time.perf_counter`` is the
system-wide monotonic clock on Linux, so times from both processes compare.

    .venv/bin/python bench/latency.py --screens 50 --calls 500

The figures are the server's steady state: ``--warmup`` rounds of issue and call go first,
untimed in the figures (a fresh process compiles its SQL statements and fills its caches; the
first calls after a start took up to 10 ms, measured), and are printed apart as "cold". The
bench's centre has no daily caps (it issues more tickets than a day's). ``--history-days 300``
puts a year of a busy centre in its database first (bench/reports.py's generator, 1,500 tickets
a working day): a statement that reads every day's tickets shows in the figures.
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing
import os
import platform
import re
import selectors
import socket
import statistics
import struct
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
    """The process's resident memory in MiB, summed page by page (``smaps_rollup``): ``VmRSS`` in
    ``/proc/PID/status`` is kept per thread and synced lazily, and read up to 1.5 MB high here.
    (Not display_server.machine's: the benches measure other checkouts and installed roles.)"""
    for name, key in ((f"/proc/{pid}/smaps_rollup", "Rss:"), (f"/proc/{pid}/status", "VmRSS:")):
        try:
            lines = Path(name).read_text().splitlines()
        except OSError:
            continue
        for line in lines:
            if line.startswith(key):
                return int(line.split()[1]) / 1024
    return float("nan")


def without_daily_caps(config_text: str) -> str:
    """A centre's config with every field's daily cap lifted (0: no cap): a bench issues more
    tickets than a day's."""
    return re.sub(r"(?m)^daily_cap = \d+", "daily_cap = 0", config_text)


def wait_until_up(base: str, tries: int = 200) -> None:
    """Wait (up to ``tries`` tenths of a second) until the server answers its health check."""
    for _ in range(tries):
        try:
            requests.get(base + "/health", timeout=1)
            return
        except requests.RequestException:
            time.sleep(0.1)


class Api:
    """One kept-alive HTTP connection for the timed requests, as a browser's page keeps one.
    ``requests`` costs a millisecond or two of its own per request on a busy two-core machine,
    which is the bench's time, not the server's (measured: docs/benchmarks.md, 2026-12-07)."""

    def __init__(self, port: int, timeout: float = 10):
        self.port = port
        self.timeout = timeout
        self.conn: http.client.HTTPConnection | None = None

    def request(self, method: str, path: str, body: dict | None = None,
                headers: dict | None = None) -> tuple[int, dict | None]:
        """(status, the JSON answer or None); a connection that failed is opened again next
        time (the error is raised: ``OSError`` or ``http.client.HTTPException``)."""
        data = b"" if body is None else json.dumps(body).encode()
        all_headers = {"Content-Type": "application/json", "Content-Length": str(len(data)),
                       **(headers or {})}
        if self.conn is None:
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
        try:
            self.conn.request(method, "/api/v1" + path, body=data, headers=all_headers)
            response = self.conn.getresponse()
            raw = response.read()
        except (OSError, http.client.HTTPException):
            self.conn.close()
            self.conn = None
            raise
        return response.status, json.loads(raw) if raw else None


class RequestsApi(Api):
    """:class:`Api` through a ``requests`` session (``--client requests``: how this bench timed
    requests until 2026-12-07)."""

    def __init__(self, port: int, timeout: float = 10):
        super().__init__(port, timeout)
        self.session = requests.Session()

    def request(self, method: str, path: str, body: dict | None = None,
                headers: dict | None = None) -> tuple[int, dict | None]:
        r = self.session.request(method, f"http://127.0.0.1:{self.port}/api/v1{path}",
                                 json=body, headers=headers, timeout=self.timeout)
        return r.status_code, r.json() if r.content else None


CLIENTS = {"http.client": Api, "requests": RequestsApi}


def officer_headers(http: requests.Session, base: str) -> dict:
    """Log in as the bench's admin (made by the bench): its Authorization header."""
    token = http.post(base + "/auth/login", json={"username": "bench", "password": "bench-password"},
                      timeout=5).json()["token"]
    return {"Authorization": f"Bearer {token}"}


SO_TIMESTAMPNS = 35
"""Linux's socket option (x86_64, arm64) for the kernel's receive time of each read (the
``socket`` module does not name it)."""
STAMP_SPACE = socket.CMSG_SPACE(16)


def stamp_arrivals(sock: socket.socket) -> None:
    """Ask the kernel to stamp what ``sock`` receives (read with :func:`recv_stamped`)."""
    sock.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)


def recv_stamped(sock: socket.socket, size: int = 65536) -> tuple[bytes, tuple[float, float]]:
    """Data waiting on ``sock``, with (when its last part reached the socket, when it was read),
    both on the ``time.perf_counter`` clock. The first is the kernel's time: a reader of many
    sockets, busy in Python, does not add its own lag to the server's figure."""
    data, ancillary, _, _ = sock.recvmsg(size, STAMP_SPACE)
    now_perf, now_real = time.perf_counter(), time.time()
    for level, kind, raw in ancillary:
        if level == socket.SOL_SOCKET and kind == SO_TIMESTAMPNS and len(raw) >= 16:
            sec, nsec = struct.unpack("qq", raw[:16])
            return data, (now_perf - (now_real - (sec + nsec / 1e9)), now_perf)
    return data, (now_perf, now_perf)


def arrival_latencies(sent_at: dict[int, float], arrivals: dict[int, list[tuple[float, float]]],
                      expected: int) -> tuple[list[float], list[float], int]:
    """Milliseconds from each call to its event on every client, by the kernel's receive time and
    by the time the bench read it; and how many calls every one of ``expected`` clients got."""
    received, read, complete = [], [], 0
    for event_id, t0 in sent_at.items():
        got = arrivals.get(event_id, [])
        complete += len(got) == expected
        received.extend((stamp - t0) * 1000 for stamp, _ in got)
        read.extend((read_at - t0) * 1000 for _, read_at in got)
    return received, read, complete


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
        self.arrivals: dict[int, list[tuple[float, float]]] = {}
        self.lock = threading.Lock()
        self.socks = []
        for i in range(n):  # each screen from an address of its own, as in a hall
            s = socket.create_connection(("127.0.0.1", port),
                                         source_address=(f"127.0.{1 + i // 250}.{1 + i % 250}", 0))
            s.sendall(b"GET /api/v1/events HTTP/1.1\r\nHost: bench\r\n"
                      b"Accept: text/event-stream\r\n\r\n")
            s.setblocking(False)
            stamp_arrivals(s)
            self.sel.register(s, selectors.EVENT_READ, {"buf": b""})
            self.socks.append(s)
        self.stop = False
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while not self.stop:
            for key, _ in self.sel.select(timeout=0.2):
                try:
                    chunk, now = recv_stamped(key.fileobj)
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


def add_history(config_path: Path, data_dir: Path, days: int) -> None:
    """``days`` past working days of a busy centre in the database (before the bench's officer:
    the generator numbers its officers from 1)."""
    from reports import generate, working_days

    from config import load_config
    from motcua.core.storage import Database

    cfg = load_config(config_path, env={"MOTCUA_DATA_DIR": str(data_dir)})
    db = Database(cfg.database_url)
    try:
        t0 = time.perf_counter()
        generate(db, cfg, working_days(days), 1500, 0.8, 7)
        print(f"history: {days} working days x 1,500 tickets in {time.perf_counter() - t0:.0f} s")
    finally:
        db.dispose()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--screens", type=int, default=50)
    ap.add_argument("--calls", type=int, default=500)
    ap.add_argument("--warmup", type=int, default=20,
                    help="rounds of issue and call before the timed ones (printed as cold)")
    ap.add_argument("--history-days", type=int, default=0,
                    help="past working days of 1,500 tickets in the database (300: a year)")
    ap.add_argument("--client", choices=CLIENTS, default="http.client",
                    help="how the timed requests are sent (a kept-alive connection each)")
    args = ap.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="motcua-bench-"))
    port = free_port()
    text = (ROOT / "config" / "demo.toml").read_text(encoding="utf-8")
    text = text.replace("port = 8080", f"port = {port}")
    text = without_daily_caps(text)
    (tmp / "motcua.toml").write_text(text, encoding="utf-8")
    env = {**os.environ, "MOTCUA_CONFIG": str(tmp / "motcua.toml"), "MOTCUA_DATA_DIR": str(tmp / "data")}
    subprocess.run([sys.executable, "-m", "motcua", "init"], env=env, check=True, capture_output=True)
    if args.history_days:
        add_history(tmp / "motcua.toml", tmp / "data", args.history_days)
    subprocess.run([sys.executable, "-m", "motcua", "officer", "add", "bench", "--role", "admin",
                    "--password-stdin"], input="bench-password\n", text=True, env=env, check=True,
                   capture_output=True)
    server = subprocess.Popen([sys.executable, "-m", "motcua", "server", "--port", str(port)],
                              env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}/api/v1"
    ctx = multiprocessing.get_context("spawn")
    ready, stop = ctx.Event(), ctx.Event()
    try:
        wait_until_up(base)
        http = requests.Session()
        officer = officer_headers(http, base)
        kiosk = {"Authorization": f"Bearer {KIOSK}"}
        time.sleep(1)
        rss_idle = rss_mb(server.pid)

        receive, send = ctx.Pipe(duplex=False)
        child = ctx.Process(target=screens_process, args=(port, args.screens, ready, stop, send),
                            daemon=True)
        child.start()
        ready.wait(60)
        issue_ms, call_ms, sent_at = [], [], {}
        cold_ms: list[float] = []
        rss_peak = rss_idle
        counters = ["quay-1", "quay-2", "quay-3", "quay-4", "quay-5"]
        fields = ["ho-tich", "chung-thuc", "dat-dai", "kinh-doanh", "van-hoa-xa-hoi", "tra-ket-qua"]
        api = CLIENTS[args.client](port)
        for i in range(-args.warmup, args.calls):
            if i == 0:  # warmed up: the timed rounds start
                cold_ms, call_ms, issue_ms, sent_at = call_ms, [], [], {}
            t0 = time.perf_counter()
            status, _ = api.request("POST", "/tickets", {"service_id": fields[i % len(fields)]},
                                    kiosk)
            issue_ms.append((time.perf_counter() - t0) * 1000)
            assert status == 201, status
            counter = counters[[0, 0, 2, 3, 3, 4][i % 6]]
            t0 = time.perf_counter()
            status, answer = api.request("POST", f"/counters/{counter}/call-next",
                                         headers=officer)
            call_ms.append((time.perf_counter() - t0) * 1000)
            assert status == 200, status
            if answer["ticket"] is not None:
                # the event id of this call: the latest event after the request returned
                sent_at[api.request("GET", "/display")[1]["last_event_id"]] = t0
            if i % 20 == 0:
                rss_peak = max(rss_peak, rss_mb(server.pid))
            time.sleep(0.02)
        rss_peak = max(rss_peak, rss_mb(server.pid))
        stop.set()
        arrivals = receive.recv()
        child.join(10)

        latencies, read, complete = arrival_latencies(sent_at, arrivals, args.screens)
        cpu = next((ln.split(":", 1)[1].strip() for ln in Path("/proc/cpuinfo").read_text().splitlines()
                    if ln.startswith("model name")), platform.processor())
        print(f"machine: {platform.machine()}, {cpu}, {os.cpu_count()} cores; "
              f"Python {platform.python_version()}")
        print(f"server: motcua server (gevent), SQLite; {args.screens} screens on SSE; "
              f"{len(sent_at)} calls; client {args.client}")
        if latencies:
            print(describe("call -> every screen", latencies))
            print(describe("  (as read by the bench)", read))
        print(f"{'calls seen by all screens':<28} {complete}/{len(sent_at)}")
        print(describe("issue (POST /tickets)", issue_ms))
        print(describe("call-next (POST)", call_ms))
        if cold_ms:
            print(describe("  cold: first calls", cold_ms))
        print(f"{'server RSS':<28} idle {rss_idle:.1f} MB, under load (peak) {rss_peak:.1f} MB")
    finally:
        stop.set()  # a failed round leaves the screens' process nothing else to wait for
        server.terminate()
        server.wait(10)


if __name__ == "__main__":
    main()
