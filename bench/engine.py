"""Benchmark the queue engine on SQLite: issue throughput and call-next latency.

Prints figures, asserts nothing. Runs on a temporary data dir with the demo config (daily caps
lifted so N can be large) and the database settings the server uses (WAL, ``synchronous=FULL``
unless ``--synchronous`` says otherwise)::

    python bench/engine.py                       # in-process, then 4 processes
    python bench/engine.py --issues 2000 --procs 4 --per-proc 300
    python bench/engine.py --synchronous normal  # for comparison only; the server uses FULL
    python bench/engine.py --profile             # cProfile of the in-process part

Parts:
  (a) one process: N issues into an empty day (round-robin over the fields; the queue grows to N),
      then call_next + finish at counters with ``--queue`` tickets kept waiting (50 and 200);
  (b) ``--procs`` processes at once on one file, each issuing and calling (call_next + finish) at
      its own counter: aggregate throughput and per-operation latency.
A raw-SQLite floor (one ``BEGIN IMMEDIATE; INSERT; COMMIT`` per op, same pragmas) is printed too,
to tell the cost of the commit itself from the engine's own work.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import multiprocessing as mp
import os
import platform
import pstats
import sqlite3
import statistics
import sys
import tempfile
import time
import tomllib
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sqlalchemy import event  # noqa: E402

from config import Config, parse_config  # noqa: E402
from motcua.core.queue import QueueEngine  # noqa: E402
from motcua.core.storage import Database, upgrade  # noqa: E402

DEMO = ROOT / "config" / "demo.toml"
BASE = datetime(2026, 11, 25, 8, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
TARGET_MS = 2.0
SYNC = {"full": 2, "normal": 1, "off": 0}


# -- set-up -----------------------------------------------------------------------------------
def bench_config(data_dir: Path) -> Config:
    """The demo config on ``data_dir`` with every field's daily cap lifted."""
    data = tomllib.loads(DEMO.read_text(encoding="utf-8"))
    data["fields"] = [{**f, "daily_cap": 0} for f in data["fields"]]
    return parse_config(data, source=DEMO, env={"MOTCUA_DATA_DIR": str(data_dir)})


def open_db(config: Config, synchronous: str) -> Database:
    """A :class:`Database` as the server opens it, optionally with another ``synchronous``."""
    db = Database(config.database_url)
    if synchronous != "full":
        def _set(dbapi_conn, _record) -> None:  # runs after the library's own connect hook
            dbapi_conn.execute(f"PRAGMA synchronous={synchronous.upper()}")
        event.listen(db.engine, "connect", _set)
    return db


def clock_from(epoch: float) -> Callable[[], datetime]:
    """Real time from a fixed morning, the same in every process, so the day never changes."""
    return lambda: BASE + timedelta(seconds=time.time() - epoch)


def fresh(root: Path, name: str, synchronous: str) -> tuple[Config, Database]:
    data_dir = root / name
    data_dir.mkdir()
    config = bench_config(data_dir)
    db = open_db(config, synchronous)
    upgrade(db)
    return config, db


# -- figures ----------------------------------------------------------------------------------
def summary(label: str, seconds: list[float]) -> str:
    ms = sorted(s * 1000 for s in seconds)
    if len(ms) < 4:
        return f"  {label:<22} n={len(ms)} (too few)"
    q = statistics.quantiles(ms, n=100, method="inclusive")
    q1, med, q3, p95, p99 = q[24], q[49], q[74], q[94], q[98]
    slow = sum(x > 100 for x in ms)
    flag = f"  >100 ms: {slow}" if slow else ""
    flag += "" if med < TARGET_MS else f"   <-- median above the {TARGET_MS:g} ms target"
    return (f"  {label:<22} n={len(ms):<5} median {med:6.2f} ms  p95 {p95:6.2f}  p99 {p99:6.2f}  "
            f"IQR {q1:.2f}-{q3:.2f}  min {ms[0]:.2f}  max {ms[-1]:.2f}{flag}")


def machine() -> str:
    cpu = ""
    with open("/proc/cpuinfo", encoding="utf-8") as fh:
        for line in fh:
            if line.lower().startswith(("model name", "hardware", "model")):
                cpu = line.split(":", 1)[1].strip()
                if line.lower().startswith("model name"):
                    break
    return (f"{platform.machine()}, {cpu or platform.processor() or '?'}, {os.cpu_count()} CPUs, "
            f"Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}")


# -- (a) one process --------------------------------------------------------------------------
def run_issue(engine: QueueEngine, n: int) -> tuple[list[float], float]:
    fields = [f.id for f in engine.config.fields]
    lat = []
    start = time.perf_counter()
    for i in range(n):
        t0 = time.perf_counter()
        engine.issue(fields[i % len(fields)])
        lat.append(time.perf_counter() - t0)
    return lat, time.perf_counter() - start


def run_calls(engine: QueueEngine, calls: int, queue: int) -> tuple[list[float], list[float], list[int]]:
    """call_next + finish at quay-1, quay-2, quay-5 in turn, re-issuing so ``queue`` keep waiting."""
    fields = ["ho-tich", "chung-thuc"]
    for i in range(queue):
        engine.issue(fields[i % 2])
    counters = ["quay-1", "quay-2", "quay-5"]
    call_lat, finish_lat, lengths = [], [], []
    for i in range(calls):
        counter = counters[i % len(counters)]
        t0 = time.perf_counter()
        ticket = engine.call_next(counter)
        t1 = time.perf_counter()
        engine.finish(counter)
        t2 = time.perf_counter()
        assert ticket is not None
        call_lat.append(t1 - t0)
        finish_lat.append(t2 - t1)
        engine.issue(fields[i % 2])
        if i % 50 == 0:
            lengths.append(len(engine.waiting()))
    return call_lat, finish_lat, lengths


def part_a(root: Path, args: argparse.Namespace) -> None:
    print(f"(a) one process, synchronous={args.synchronous.upper()}")
    config, db = fresh(root, "a-issue", args.synchronous)
    with db.read() as conn:
        sync = conn.exec_driver_sql("PRAGMA synchronous").scalar_one()
        mode = conn.exec_driver_sql("PRAGMA journal_mode").scalar_one()
    print(f"  PRAGMA synchronous={sync} ({ {v: k for k, v in SYNC.items()}.get(sync)}), journal_mode={mode}")
    engine = QueueEngine(config, db, clock=clock_from(time.time()))
    engine.issue("ho-tich")  # warm-up: first connection, day row
    lat, total = run_issue(engine, args.issues)
    print(f"  issue: {args.issues / total:,.0f} tickets/s ({args.issues} issued, the queue grows to "
          f"{args.issues + 1} waiting)")
    print(summary("issue", lat))
    quarter = len(lat) // 4
    print(summary("issue, first quarter", lat[:quarter]))
    print(summary("issue, last quarter", lat[-quarter:]))
    db.dispose()

    for queue in args.queue:
        config, db = fresh(root, f"a-call-{queue}", args.synchronous)
        engine = QueueEngine(config, db, clock=clock_from(time.time()))
        call_lat, finish_lat, lengths = run_calls(engine, args.calls, queue)
        print(f"  call_next + finish with {min(lengths)}-{max(lengths)} waiting, "
              f"{args.calls} calls at quay-1/quay-2/quay-5 in turn:")
        print(summary("call_next", call_lat))
        print(summary("finish", finish_lat))
        db.dispose()


def raw_floor(root: Path, synchronous: str, n: int = 500) -> None:
    path = root / "raw.db"
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute(f"PRAGMA synchronous={synchronous.upper()}")
    conn.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)")
    lat = []
    for i in range(n):
        t0 = time.perf_counter()
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("INSERT INTO t (v) VALUES (?)", (str(i),))
        conn.execute("COMMIT")
        lat.append(time.perf_counter() - t0)
    conn.close()
    print(f"raw SQLite floor, synchronous={synchronous.upper()} (no engine, no SQLAlchemy)")
    print(summary("BEGIN;INSERT;COMMIT", lat))


# -- (b) several processes --------------------------------------------------------------------
def _worker(data_dir: str, synchronous: str, counter: str, n: int, epoch: float,
            barrier, results) -> None:
    config = bench_config(Path(data_dir))
    db = open_db(config, synchronous)
    engine = QueueEngine(config, db, clock=clock_from(epoch))
    fields = [f.id for f in config.fields]
    engine.waiting()  # warm up the connection
    issue_lat, call_lat, finish_lat, empty = [], [], [], 0
    barrier.wait()
    start = time.perf_counter()
    for i in range(n):
        t0 = time.perf_counter()
        engine.issue(fields[i % len(fields)])
        t1 = time.perf_counter()
        ticket = engine.call_next(counter)
        t2 = time.perf_counter()
        issue_lat.append(t1 - t0)
        call_lat.append(t2 - t1)
        if ticket is None:
            empty += 1
            continue
        engine.finish(counter)
        finish_lat.append(time.perf_counter() - t2)
    end = time.perf_counter()
    db.dispose()
    results.put((counter, start, end, issue_lat, call_lat, finish_lat, empty))


def part_b(root: Path, args: argparse.Namespace) -> None:
    print(f"(b) {args.procs} processes at once on one file, synchronous={args.synchronous.upper()}")
    config, db = fresh(root, "b", args.synchronous)
    epoch = time.time()
    engine = QueueEngine(config, db, clock=clock_from(epoch))
    fields = [f.id for f in config.fields]
    for i in range(max(args.queue)):
        engine.issue(fields[i % len(fields)])
    db.dispose()
    ctx = mp.get_context("spawn")
    barrier, results = ctx.Barrier(args.procs), ctx.Queue()
    counters = ["quay-1", "quay-2", "quay-5", "quay-4", "quay-3"]
    procs = [ctx.Process(target=_worker, args=(str(root / "b"), args.synchronous, counters[i % 5],
                                               args.per_proc, epoch, barrier, results))
             for i in range(args.procs)]
    for p in procs:
        p.start()
    out = [results.get(timeout=600) for _ in procs]
    for p in procs:
        p.join()
    wall = max(o[2] for o in out) - min(o[1] for o in out)
    issues = sum(len(o[3]) for o in out)
    calls = sum(len(o[5]) for o in out)
    ops = issues + sum(len(o[4]) for o in out) + calls
    print(f"  {issues} issues, {calls} calls served (+{sum(o[6] for o in out)} empty call_next), "
          f"{ops} transactions in {wall:.2f} s: {issues / wall:,.0f} issues/s, {ops / wall:,.0f} tx/s")
    print(summary("issue", [x for o in out for x in o[3]]))
    print(summary("call_next", [x for o in out for x in o[4]]))
    print(summary("finish", [x for o in out for x in o[5]]))


def profile_a(root: Path, args: argparse.Namespace) -> None:
    config, db = fresh(root, "profile-issue", args.synchronous)
    issuer = QueueEngine(config, db, clock=clock_from(time.time()))
    issuer.issue("ho-tich")
    config2, db2 = fresh(root, "profile-call", args.synchronous)
    caller = QueueEngine(config2, db2, clock=clock_from(time.time()))
    caller.issue("ho-tich")
    prof = cProfile.Profile()
    prof.enable()
    run_issue(issuer, min(args.issues, 500))
    run_calls(caller, min(args.calls, 300), max(args.queue))
    prof.disable()
    db.dispose()
    db2.dispose()
    for key in ("tottime", "cumulative"):
        buf = io.StringIO()
        pstats.Stats(prof, stream=buf).strip_dirs().sort_stats(key).print_stats(args.top)
        text = buf.getvalue()
        print(f"profile of (a), by {key}:")
        print(text[text.index("ncalls"):] if "ncalls" in text else text)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--issues", type=int, default=1000, help="(a) tickets to issue (default 1000)")
    p.add_argument("--calls", type=int, default=500, help="(a) call_next + finish rounds (default 500)")
    p.add_argument("--queue", type=lambda v: [int(x) for x in v.split(",")], default=[50, 200],
                   help="tickets kept waiting while calling, comma-separated (default 50,200)")
    p.add_argument("--procs", type=int, default=4, help="(b) processes (default 4; 0 skips (b))")
    p.add_argument("--per-proc", type=int, default=250, help="(b) issue + call rounds per process")
    p.add_argument("--synchronous", choices=sorted(SYNC), default="full",
                   help="PRAGMA synchronous (default full, as the server runs)")
    p.add_argument("--profile", action="store_true", help="also print a cProfile of part (a)")
    p.add_argument("--top", type=int, default=25, help="profile rows to print")
    p.add_argument("--data-dir", help="where to put the databases (default: a temporary dir)")
    args = p.parse_args(argv)

    print(f"motcua engine benchmark on {machine()}")
    with tempfile.TemporaryDirectory(prefix="motcua-bench-", dir=args.data_dir) as tmp:
        root = Path(tmp)
        print(f"data dir {root} ({os.statvfs(root).f_bsize} B blocks)")
        raw_floor(root, args.synchronous)
        part_a(root, args)
        if args.procs:
            part_b(root, args)
        if args.profile:
            profile_a(root, args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
