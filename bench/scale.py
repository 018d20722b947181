"""A simulated province on PostgreSQL: several server processes, many screens, counters, kiosks.

Starts a private PostgreSQL (fsync on) and N ``motcua server`` processes on one database, with a
generated config of 40 counters and 8 kiosks. Screens (SSE, spread over the servers) are read in
separate processes; officers call next at every counter and kiosks issue tickets, through
random servers, for the given time. Prints errors, tickets per second and the call-to-screen
latency: from the officer's request to the ``ticket.called`` event reaching each screen's socket
(the kernel's receive timestamp, SO_TIMESTAMPNS), and to the simulated screen reading it. In a
hall every screen is its own device; here 200 of them share the two processes, and the cores,
with the servers, so the second figure adds their wait for a core. The CPU of the servers,
of PostgreSQL and of the simulation is printed; ``--timeline`` also writes the figures per second
with the machine's CPU use, to tell a saturated machine from a stall.

    .venv/bin/python bench/scale.py --servers 4 --screens 200 --counters 40 --kiosks 8 --seconds 60
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing
import os
import platform
import random
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
        lines.append(f'[[counters]]\nid = "quay-{c + 1}"\nnumber = {c + 1}\nfields = [{fields}]\n')
    for k in range(kiosks):
        lines.append(f'[[devices]]\nid = "kiosk-{k + 1}"\nkind = "kiosk"\n'
                     f'token = "bench-kiosk-token-{k + 1:04d}-xxxx"\n')
    lines.append('[voice]\nengine = "none"\n')
    lines.append(f'[server]\nthreads = 120\nsse_keepalive_s = 5\n[database]\nurl = "{pg_url}"\n')
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


def sample_cpu(samples: list[tuple[float, list[int]]], done: threading.Event) -> None:
    """The machine's CPU counters (/proc/stat's first line, in ticks) once a second."""
    while not done.is_set():
        with open("/proc/stat") as f:
            samples.append((time.time(), [int(v) for v in f.readline().split()[1:]]))
        done.wait(1.0)


def write_timeline(path: Path, sent: dict[int, float], arrivals: dict[int, list],
                   cpu_samples: list[tuple[float, list[int]]]) -> None:
    """Per second of the run: calls made, their call -> screen p99 (ms) and the machine's CPU
    use in that second (shares of user + nice, system, steal and idle time)."""
    start = min(sent.values(), default=time.time())
    calls: dict[int, int] = {}
    per_second: dict[int, list[float]] = {}
    for tid, t0 in sent.items():
        sec = int(t0 - start)
        calls[sec] = calls.get(sec, 0) + 1
        per_second.setdefault(sec, []).extend((arrived - t0) * 1000 for arrived, _ in arrivals.get(tid, []))
    cpu: dict[int, dict[str, float]] = {}
    for (t_a, a), (_, b) in zip(cpu_samples, cpu_samples[1:], strict=False):
        d = [y - x for x, y in zip(a, b, strict=False)]
        total = sum(d[:8]) or 1  # user nice system idle iowait irq softirq steal
        cpu[int(t_a - start)] = {"user": (d[0] + d[1]) / total, "system": (d[2] + d[5] + d[6]) / total,
                                 "steal": d[7] / total, "idle": (d[3] + d[4]) / total}
    rows = [{"second": sec, "calls": calls[sec], "p99_ms": round(pct(vals, 99), 1) if vals else None,
             **cpu.get(sec, {})} for sec, vals in sorted(per_second.items())]
    path.write_text(json.dumps(rows, indent=1))


def screens_process(ports: list[int], n: int, ready, stop, out) -> None:
    """Hold ``n`` event streams (round-robin over ``ports``); send back, per called ticket, the
    times it reached each screen: when the kernel received it on the screen's socket (the time
    of the last segment of each read, never early) and when this process read it (later when
    the simulated screens wait for a core)."""
    sel = selectors.DefaultSelector()
    socks = []
    for i in range(n):
        s = socket.create_connection(("127.0.0.1", ports[i % len(ports)]))
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


class Http:
    """Keep-alive connections to the servers, one per port, for one thread: http.client costs
    the load processes far less CPU than requests, and the servers share the cores with them."""

    def __init__(self, timeout: float = 10):
        self.timeout = timeout
        self.conns: dict[int, http.client.HTTPConnection] = {}

    def post(self, port: int, path: str, headers: dict, body: dict | None = None):
        """(status, parsed JSON body); raises OSError or ValueError on a failure."""
        conn = self.conns.get(port)
        if conn is None:
            conn = self.conns[port] = http.client.HTTPConnection("127.0.0.1", port,
                                                                  timeout=self.timeout)
        data = json.dumps(body).encode() if body is not None else b""
        try:
            conn.request("POST", path, data, {**headers, "Content-Type": "application/json"})
            r = conn.getresponse()
            return r.status, json.loads(r.read() or b"null")
        except (OSError, http.client.HTTPException, ValueError):
            conn.close()
            del self.conns[port]
            raise


def load_process(ports: list[int], counters: list[str], kiosk_tokens: list[str], token: str,
                 seconds: float, seed: int, out) -> None:
    """Officers calling at ``counters`` and kiosks issuing, until ``seconds`` have passed."""
    rng = random.Random(seed)
    sent: dict[int, float] = {}
    stats: dict[str, float] = {"issued": 0, "called": 0, "empty": 0, "errors": 0}
    took: dict[str, list[float]] = {"issue": [], "call": []}
    lock = threading.Lock()
    end = time.perf_counter() + seconds

    def kiosk(tok: str) -> None:
        client = Http()
        while time.perf_counter() < end:
            port = rng.choice(ports)
            t0 = time.perf_counter()
            try:
                status, _ = client.post(port, "/api/v1/tickets", {"Authorization": f"Bearer {tok}"},
                                      {"service_id": rng.choice(FIELDS)})
                ok = status == 201
            except (OSError, http.client.HTTPException, ValueError):
                ok = False
            with lock:
                stats["issued" if ok else "errors"] += 1
                took["issue"].append((time.perf_counter() - t0) * 1000)
            time.sleep(rng.uniform(0.1, 0.4))

    def officer(counter: str) -> None:
        client = Http()
        time.sleep(rng.uniform(0, 1.0))
        while time.perf_counter() < end:
            port = rng.choice(ports)
            t0, sent_at = time.perf_counter(), time.time()  # wall clock: the kernel's timestamps
            try:
                status, body = client.post(port, f"/api/v1/counters/{counter}/call-next",
                                         {"Authorization": f"Bearer {token}"})
                ok = status == 200
                ticket = body["ticket"] if ok else None
            except (OSError, http.client.HTTPException, ValueError, KeyError, TypeError):
                ok, ticket = False, None
            with lock:
                took["call"].append((time.perf_counter() - t0) * 1000)
                if not ok:
                    stats["errors"] += 1
                elif ticket is None:
                    stats["empty"] += 1
                else:
                    stats["called"] += 1
                    sent[ticket["id"]] = sent_at
            time.sleep(rng.uniform(0.5, 1.5))

    threads = [threading.Thread(target=kiosk, args=(t,)) for t in kiosk_tokens]
    threads += [threading.Thread(target=officer, args=(c,)) for c in counters]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    stats["cpu_s"] = time.process_time()  # all this process's threads
    out.send((sent, stats, took))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--servers", type=int, default=4)
    ap.add_argument("--screens", type=int, default=200)
    ap.add_argument("--counters", type=int, default=40)
    ap.add_argument("--kiosks", type=int, default=8)
    ap.add_argument("--seconds", type=float, default=60)
    ap.add_argument("--statements", action="store_true",
                    help="list the statements PostgreSQL ran, per request")
    ap.add_argument("--timeline", type=Path, metavar="FILE",
                    help="write, per second of the run, the calls, their call -> screen p99 "
                         "and the machine's CPU use (user, system, steal, idle) as JSON")
    args = ap.parse_args()

    cluster = PgCluster.start(free_port(), fsync=True, settings=STATEMENT_STATS)
    servers: list[subprocess.Popen] = []
    try:
        pg_url = cluster.create_database()
        env = init_centre(pg_url, args.counters, args.kiosks, "motcua-scale-")
        ports = [free_port() for _ in range(args.servers)]
        for port in ports:
            servers.append(subprocess.Popen(
                [sys.executable, "-m", "motcua", "server", "--host", "127.0.0.1", "--port",
                 str(port)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        for port in ports:
            for _ in range(100):
                try:
                    requests.get(f"http://127.0.0.1:{port}/api/v1/health", timeout=1)
                    break
                except requests.ConnectionError:
                    time.sleep(0.2)
        token = requests.post(f"http://127.0.0.1:{ports[0]}/api/v1/auth/login",
                              json={"username": "bench", "password": "bench-password"},
                              timeout=10).json()["token"]

        ctx = multiprocessing.get_context("spawn")
        stop = ctx.Event()
        readers = []
        per_reader = [args.screens // 2, args.screens - args.screens // 2]
        for n in per_reader:
            ready = ctx.Event()
            recv, send = ctx.Pipe(duplex=False)
            p = ctx.Process(target=screens_process, args=(ports, n, ready, stop, send))
            p.start()
            ready.wait(60)
            readers.append((p, recv))
        time.sleep(3)  # snapshots delivered
        counters = [f"quay-{c + 1}" for c in range(args.counters)]
        kiosks = [f"bench-kiosk-token-{k + 1:04d}-xxxx" for k in range(args.kiosks)]
        loaders = []
        halves = [(counters[::2], kiosks[::2]), (counters[1::2], kiosks[1::2])]
        for i, (cs, ks) in enumerate(halves):
            recv, send = ctx.Pipe(duplex=False)
            p = ctx.Process(target=load_process,
                            args=(ports, cs, ks, token, args.seconds, i, send))
            p.start()
            loaders.append((p, recv))
        server_pids = [s.pid for s in servers]
        cpu_samples: list[tuple[float, list[int]]] = []
        sampling = threading.Event()
        sampler = threading.Thread(target=sample_cpu, args=(cpu_samples, sampling), daemon=True)
        sampler.start()
        counts_before = statement_counts(pg_url)
        sim_pids = [p.pid for p, _ in readers]
        cpu_before = (cpu_seconds(server_pids), cpu_seconds(postgres_pids(cluster.port)),
                      cpu_seconds(sim_pids))
        sent: dict[int, float] = {}
        stats = {"issued": 0, "called": 0, "empty": 0, "errors": 0, "cpu_s": 0.0}
        took: dict[str, list[float]] = {"issue": [], "call": []}
        for p, recv in loaders:
            s, st, tk = recv.recv()
            p.join()
            sent.update(s)
            for k in took:
                took[k].extend(tk[k])
            for k in stats:
                stats[k] += st[k]
        cpu_used = (cpu_seconds(server_pids) - cpu_before[0],
                    cpu_seconds(postgres_pids(cluster.port)) - cpu_before[1],
                    cpu_seconds(sim_pids) - cpu_before[2])
        sent_statements = statements_between(counts_before, statement_counts(pg_url))
        sampling.set()
        time.sleep(2)
        stop.set()
        arrivals: dict[int, list[float]] = {}
        for p, recv in readers:
            for tid, times in recv.recv().items():
                arrivals.setdefault(tid, []).extend(times)
            p.join()
        latencies, read_latencies, missing = [], [], 0
        for tid, t0 in sent.items():
            got = arrivals.get(tid, [])
            missing += args.screens - len(got)
            latencies.extend((arrived - t0) * 1000 for arrived, _ in got)
            read_latencies.extend((read - t0) * 1000 for _, read in got)
        if args.timeline:
            write_timeline(args.timeline, sent, arrivals, cpu_samples)
        cpu = next((ln.split(":", 1)[1].strip() for ln in
                    Path("/proc/cpuinfo").read_text().splitlines() if ln.startswith("model name")),
                   platform.processor())
        print(f"machine: {platform.machine()}, {cpu}, {os.cpu_count()} cores")
        print(f"{args.servers} server processes on one PostgreSQL (fsync on); {args.screens} screens; "
              f"{args.counters} counters; {args.kiosks} kiosks; {args.seconds:.0f} s")
        print(f"errors: {stats['errors']}  (missed screen deliveries: {missing})")
        print(f"tickets issued: {stats['issued']} ({stats['issued'] / args.seconds:.1f}/s); "
              f"calls: {stats['called']} ({stats['called'] / args.seconds:.1f}/s); "
              f"empty calls: {stats['empty']}")
        requests_done = len(took["issue"]) + len(took["call"])
        print(f"CPU: server processes {cpu_used[0]:.1f} s, PostgreSQL {cpu_used[1]:.1f} s "
              f"({1000 * cpu_used[0] / max(1, requests_done):.2f} and "
              f"{1000 * cpu_used[1] / max(1, requests_done):.2f} ms per request, fan-out "
              f"to the screens included); simulated screens {cpu_used[2]:.1f} s, officers "
              f"and kiosks {stats['cpu_s']:.1f} s")
        print_statements(sent_statements, requests_done, "request (displays and relays included)",
                         args.statements)
        for name, values in (("POST /tickets", took["issue"]), ("call-next", took["call"])):
            if values:
                print(f"{name} request: median {statistics.median(values):.1f} ms, "
                      f"p95 {pct(values, 95):.1f}, p99 {pct(values, 99):.1f}")
        for name, values in (("call -> screen", latencies),
                             ("call -> read by the simulated screen", read_latencies)):
            if values:
                print(f"{name}: n={len(values)} median {statistics.median(values):.1f} ms, "
                      f"p95 {pct(values, 95):.1f}, p99 {pct(values, 99):.1f}, "
                      f"max {max(values):.1f}")
    finally:
        for s in servers:
            s.terminate()
        for s in servers:
            s.wait(10)
        cluster.stop()


if __name__ == "__main__":
    main()
