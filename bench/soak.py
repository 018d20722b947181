"""Soak: hours of a busy centre at a faster pace, to show the server's memory levels off and its
log stays quiet. One ``motcua server`` (SQLite, demo config) from ``--checkout``; a kiosk issues
``--tickets-per-min`` tickets, each counter calls and finishes them; ``--screens`` event streams
that reload every 30-90 s (a new connection resuming with Last-Event-ID, half of them dropped
without a goodbye), ``--phones`` phone streams that follow a ticket and fetch it now and then.
Prints RSS every ``--sample-s``, then the RSS at the start and the end, the median of each
quarter of the run, the slope over the second half (MB an hour, least squares), and the
server's WARNING and ERROR lines.

``--day-min N`` restarts the server every N minutes, as ``motcua-server-restart.timer`` does each
night (SIGTERM, then a new process on the same database): 25 minutes at the default pace are a
busy centre's day. The clients wait for it as real ones do (what fails meanwhile is counted apart,
as ``night``, not as errors; streams resume with Last-Event-ID), and it prints each day's highest
RSS: flat from day to day is the figure.

    .venv/bin/python bench/soak.py --minutes 240         # hours: the figure for docs
    .venv/bin/python bench/soak.py --minutes 150 --day-min 25    # six days, restarted nightly
    .venv/bin/python bench/soak.py --minutes 10 --sample-s 30
"""

from __future__ import annotations

import argparse
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))
from latency import KIOSK, officer_headers, rss_mb, wait_until_up  # noqa: E402
from serving import ROOT, free_port, spawn_server, start_server  # noqa: E402

COUNTERS = ["quay-1", "quay-2", "quay-3", "quay-4", "quay-5"]
FIELDS = ["ho-tich", "chung-thuc", "dat-dai", "kinh-doanh", "van-hoa-xa-hoi"]


class Soak:
    def __init__(self, port: int, stop: threading.Event):
        self.base = f"http://127.0.0.1:{port}/api/v1"
        self.port = port
        self.stop = stop
        self.lock = threading.Lock()
        self.counts = {"tickets": 0, "calls": 0, "reconnects": 0, "errors": 0, "night": 0}
        self.night = threading.Event()
        """Set while the server restarts (and a few seconds after): failures then are not
        errors, the clients wait and try again."""
        self.tokens: list[str] = []
        self.kinds: dict[str, int] = {}

    def add(self, key: str, n: int = 1) -> None:
        with self.lock:
            self.counts[key] += n

    def error(self, exc: Exception) -> None:
        """Count an error, by kind (an HTTP status, or the exception's name); during a restart,
        a failure to wait out."""
        if self.night.is_set():
            self.add("night")
            self.stop.wait(0.5)
            return
        response = getattr(exc, "response", None)
        kind = f"HTTP {response.status_code}" if response is not None else type(exc).__name__
        with self.lock:
            self.counts["errors"] += 1
            self.kinds[kind] = self.kinds.get(kind, 0) + 1

    def kiosk(self, per_min: float) -> None:
        http = requests.Session()
        while not self.stop.wait(random.expovariate(per_min / 60)):
            try:
                r = http.post(self.base + "/tickets", json={"service_id": random.choice(FIELDS)},
                              headers={"Authorization": f"Bearer {KIOSK}"}, timeout=10)
                r.raise_for_status()
                self.add("tickets")
                with self.lock:
                    self.tokens = (self.tokens + [r.json()["track_url"].rsplit("/", 1)[1]])[-50:]
            except requests.RequestException as exc:
                self.error(exc)

    def counter(self, counter: str, officer: dict, per_min: float) -> None:
        """Call, serve for 0.5-2 s, finish; the counters together keep up with the kiosk."""
        http = requests.Session()
        gap_s = max(0.05, len(COUNTERS) * 60 / per_min - 1.25)
        while not self.stop.wait(random.expovariate(1 / gap_s)):
            try:
                r = http.post(f"{self.base}/counters/{counter}/call-next", headers=officer,
                              timeout=10)
                r.raise_for_status()
                if r.json()["ticket"] is not None:
                    self.add("calls")
                    self.stop.wait(random.uniform(0.5, 2))
                    http.post(f"{self.base}/counters/{counter}/finish", headers=officer,
                              timeout=10)
            except requests.RequestException as exc:
                self.error(exc)

    def stream(self, source: str, phone: bool) -> None:
        last_id = None
        while not self.stop.is_set():
            try:
                s = socket.create_connection(("127.0.0.1", self.port), timeout=10,
                                             source_address=(source, 0))
                resume = f"Last-Event-ID: {last_id}\r\n" if last_id else ""
                s.sendall(f"GET /api/v1/events HTTP/1.1\r\nHost: soak\r\n{resume}\r\n".encode())
                until = time.monotonic() + random.uniform(30, 90)
                data = b""
                while time.monotonic() < until and not self.stop.is_set():
                    chunk = s.recv(65536)
                    if not chunk:
                        break
                    data = (data + chunk)[-8192:]
                    ids = [ln for ln in data.split(b"\n") if ln.startswith(b"id: ")]
                    if ids:
                        last_id = int(ids[-1][4:])
                    if phone and random.random() < 0.05 and self.tokens:
                        requests.get(f"{self.base}/track/{random.choice(self.tokens)}",
                                     timeout=10)
                if random.random() < 0.5:  # a screen switched off: no goodbye
                    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\1\0\0\0\0\0\0\0")
                s.close()
                self.add("reconnects")
            except (OSError, requests.RequestException) as exc:
                self.error(exc)
                self.stop.wait(2)


def night(soak: Soak, server: subprocess.Popen, spawn, base: str) -> subprocess.Popen:
    """Restart the server as the nightly timer does (SIGTERM, a new process); the clients wait
    for it meanwhile and a few seconds after."""
    soak.night.set()
    server.terminate()
    server.wait(30)
    server = spawn()
    wait_until_up(base)
    soak.stop.wait(5)
    soak.night.clear()
    return server


def quarter_medians(samples: list[tuple[float, float]], minutes: float) -> str:
    """The median RSS of each quarter of the run, as ``"0-60 min 68.1 MB, ..."``."""
    parts = []
    for q in range(4):
        lo, hi = minutes * q / 4, minutes * (q + 1) / 4
        mbs = [mb for minute, mb in samples if lo <= minute < hi or (q == 3 and minute >= hi)]
        if mbs:
            parts.append(f"{lo:g}-{hi:g} min {statistics.median(mbs):.1f} MB")
    return ", ".join(parts)


def slope_mb_per_hour(samples: list[tuple[float, float]]) -> float:
    """The least-squares slope of RSS against time, in MB an hour (0 with fewer than 2)."""
    if len(samples) < 2:
        return 0.0
    return statistics.linear_regression([m for m, _ in samples], [mb for _, mb in samples]).slope * 60


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--checkout", type=Path, default=ROOT)
    ap.add_argument("--minutes", type=float, default=240)
    ap.add_argument("--sample-s", type=float, default=60)
    ap.add_argument("--tickets-per-min", type=float, default=180,
                    help="20x a busy centre (about 540 tickets an hour)")
    ap.add_argument("--screens", type=int, default=30)
    ap.add_argument("--phones", type=int, default=20)
    ap.add_argument("--day-min", type=float, default=0,
                    help="restart the server every N minutes, as each night (0: never)")
    args = ap.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="motcua-soak-"))
    port = free_port()
    checkout = args.checkout.resolve()
    server, env = start_server(checkout, tmp, port, lift_caps=True)
    stop = threading.Event()
    try:
        base = f"http://127.0.0.1:{port}/api/v1"
        wait_until_up(base)
        officer = officer_headers(requests.Session(), base)
        soak = Soak(port, stop)
        workers = [threading.Thread(target=soak.kiosk, args=(args.tickets_per_min,))]
        workers += [threading.Thread(target=soak.counter, args=(c, officer, args.tickets_per_min))
                    for c in COUNTERS]
        workers += [threading.Thread(target=soak.stream, args=(f"127.0.20.{1 + i}", False))
                    for i in range(args.screens)]
        workers += [threading.Thread(target=soak.stream, args=(f"127.0.21.{1 + i}", True))
                    for i in range(args.phones)]
        for w in workers:
            w.daemon = True
            w.start()
        samples: list[tuple[float, float]] = []
        days: list[list[float]] = [[]]
        started = time.monotonic()
        print(f"soak: {args.minutes:g} min, {args.tickets_per_min:g} tickets/min, "
              f"{args.screens} screens, {args.phones} phones; checkout {args.checkout}; "
              f"load {os.getloadavg()[0]:.1f}", flush=True)
        while (elapsed := time.monotonic() - started) < args.minutes * 60:
            stop.wait(min(args.sample_s, args.minutes * 60 - elapsed))
            minute = (time.monotonic() - started) / 60
            samples.append((minute, rss_mb(server.pid)))
            days[-1].append(samples[-1][1])
            print(f"{minute:7.1f} min  RSS {samples[-1][1]:6.1f} MB  {soak.counts}", flush=True)
            if args.day_min and minute >= len(days) * args.day_min and \
                    minute < args.minutes - args.sample_s / 60:
                server = night(soak, server, lambda: spawn_server(checkout, tmp, port, env), base)
                days.append([])
                print(f"{minute:7.1f} min  restarted: day {len(days)}", flush=True)
        stop.set()
        half = [(minute, mb) for minute, mb in samples if minute >= args.minutes / 2]
        log = (tmp / "server.log").read_text(encoding="utf-8", errors="replace").splitlines()
        noisy = [ln for ln in log if " WARNING " in ln or " ERROR " in ln]
        print(f"RSS first sample {samples[0][1]:.1f} MB, last {samples[-1][1]:.1f} MB, "
              f"max {max(mb for _, mb in samples):.1f} MB; second half "
              f"{min(mb for _, mb in half):.1f}-{max(mb for _, mb in half):.1f} MB")
        print(f"RSS medians by quarter: {quarter_medians(samples, args.minutes)}; "
              f"slope over the second half {slope_mb_per_hour(half):+.2f} MB/hour")
        if len(days) > 1:
            highs = [max(day) for day in days if day]
            print(f"each day's highest RSS: {', '.join(f'{mb:.1f}' for mb in highs)} MB "
                  f"(spread {max(highs) - min(highs):.1f} MB; days after the first "
                  f"{min(highs[1:]):.1f}-{max(highs[1:]):.1f} MB)")
        print(f"{soak.counts} (errors by kind: {soak.kinds}); server log: {len(log)} lines, "
              f"{len(noisy)} WARNING/ERROR")
        for line in noisy[:10]:
            print("  " + line)
    finally:
        stop.set()
        server.terminate()
        server.wait(10)


if __name__ == "__main__":
    main()
