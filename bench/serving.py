"""Serving under load: many event streams from many addresses, idle half-open sockets, RSS.

Starts one ``motcua server`` (SQLite, demo config) from a checkout (``--checkout``, default this
one, with that checkout's ``.venv``), so the old and the new serving code can be run in turn in the
same minutes. Then, with the clients in a child process (one selector for every socket, bound to
127.0.x.y so they come from ``--addresses`` addresses):

1. RSS idle, then ``--streams`` event streams opened: how many were answered 200 (and 429/503);
2. ``--half-open`` sockets that send half a request head and go quiet: is ``/health`` still
   answered, and are they closed by the server after its read timeout;
3. ``--calls`` call-next requests with every stream open: their latency, and the latency from
   each call to its ``ticket.called`` event on every stream; RSS with the streams open. As in
   ``bench/latency.py``, ``--warmup`` rounds go first, untimed, and the timed requests go over
   one kept-alive ``http.client`` connection (``requests`` costs a millisecond or two of its
   own per request on a busy two-core machine).

    .venv/bin/python bench/serving.py --streams 1000 --addresses 250 --half-open 200
    .venv/bin/python bench/serving.py --streams 1000 --phones 950   # 50 screens, 950 phones
    .venv/bin/python bench/serving.py --checkout /work/main      # the same against main
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import platform
import re
import selectors
import socket
import subprocess
import sys
import tempfile
import threading
import time
from http.client import HTTPException
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))
from latency import (  # noqa: E402
    KIOSK,
    Api,
    arrival_latencies,
    describe,
    free_port,
    officer_headers,
    recv_stamped,
    rss_mb,
    stamp_arrivals,
    wait_until_up,
    without_daily_caps,
)

ROOT = Path(__file__).resolve().parent.parent


def address(i: int, addresses: int) -> str:
    n = i % addresses
    return f"127.0.{1 + n // 250}.{1 + n % 250}"


class Clients:
    """Streams and half-open sockets on one selector; stream statuses and call arrival times."""

    def __init__(self, port: int):
        self.port = port
        self.sel = selectors.DefaultSelector()
        self.lock = threading.Lock()
        self.status: dict[int, int] = {}
        self.arrivals: dict[int, list[float]] = {}
        self.half_open: list[socket.socket] = []
        self.closed_half_open = 0
        self.stop = False
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def open_streams(self, n: int, addresses: int, phones: int = 0) -> None:
        """``n`` streams, the last ``phones`` of them as the phone page opens its stream (events
        only, no display snapshots after the opening one)."""
        for i in range(n):
            s = socket.socket()
            s.bind((address(i, addresses), 0))
            s.connect(("127.0.0.1", self.port))
            path = b"/api/v1/events?snapshots=0" if i >= n - phones else b"/api/v1/events"
            s.sendall(b"GET " + path + b" HTTP/1.1\r\nHost: bench\r\n"
                      b"Accept: text/event-stream\r\n\r\n")
            s.setblocking(False)
            stamp_arrivals(s)
            with self.lock:
                self.sel.register(s, selectors.EVENT_READ, {"i": i, "buf": b"", "head": True})

    def open_half(self, n: int) -> None:
        for i in range(n):
            s = socket.socket()
            s.bind((f"127.0.200.{1 + i % 250}", 0))
            s.connect(("127.0.0.1", self.port))
            s.sendall(b"GET /api/v1/health HTTP/1.1\r\nHost: bench\r\n")  # and nothing more
            s.setblocking(False)
            self.half_open.append(s)
            with self.lock:
                self.sel.register(s, selectors.EVENT_READ, {"half": True})

    def _run(self) -> None:
        while not self.stop:
            with self.lock:
                ready = self.sel.select(timeout=0.05) if self.sel.get_map() else []
            if not ready:
                time.sleep(0.01)
            for key, _ in ready:
                try:
                    chunk, now = recv_stamped(key.fileobj)
                except BlockingIOError:
                    continue
                except OSError:
                    chunk = b""
                data = key.data
                if data.get("half"):
                    if not chunk:
                        self.closed_half_open += 1
                        with self.lock:
                            self.sel.unregister(key.fileobj)
                    continue
                if not chunk:
                    with self.lock:
                        self.sel.unregister(key.fileobj)
                    continue
                buf = data["buf"] + chunk
                if data["head"] and b" " in buf[:16]:
                    self.status[data["i"]] = int(buf.split(b" ", 2)[1])
                    data["head"] = False
                *messages, data["buf"] = buf.split(b"\n\n")
                for msg in messages:
                    if b"event: ticket.called" in msg:
                        for line in msg.split(b"\n"):
                            if line.startswith(b"id: "):
                                self.arrivals.setdefault(int(line[4:]), []).append(now)


def clients_process(port: int, conn) -> None:
    """Child process: carries out the parent's commands on a Clients."""
    clients = Clients(port)
    while True:
        cmd, arg = conn.recv()
        if cmd == "streams":
            t0 = time.perf_counter()
            clients.open_streams(*arg)
            deadline = time.monotonic() + 60
            while len(clients.status) < arg[0] and time.monotonic() < deadline:
                time.sleep(0.1)
            opened_s = time.perf_counter() - t0
            time.sleep(1.0)
            codes: dict[int, int] = {}
            for code in clients.status.values():
                codes[code] = codes.get(code, 0) + 1
            conn.send((codes, opened_s))
        elif cmd == "half":
            clients.open_half(arg)
            conn.send(len(clients.half_open))
        elif cmd == "half_closed":
            conn.send(clients.closed_half_open)
        elif cmd == "arrivals":
            time.sleep(1.0)
            conn.send(clients.arrivals)
        elif cmd == "stop":
            clients.stop = True
            conn.send(None)
            return


def start_server(checkout: Path, tmp: Path, port: int, *,
                 lift_caps: bool = False) -> tuple[subprocess.Popen, dict]:
    """``checkout``'s server on the demo config (``lift_caps``: no field's daily cap, and each
    field's numbers widened from 999 a day to 99,999: a soak issues more than a day's)."""
    python = str(checkout / ".venv" / "bin" / "python")
    text = (checkout / "config" / "demo.toml").read_text(encoding="utf-8")
    if lift_caps:
        text = without_daily_caps(text)
        text = re.sub(r'range = "(\d)001-\d999"', r'range = "\g<1>00001-\g<1>99999"', text)
    (tmp / "motcua.toml").write_text(text.replace("port = 8080", f"port = {port}"),
                                     encoding="utf-8")
    env = {**os.environ, "MOTCUA_CONFIG": str(tmp / "motcua.toml"),
           "MOTCUA_DATA_DIR": str(tmp / "data")}
    run = {"env": env, "cwd": checkout, "check": True, "capture_output": True}
    subprocess.run([python, "-m", "motcua", "init"], **run)
    subprocess.run([python, "-m", "motcua", "officer", "add", "bench", "--role", "admin",
                    "--password-stdin"], input=b"bench-password\n", **run)
    return spawn_server(checkout, tmp, port, env), env


def spawn_server(checkout: Path, tmp: Path, port: int, env: dict) -> subprocess.Popen:
    """Start (or start again) the server :func:`start_server` set up in ``tmp``; its log lines
    are added to ``tmp/server.log``."""
    with open(tmp / "server.log", "ab") as log:
        return subprocess.Popen([str(checkout / ".venv" / "bin" / "python"), "-m", "motcua",
                                 "server", "--port", str(port)],
                                env=env, cwd=checkout, stdout=log, stderr=subprocess.STDOUT)


def cpu_s(pid: int) -> float:
    """CPU seconds (user + system) a process has used."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def timed_get(url: str, timeout: float) -> float | None:
    t0 = time.perf_counter()
    try:
        requests.get(url, timeout=timeout).raise_for_status()
    except requests.RequestException:
        return None
    return (time.perf_counter() - t0) * 1000


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--checkout", type=Path, default=ROOT)
    ap.add_argument("--streams", type=int, default=1000)
    ap.add_argument("--phones", type=int, default=0,
                    help="of the streams, how many are phones following a ticket (events only)")
    ap.add_argument("--addresses", type=int, default=250)
    ap.add_argument("--half-open", type=int, default=200)
    ap.add_argument("--calls", type=int, default=200)
    ap.add_argument("--warmup", type=int, default=20,
                    help="rounds of issue and call before the timed ones")
    ap.add_argument("--interval-s", type=float, default=0.5,
                    help="pause after each ticket and call (0.1: about 7 of each a second)")
    args = ap.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="motcua-bench-serving-"))
    port = free_port()
    server, _ = start_server(args.checkout.resolve(), tmp, port)
    base = f"http://127.0.0.1:{port}/api/v1"
    ctx = multiprocessing.get_context("spawn")
    conn, child_conn = ctx.Pipe()
    child = ctx.Process(target=clients_process, args=(port, child_conn))
    try:
        wait_until_up(base)
        http = requests.Session()
        officer = officer_headers(http, base)  # before the sockets below fill the server
        kiosk = {"Authorization": f"Bearer {KIOSK}"}
        time.sleep(1)
        rss_idle = rss_mb(server.pid)
        child.start()

        conn.send(("half", args.half_open))
        conn.recv()
        time.sleep(0.5)
        health_half = [timed_get(base + "/health", 5) for _ in range(5)]

        conn.send(("streams", (args.streams, args.addresses, args.phones)))
        codes, opened_s = conn.recv()
        health_streams = timed_get(base + "/health", 5)
        rss_streams = rss_mb(server.pid)

        api = Api(port)
        counters = ["quay-1", "quay-2", "quay-3", "quay-4", "quay-5"]
        fields = ["ho-tich", "chung-thuc", "dat-dai", "kinh-doanh", "van-hoa-xa-hoi"]
        call_ms, sent_at, failed = [], {}, 0
        cpu_before = cpu_s(server.pid)
        for i in range(-args.warmup, args.calls):
            if i == 0:  # warmed up: the timed rounds start
                call_ms, sent_at, failed = [], {}, 0
                cpu_before = cpu_s(server.pid)
            try:
                status, _ = api.request("POST", "/tickets",
                                        {"service_id": fields[i % len(fields)]}, kiosk)
                if status != 201:
                    raise OSError(f"issue answered {status}")
                t0 = time.perf_counter()
                status, answer = api.request(
                    "POST", f"/counters/{counters[[0, 0, 2, 3, 3][i % 5]]}/call-next",
                    headers=officer)
                if status != 200:
                    raise OSError(f"call-next answered {status}")
                call_ms.append((time.perf_counter() - t0) * 1000)
                if answer["ticket"] is not None:
                    sent_at[api.request("GET", "/display")[1]["last_event_id"]] = t0
            except (OSError, HTTPException):
                failed += 1
                if failed >= 3 and not call_ms:
                    break  # the server does not answer: no point in waiting 10 s each time
            time.sleep(args.interval_s)
        rss_calls = rss_mb(server.pid)
        cpu_per_call = (cpu_s(server.pid) - cpu_before) / max(1, len(call_ms)) * 1000
        conn.send(("arrivals", None))
        arrivals = conn.recv()
        conn.send(("half_closed", None))
        half_closed = conn.recv()

        ok = codes.get(200, 0)
        latencies, read, complete = arrival_latencies(sent_at, arrivals, ok)
        cpu = next((ln.split(":", 1)[1].strip() for ln in
                    Path("/proc/cpuinfo").read_text().splitlines()
                    if ln.startswith("model name")), platform.processor())
        print(f"machine: {platform.machine()}, {cpu}, {os.cpu_count()} cores; load "
              f"{os.getloadavg()[0]:.1f}; checkout {args.checkout}")
        print(f"{'RSS idle':<28} {rss_idle:.1f} MB")
        answered = [ms for ms in health_half if ms is not None]
        print(f"{'health, half-open open':<28} {len(answered)}/5 answered"
              + (f", max {max(answered):.1f} ms" if answered else ""))
        print(f"{'streams answered':<28} {codes} of {args.streams} ({args.phones} phones) from "
              f"{args.addresses} addresses, all answered in {opened_s:.1f} s")
        print(f"{'health, streams open':<28} "
              f"{'timed out' if health_streams is None else f'{health_streams:.1f} ms'}")
        print(f"{'RSS with streams':<28} {rss_streams:.1f} MB (after the calls "
              f"{rss_calls:.1f} MB)")
        print(f"{'server CPU per call':<28} {cpu_per_call:.1f} ms (the call, its event and "
              "its snapshot to every stream, keepalives)")
        print(f"{'calls failed or timed out':<28} {failed}")
        if call_ms:
            print(describe("call-next", call_ms))
        if latencies:
            print(describe("call -> every stream", latencies))
            print(describe("  (as read by the bench)", read))
        print(f"{'calls seen by every stream':<28} {complete}/{len(sent_at)}")
        print(f"{'half-open closed by server':<28} {half_closed}/{args.half_open}")
    finally:
        if child.is_alive():
            conn.send(("stop", None))
            child.join(10)
        server.terminate()
        server.wait(10)


if __name__ == "__main__":
    main()
