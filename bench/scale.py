"""A simulated province on PostgreSQL: several server processes, many screens, counters, kiosks.

Starts a private PostgreSQL (fsync on) and N ``motcua server`` processes on one database, with a
generated config of 40 counters and 8 kiosks. Screens (SSE, spread over the servers) are read in
separate processes; officers call next at every counter and kiosks issue tickets, through
random servers, for the given time at each pace in turn (a share of the tickets, ``--remote-share``,
is taken by phones instead: ``POST /api/v1/remote-tickets``, each phone from an address of its
own and without a cookie, so a new phone for the server's limits): a number of calls per second over all
counters (open loop: requests come when they are due, not when the last one was answered), and
``stress``, where each officer calls again soon after each answer, as fast as the servers go.
For each pace it prints errors, tickets per second and the call-to-screen latency: from the
officer's request to the ``ticket.called`` event reaching each screen's socket (the kernel's
receive timestamp, SO_TIMESTAMPNS), and to the simulated screen reading it. In a hall every
screen is its own device; here 200 of them share the two processes, and the cores, with the
servers, so the second figure adds their wait for a core. The CPU of the servers, of
PostgreSQL and of the simulation is printed, with how busy the machine was; ``--timeline``
also writes the figures per second with the machine's CPU use, to tell a saturated machine
from a stall. A table of all paces ends the output.

    .venv/bin/python bench/scale.py --servers 4 --screens 200 --counters 40 --kiosks 8 \
        --seconds 60 --paces 2,5,10,20,stress --remote-share 0.3
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import multiprocessing
import os
import platform
import random
import re
import select
import selectors
import socket
import statistics
import struct
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.pgcluster import PgCluster  # noqa: E402

FIELDS = ["ho-tich", "chung-thuc", "dat-dai", "kinh-doanh", "xay-dung", "tra-ket-qua"]
SO_TIMESTAMPNS = 35  # Linux <asm-generic/socket.h>; not in Python's socket module
_TIMESPEC = struct.Struct("@qq")
CALLED = re.compile(rb'event: ticket\.called\ndata: [^\n]*?"ticket_id": (\d+)')


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def make_config(pg_url: str, counters: int, kiosks: int) -> str:
    lines = [
        '[centre]\nname = "Trung tâm Phục vụ hành chính công (mô phỏng)"\n',
        "[centre.hours]\n" + "".join(f'{d} = "00:00-24:00"\n' for d in
                                     ("mon", "tue", "wed", "thu", "fri", "sat", "sun")),
        "[queue]\nmax_waiting = 0\n",
    ]
    for i, f in enumerate(FIELDS):
        lines.append(f'[[fields]]\nid = "{f}"\nname = "Lĩnh vực {i + 1}"\n'
                     f'numbering = {{ prefix = "{chr(65 + i)}", width = 4 }}\n')
    for c in range(counters):
        fields = ", ".join(f'"{FIELDS[(c + k) % len(FIELDS)]}"' for k in range(2))
        lines.append(f'[[counters]]\nid = "{counter_id(c)}"\nnumber = {c + 1}\nfields = [{fields}]\n')
    for k in range(kiosks):
        lines.append(f'[[devices]]\nid = "kiosk-{k + 1}"\nkind = "kiosk"\n'
                     f'token = "{kiosk_token(k)}"\n')
    lines.append('[voice]\nengine = "none"\n')
    lines.append(f'[server]\nthreads = 120\nsse_keepalive_s = 5\n[database]\nurl = "{pg_url}"\n')
    lines.append("[remote]\nenabled = true\n")  # 2 a phone, 2 an address a day; no cap a field
    return "\n".join(lines)


def init_centre(pg_url: str, counters: int, kiosks: int, prefix: str) -> dict:
    """Write the config in a new temporary folder, create the database and the admin ``bench``
    (password ``bench-password``); returns the environment that points ``motcua`` at them."""
    tmp = Path(tempfile.mkdtemp(prefix=prefix))
    (tmp / "motcua.toml").write_text(make_config(pg_url, counters, kiosks), encoding="utf-8")
    env = {**os.environ, "MOTCUA_CONFIG": str(tmp / "motcua.toml"),
           "MOTCUA_DATA_DIR": str(tmp / "data")}
    subprocess.run([sys.executable, "-m", "motcua", "init"], env=env, check=True,
                   capture_output=True)
    subprocess.run([sys.executable, "-m", "motcua", "officer", "add", "bench", "--role",
                    "admin", "--password-stdin"], input="bench-password\n", text=True,
                   env=env, check=True, capture_output=True)
    return env


STATEMENT_STATS = {"shared_preload_libraries": "pg_stat_statements",
                   "pg_stat_statements.track_utility": "on"}
"""PostgreSQL settings under which :func:`statement_counts` works."""


def statement_counts(pg_url: str) -> dict[str, int]:
    """How often each statement ran on this database so far (``pg_stat_statements``, BEGIN and
    COMMIT included; the cluster must run with ``STATEMENT_STATS``). Each is a round trip."""
    import psycopg

    with psycopg.connect(pg_url.replace("postgresql+psycopg", "postgresql"),
                         autocommit=True) as conn:
        conn.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements")
        rows = conn.execute(
            "SELECT query, calls FROM pg_stat_statements WHERE dbid ="
            " (SELECT oid FROM pg_database WHERE datname = current_database())").fetchall()
    return {q: n for q, n in rows if "pg_stat_statements" not in q}


def statements_between(before: dict[str, int], after: dict[str, int]) -> dict[str, int]:
    """What ran between two :func:`statement_counts`."""
    return {q: n - before.get(q, 0) for q, n in after.items() if n > before.get(q, 0)}


def print_statements(sent: dict[str, int], per: int, what: str, listed: bool) -> None:
    print(f"statements (round trips) per {what}: {sum(sent.values()) / max(1, per):.2f}")
    if listed:
        for query, n in sorted(sent.items(), key=lambda kv: -kv[1]):
            print(f"  {n / max(1, per):5.2f}  {' '.join(query.split())[:110]}")


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU time of these processes (all their threads), in seconds."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:  # gone
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / tick


def postgres_pids(port: int) -> list[int]:
    """The private cluster's processes: its postmaster (listening on ``port``) and children."""
    pids = subprocess.run(["ps", "-eo", "pid,ppid,args"], capture_output=True, text=True).stdout
    rows = [ln.split(None, 2) for ln in pids.splitlines()[1:]]
    master = [int(p) for p, _, a in rows if "postgres" in a and f"-p {port}" in a]
    return master + [int(p) for p, pp, _ in rows if master and int(pp) in master]


def pct(values: list[float], p: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, int(round(p / 100 * (len(s) - 1))))]


def proc_stat() -> list[int]:
    """The machine's CPU counters since boot, in ticks (/proc/stat's first line)."""
    with open("/proc/stat") as f:
        return [int(v) for v in f.readline().split()[1:]]


def cpu_shares(a: list[int], b: list[int]) -> dict[str, float]:
    """Between two :func:`proc_stat`: the shares of the machine's CPU time spent in user (and
    nice) and system time, stolen by the hypervisor for other machines (a virtual core ready
    but not running), and idle."""
    d = [y - x for x, y in zip(a[:8], b[:8], strict=False)]
    total = sum(d) or 1  # user nice system idle iowait irq softirq steal
    return {"user": (d[0] + d[1]) / total, "system": (d[2] + d[5] + d[6]) / total,
            "steal": d[7] / total, "idle": (d[3] + d[4]) / total}


def counter_id(c: int) -> str:
    """The id of the generated config's counter ``c`` (from 0)."""
    return f"quay-{c + 1}"


def kiosk_token(k: int) -> str:
    """The token of the generated config's kiosk ``k`` (from 0)."""
    return f"bench-kiosk-token-{k + 1:04d}-xxxx"


def sample_cpu(samples: list[tuple[float, list[int]]], done: threading.Event) -> None:
    """The machine's CPU counters (/proc/stat's first line, in ticks) once a second."""
    while not done.is_set():
        samples.append((time.time(), proc_stat()))
        done.wait(1.0)


def timeline(sent: dict[int, float], arrivals: dict[int, list],
             cpu_samples: list[tuple[float, list[int]]]) -> list[dict]:
    """Per second of a period: calls made, their call -> screen p99 (ms) and the machine's CPU
    use in that second (shares of user + nice, system, steal and idle time)."""
    start = min(sent.values(), default=time.time())
    calls: dict[int, int] = {}
    per_second: dict[int, list[float]] = {}
    for tid, t0 in sent.items():
        sec = int(t0 - start)
        calls[sec] = calls.get(sec, 0) + 1
        per_second.setdefault(sec, []).extend((arrived - t0) * 1000 for arrived, _ in arrivals.get(tid, []))
    cpu = {int(t_a - start): cpu_shares(a, b)
           for (t_a, a), (_, b) in zip(cpu_samples, cpu_samples[1:], strict=False)}
    rows = [{"second": sec, "calls": calls[sec], "p99_ms": round(pct(vals, 99), 1) if vals else None,
             **cpu.get(sec, {})} for sec, vals in sorted(per_second.items())]
    return rows


def screens_process(ports: list[int], n: int, ready, stop, out) -> None:
    """Hold ``n`` event streams (round-robin over ``ports``); send back, per called ticket, the
    times it reached each screen: when the kernel received it on the screen's socket (the time
    of the last segment of each read, never early) and when this process read it (later when
    the simulated screens wait for a core)."""
    sel = selectors.DefaultSelector()
    socks = []
    for i in range(n):
        # each screen is a device of its own, with its own address (the per-address cap on
        # anonymous streams is for one phone or laptop, not for a hall's screens)
        s = socket.create_connection(("127.0.0.1", ports[i % len(ports)]),
                                     source_address=(f"127.0.{10 + i // 250}.{1 + i % 250}", 0))
        s.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)
        s.sendall(b"GET /api/v1/events HTTP/1.1\r\nHost: b\r\nAccept: text/event-stream\r\n\r\n")
        s.setblocking(False)
        sel.register(s, selectors.EVENT_READ, {"buf": b""})
        socks.append(s)
    arrivals: dict[int, list[tuple[float, float]]] = {}
    anc_size = socket.CMSG_SPACE(_TIMESPEC.size)
    ready.set()
    while not stop.is_set():
        for key, _ in sel.select(timeout=0.2):
            try:
                chunk, anc, _flags, _addr = key.fileobj.recvmsg(262144, anc_size)
            except BlockingIOError:
                continue
            now = time.time()
            if not chunk:
                sel.unregister(key.fileobj)
                continue
            got = now
            for level, kind, data in anc:
                if level == socket.SOL_SOCKET and kind == SO_TIMESTAMPNS:
                    sec, nsec = _TIMESPEC.unpack(data[:_TIMESPEC.size])
                    got = sec + nsec / 1e9
            # Search the complete messages in one pass; keep the unfinished one for the next recv.
            buf = key.data["buf"] + chunk
            end = buf.rfind(b"\n\n") + 2
            if end > 1:
                for m in CALLED.finditer(buf, 0, end):
                    arrivals.setdefault(int(m.group(1)), []).append((got, now))
            key.data["buf"] = buf[end:] if end > 1 else buf
    for s in socks:
        s.close()
    out.send(arrivals)


ISSUE_RATIO = 1.2
"""At a paced run the kiosks issue this many tickets per call, so the queues do not run dry."""
DEFAULT_PACES = "2,5,10,20,stress"


@dataclass(frozen=True)
class Pace:
    """How hard the simulated officers and kiosks work: ``calls_per_s`` over all counters, each
    officer and kiosk at exponential intervals (open loop), or None for the stress pace: each
    officer calls again 0.5-1.5 s after each answer and each kiosk issues 0.1-0.4 s after each
    ticket, as fast as the servers answer."""

    calls_per_s: float | None
    counters: int
    kiosks: int
    remote_share: float = 0.0
    """The share of the tickets phones take (remote tickets) instead of the kiosks."""

    @property
    def counter_interval_s(self) -> float | None:
        return None if self.calls_per_s is None else self.counters / self.calls_per_s

    @property
    def kiosk_interval_s(self) -> float | None:
        if self.calls_per_s is None:
            return None
        return self.kiosks / (ISSUE_RATIO * self.calls_per_s)

    @property
    def label(self) -> str:
        return "stress" if self.calls_per_s is None else f"{self.calls_per_s:g}/s"

    def describe(self) -> str:
        phones = (f", {100 * self.remote_share:g}% of them taken by phones"
                  if self.remote_share else "")
        if self.calls_per_s is None:
            return ("stress (each officer calls 0.5-1.5 s after each answer, each kiosk issues "
                    f"0.1-0.4 s after each ticket{phones})")
        return (f"{self.calls_per_s:g} calls/s (each counter every {self.counter_interval_s:.1f} s"
                f" on average), {ISSUE_RATIO * self.calls_per_s:g} tickets/s{phones}")


def _dropped(sock: socket.socket) -> bool:
    """Whether the other end closed this idle connection (it reads as ready, with nothing)."""
    return bool(select.select([sock], [], [], 0)[0])


class Http:
    """Keep-alive connections to the servers, one per port, for one thread: http.client costs
    the load processes far less CPU than requests, and the servers share the cores with them."""

    def __init__(self, timeout: float = 10):
        self.timeout = timeout
        self.conns: dict[int, http.client.HTTPConnection] = {}

    def _conn(self, port: int) -> http.client.HTTPConnection:
        conn = self.conns.get(port)
        if conn is not None and conn.sock is not None and _dropped(conn.sock):
            conn.close()  # the server closed it while idle ([server] read_timeout_s): as
            conn = None   # urllib3 and browsers do, open a new one rather than fail on it
        if conn is None:
            conn = self.conns[port] = http.client.HTTPConnection("127.0.0.1", port,
                                                                  timeout=self.timeout)
        return conn

    def connect(self, ports: list[int]) -> None:
        """Open the connections before the load starts, so that its first second does not pay
        for them (http.client tries one that failed again at its first request, which counts
        the error if it fails too)."""
        for port in ports:
            with contextlib.suppress(OSError):
                self._conn(port).connect()

    def post(self, port: int, path: str, headers: dict, body: dict | None = None):
        """(status, parsed JSON body); raises OSError or ValueError on a failure."""
        conn = self._conn(port)
        data = json.dumps(body).encode() if body is not None else b""
        try:
            conn.request("POST", path, data, {**headers, "Content-Type": "application/json"})
            r = conn.getresponse()
            return r.status, json.loads(r.read() or b"null")
        except (OSError, http.client.HTTPException, ValueError):
            conn.close()
            del self.conns[port]
            raise


def phone_address(process: int, n: int) -> str:
    """The address of the ``n``-th phone of load process ``process`` (127.0.0.0/8 is all
    loopback on Linux): one phone, one address, so the per-address limit never refuses it."""
    return f"127.{10 + process}.{(n // 250) % 250}.{n % 250 + 1}"


def take_remote(port: int, address: str, field: str) -> int:
    """One phone's remote ticket: a new connection from ``address``, no cookie; the status."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10, source_address=(address, 0))
    try:
        conn.request("POST", "/api/v1/remote-tickets", json.dumps({"service_id": field}).encode(),
                     {"Content-Type": "application/json"})
        r = conn.getresponse()
        r.read()
        return r.status
    finally:
        conn.close()


def paced(rng: random.Random, mean_s: float | None, end: float, closed_loop: tuple[float, float],
          work) -> None:
    """Call ``work()`` until ``end``: open loop at exponential intervals of mean ``mean_s``, the
    first one too, so the pace holds from the first second (a request waits only for the one
    before it from this device; one that fell more than a second behind starts afresh rather
    than catch up in a burst), or, with ``mean_s`` None, closed loop: a pause drawn from
    ``closed_loop`` after each answer."""
    if mean_s is None:
        while time.perf_counter() < end:
            work()
            time.sleep(rng.uniform(*closed_loop))
        return
    next_t = time.perf_counter() + rng.expovariate(1 / mean_s)  # memoryless: no opening burst
    while next_t < end:
        delay = next_t - time.perf_counter()
        if delay > 0:
            time.sleep(delay)
        elif delay < -1:
            next_t = time.perf_counter()
        work()
        next_t += rng.expovariate(1 / mean_s)


def load_process(ports: list[int], counters: list[str], kiosk_tokens: list[str], token: str,
                 seconds: float, seed: str, out, pace: Pace, ready, go, phones: tuple[int, int]) -> None:
    """Officers calling at ``counters`` and kiosks issuing (or phones, ``pace.remote_share`` of
    the tickets), at ``pace``, for ``seconds`` from ``go``. ``ready`` is set once every thread
    runs and holds its connections: the start-up of this process and its threads is not part of
    the measured period. ``phones``: (this process's index, the number of its first phone)."""
    rng = random.Random(seed)
    sent: dict[int, float] = {}
    stats: dict[str, float] = {"issued": 0, "remote": 0, "called": 0, "empty": 0, "errors": 0}
    fails: dict[str, int] = {}  # what the failed requests got, by kind
    took: dict[str, list[float]] = {"issue": [], "remote": [], "call": []}
    next_phone = iter(range(phones[1], phones[1] + 10**6))
    lock = threading.Lock()
    devices = len(kiosk_tokens) + len(counters)
    connected = threading.Barrier(devices + 1)
    started = threading.Event()
    end = 0.0

    def get_ready(client: Http) -> None:
        """Connect, then wait with the others for the start."""
        client.connect(ports)
        connected.wait()
        started.wait()

    def kiosk(tok: str) -> None:
        client = Http()
        get_ready(client)

        def remote(port: int) -> None:
            with lock:
                address = phone_address(phones[0], next(next_phone))
            t0 = time.perf_counter()
            try:
                status = take_remote(port, address, rng.choice(FIELDS))
                ok = status == 201
            except (OSError, http.client.HTTPException) as exc:
                ok, status = False, type(exc).__name__
            with lock:
                stats["remote" if ok else "errors"] += 1
                if not ok:
                    kind = f"POST /remote-tickets: {status}"
                    fails[kind] = fails.get(kind, 0) + 1
                took["remote"].append((time.perf_counter() - t0) * 1000)

        def issue() -> None:
            port = rng.choice(ports)
            if pace.remote_share and rng.random() < pace.remote_share:
                remote(port)
                return
            t0 = time.perf_counter()
            try:
                status, _ = client.post(port, "/api/v1/tickets", {"Authorization": f"Bearer {tok}"},
                                      {"service_id": rng.choice(FIELDS)})
                ok = status == 201
            except (OSError, http.client.HTTPException, ValueError) as exc:
                ok, status = False, type(exc).__name__
            with lock:
                stats["issued" if ok else "errors"] += 1
                if not ok:
                    fails[f"POST /tickets: {status}"] = fails.get(f"POST /tickets: {status}", 0) + 1
                took["issue"].append((time.perf_counter() - t0) * 1000)

        paced(rng, pace.kiosk_interval_s, end, (0.1, 0.4), issue)

    def officer(counter: str) -> None:
        client = Http()
        get_ready(client)

        def call() -> None:
            port = rng.choice(ports)
            t0, sent_at = time.perf_counter(), time.time()  # wall clock: the kernel's timestamps
            try:
                status, body = client.post(port, f"/api/v1/counters/{counter}/call-next",
                                         {"Authorization": f"Bearer {token}"})
                ok = status == 200
                ticket = body["ticket"] if ok else None
            except (OSError, http.client.HTTPException, ValueError, KeyError, TypeError) as exc:
                ok, ticket, status = False, None, type(exc).__name__
            with lock:
                took["call"].append((time.perf_counter() - t0) * 1000)
                if not ok:
                    stats["errors"] += 1
                    fails[f"call-next: {status}"] = fails.get(f"call-next: {status}", 0) + 1
                elif ticket is None:
                    stats["empty"] += 1
                else:
                    stats["called"] += 1
                    sent[ticket["id"]] = sent_at

        if pace.counter_interval_s is None:
            time.sleep(rng.uniform(0, 1.0))
        paced(rng, pace.counter_interval_s, end, (0.5, 1.5), call)

    threads = [threading.Thread(target=kiosk, args=(t,)) for t in kiosk_tokens]
    threads += [threading.Thread(target=officer, args=(c,)) for c in counters]
    for th in threads:
        th.start()
    connected.wait()
    ready.set()
    go.wait()
    cpu0 = time.process_time()
    end = time.perf_counter() + seconds
    started.set()
    for th in threads:
        th.join()
    stats["cpu_s"] = time.process_time() - cpu0  # all this process's threads
    out.send((sent, stats, took, fails))


def parse_paces(text: str, counters: int, kiosks: int, remote_share: float = 0.0) -> list[Pace]:
    paces = []
    for item in text.split(","):
        item = item.strip()
        try:
            rate = None if item == "stress" else float(item)
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"{item!r} is neither calls per second nor 'stress'") from None
        if rate is not None and not rate > 0:
            raise argparse.ArgumentTypeError(f"a rate must be positive: {item}")
        paces.append(Pace(rate, counters, kiosks, remote_share))
    return paces


class Province:
    """The running simulation: PostgreSQL, the server processes and the screens."""

    def __init__(self, args: argparse.Namespace):
        self.args = args
        self.cluster = PgCluster.start(free_port(), fsync=True, settings=STATEMENT_STATS)
        self.servers: list[subprocess.Popen] = []
        self.readers: list = []
        self.pg_url = self.cluster.create_database()
        self.env = init_centre(self.pg_url, args.counters, args.kiosks, "motcua-scale-")
        self.ports = [free_port() for _ in range(args.servers)]
        self.ctx = multiprocessing.get_context("spawn")
        self.stop = self.ctx.Event()
        self.warm_phones = 0  # phones that took a ticket at warm-up
        self.paces_run = 0  # each pace's phones start at a number of their own

    def start(self) -> None:
        for port in self.ports:
            self.servers.append(subprocess.Popen(
                [sys.executable, "-m", "motcua", "server", "--host", "127.0.0.1", "--port",
                 str(port)], env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        for port in self.ports:
            for _ in range(100):
                try:
                    requests.get(f"http://127.0.0.1:{port}/api/v1/health", timeout=1)
                    break
                except requests.ConnectionError:
                    time.sleep(0.2)
        self.token = requests.post(f"http://127.0.0.1:{self.ports[0]}/api/v1/auth/login",
                                   json={"username": "bench", "password": "bench-password"},
                                   timeout=10).json()["token"]
        self.warm_up()
        screens = self.args.screens
        for n in (screens // 2, screens - screens // 2):
            ready = self.ctx.Event()
            recv, send = self.ctx.Pipe(duplex=False)
            p = self.ctx.Process(target=screens_process, args=(self.ports, n, ready, self.stop, send))
            p.start()
            ready.wait(60)
            self.readers.append((p, recv))
        time.sleep(3)  # snapshots delivered

    def warm_up(self) -> None:
        """A ticket of every field and a call at every counter through every process: each
        builds its statements on first use (a counter's choice of the next ticket is compiled
        once per process, 10-20 ms of CPU here), which a centre's day pays once, at its start."""
        officer = {"Authorization": f"Bearer {self.token}"}
        kiosk = {"Authorization": f"Bearer {kiosk_token(0)}"}
        with requests.Session() as http:
            for port in self.ports:
                base = f"http://127.0.0.1:{port}/api/v1"
                for field in FIELDS:
                    http.post(f"{base}/tickets", json={"service_id": field}, headers=kiosk,
                              timeout=30).raise_for_status()
                    if self.args.remote_share:
                        status = take_remote(port, phone_address(9, self.warm_phones), field)
                        self.warm_phones += 1
                        if status != 201:
                            raise RuntimeError(f"a remote ticket got {status} at warm-up")
                for c in range(self.args.counters):
                    http.post(f"{base}/counters/{counter_id(c)}/call-next", headers=officer,
                              timeout=30).raise_for_status()

    def run(self, pace: Pace) -> dict:
        """One period of load at ``pace``: what the officers and kiosks saw, and the CPU used."""
        args = self.args
        counters = [counter_id(c) for c in range(args.counters)]
        kiosks = [kiosk_token(k) for k in range(args.kiosks)]
        halves = [(counters[::2], kiosks[::2]), (counters[1::2], kiosks[1::2])]
        server_pids = [s.pid for s in self.servers]
        sim_pids = [p.pid for p, _ in self.readers]
        pg_pids = postgres_pids(self.cluster.port)
        loaders = []
        go = self.ctx.Event()
        for i, (cs, ks) in enumerate(halves):
            recv, send = self.ctx.Pipe(duplex=False)
            ready = self.ctx.Event()
            p = self.ctx.Process(target=load_process, args=(
                self.ports, cs, ks, self.token, args.seconds, f"{i}-{pace.label}", send, pace,
                ready, go, (i, 20000 * self.paces_run)))
            p.start()
            loaders.append((p, recv, ready))
        for _, _, ready in loaders:
            ready.wait(60)
        time.sleep(1)  # the load processes' start-up has settled
        counts_before = statement_counts(self.pg_url)
        cpu_before = (cpu_seconds(server_pids), cpu_seconds(pg_pids), cpu_seconds(sim_pids))
        stat_before = proc_stat()
        go.set()
        self.paces_run += 1
        sent: dict[int, float] = {}
        stats = {"issued": 0, "remote": 0, "called": 0, "empty": 0, "errors": 0, "cpu_s": 0.0}
        took: dict[str, list[float]] = {"issue": [], "remote": [], "call": []}
        fails: dict[str, int] = {}
        for p, recv, _ in loaders:
            s, st, tk, fl = recv.recv()
            p.join()
            sent.update(s)
            for k, n in fl.items():
                fails[k] = fails.get(k, 0) + n
            for k in took:
                took[k].extend(tk[k])
            for k in stats:
                stats[k] += st[k]
        shares = cpu_shares(stat_before, proc_stat())
        busy = (1 - shares["idle"] - shares["steal"], shares["steal"])
        cpu_used = (cpu_seconds(server_pids) - cpu_before[0],
                    cpu_seconds(postgres_pids(self.cluster.port)) - cpu_before[1],
                    cpu_seconds(sim_pids) - cpu_before[2])
        statements = statements_between(counts_before, statement_counts(self.pg_url))
        time.sleep(2)  # the last calls reach the screens
        return {"pace": pace, "sent": sent, "stats": stats, "fails": fails, "took": took, "cpu": cpu_used,
                "statements": statements, "busy": busy}

    def arrivals(self) -> dict[int, list[tuple[float, float]]]:
        """Stop the screens; per called ticket, when it reached each screen."""
        self.stop.set()
        arrivals: dict[int, list[tuple[float, float]]] = {}
        for p, recv in self.readers:
            for tid, times in recv.recv().items():
                arrivals.setdefault(tid, []).extend(times)
            p.join()
        self.readers = []
        return arrivals

    def close(self) -> None:
        if self.readers:
            self.stop.set()
            for p, _ in self.readers:
                p.join(10)
        for s in self.servers:
            s.terminate()
        for s in self.servers:
            s.wait(10)
        self.cluster.stop()


def report(run: dict, arrivals: dict[int, list[tuple[float, float]]], args) -> dict:
    """Print one period's figures; return its summary row."""
    pace, stats, took, cpu_used = run["pace"], run["stats"], run["took"], run["cpu"]
    latencies, read_latencies, missing = [], [], 0
    for tid, t0 in run["sent"].items():
        got = arrivals.get(tid, [])
        missing += args.screens - len(got)
        latencies.extend((arrived - t0) * 1000 for arrived, _ in got)
        read_latencies.extend((read - t0) * 1000 for _, read in got)
    print(f"\n== pace: {pace.describe()} ==")
    print(f"errors: {stats['errors']}  (missed screen deliveries: {missing})"
          + "".join(f"; {kind} x{n}" for kind, n in sorted(run.get("fails", {}).items())))
    print(f"tickets issued: kiosks {stats['issued']} ({stats['issued'] / args.seconds:.1f}/s), "
          f"phones (remote) {stats['remote']} ({stats['remote'] / args.seconds:.1f}/s); "
          f"calls: {stats['called']} ({stats['called'] / args.seconds:.1f}/s); "
          f"empty calls: {stats['empty']}")
    requests_done = len(took["issue"]) + len(took["remote"]) + len(took["call"])
    print(f"CPU: server processes {cpu_used[0]:.1f} s, PostgreSQL {cpu_used[1]:.1f} s "
          f"({1000 * cpu_used[0] / max(1, requests_done):.2f} and "
          f"{1000 * cpu_used[1] / max(1, requests_done):.2f} ms per request, fan-out "
          f"to the screens included); simulated screens {cpu_used[2]:.1f} s, officers "
          f"and kiosks {stats['cpu_s']:.1f} s; the machine {100 * run['busy'][0]:.0f} % busy, "
          f"{100 * run['busy'][1]:.0f} % stolen by the hypervisor")
    print_statements(run["statements"], requests_done, "request (displays and relays included)",
                     args.statements)
    for name, values in (("POST /tickets", took["issue"]),
                         ("POST /remote-tickets (a new connection each)", took["remote"]),
                         ("call-next", took["call"])):
        if values:
            print(f"{name} request: median {statistics.median(values):.1f} ms, "
                  f"p95 {pct(values, 95):.1f}, p99 {pct(values, 99):.1f}")
    for name, values in (("call -> screen", latencies),
                         ("call -> read by the simulated screen", read_latencies)):
        if values:
            print(f"{name}: n={len(values)} median {statistics.median(values):.1f} ms, "
                  f"p95 {pct(values, 95):.1f}, p99 {pct(values, 99):.1f}, "
                  f"max {max(values):.1f}")
    return {"pace": pace.label, "calls_per_s": stats["called"] / args.seconds,
            "remote_per_s": stats["remote"] / args.seconds,
            "errors": stats["errors"], "missing": missing,
            "busy": run["busy"],
            "median": statistics.median(latencies) if latencies else None,
            "p99": pct(latencies, 99) if latencies else None}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--servers", type=int, default=4)
    ap.add_argument("--screens", type=int, default=200)
    ap.add_argument("--counters", type=int, default=40)
    ap.add_argument("--kiosks", type=int, default=8)
    ap.add_argument("--seconds", type=float, default=60, help="of load at each pace")
    ap.add_argument("--paces", default=DEFAULT_PACES,
                    help="comma-separated: calls per second over all counters (open loop), or "
                         f"'stress' (as fast as the servers answer); default {DEFAULT_PACES}")
    ap.add_argument("--remote-share", type=float, default=0.3,
                    help="the share of the tickets phones take through POST /remote-tickets, "
                         "each from an address of its own (default 0.3; 0: kiosks only)")
    ap.add_argument("--statements", action="store_true",
                    help="list the statements PostgreSQL ran, per request")
    ap.add_argument("--timeline", type=Path, metavar="FILE",
                    help="write, per second of the run, the calls, their call -> screen p99 "
                         "and the machine's CPU use (user, system, steal, idle) as JSON")
    args = ap.parse_args()
    if not 0 <= args.remote_share <= 1:
        ap.error(f"--remote-share must be from 0 to 1: {args.remote_share}")
    try:
        paces = parse_paces(args.paces, args.counters, args.kiosks, args.remote_share)
    except argparse.ArgumentTypeError as exc:
        ap.error(f"--paces: {exc}")

    province = Province(args)
    try:
        province.start()
        cpu_samples: list[tuple[float, list[int]]] = []
        sampling = threading.Event()
        threading.Thread(target=sample_cpu, args=(cpu_samples, sampling), daemon=True).start()
        runs = [province.run(pace) for pace in paces]
        sampling.set()
        arrivals = province.arrivals()
    finally:
        province.close()
    cpu = next((ln.split(":", 1)[1].strip() for ln in
                Path("/proc/cpuinfo").read_text().splitlines() if ln.startswith("model name")),
               platform.processor())
    print(f"machine: {platform.machine()}, {cpu}, {os.cpu_count()} cores")
    print(f"{args.servers} server processes on one PostgreSQL (fsync on); {args.screens} screens; "
          f"{args.counters} counters; {args.kiosks} kiosks; {100 * args.remote_share:g}% of the "
          f"tickets from phones; {args.seconds:.0f} s at each pace")
    rows = [report(run, arrivals, args) for run in runs]
    if args.timeline:
        args.timeline.write_text(json.dumps(
            [{"pace": run["pace"].label, **row} for run in runs
             for row in timeline(run["sent"], arrivals, cpu_samples)], indent=1))
    print("\n| pace | calls/s | remote tickets/s | errors | missed | CPU busy / stolen "
          "| call -> screen median | p99 |")
    print("|---|---|---|---|---|---|---|---|")
    for r in rows:
        med = f"{r['median']:.1f} ms" if r["median"] is not None else "-"
        p99 = f"{r['p99']:.1f} ms" if r["p99"] is not None else "-"
        print(f"| {r['pace']} | {r['calls_per_s']:.1f} | {r['remote_per_s']:.1f} | {r['errors']} | "
              f"{r['missing']} | "
              f"{100 * r['busy'][0]:.0f} / {100 * r['busy'][1]:.0f} % | {med} | {p99} |")


if __name__ == "__main__":
    main()
