"""Crash safety: workers killed with SIGKILL in the middle of their writes lose nothing they
acknowledged, and the database they leave is consistent and carries on where it stopped.

A worker prints each ticket after the engine call returned, i.e. after the commit: a printed
ticket is an acknowledged one. SIGKILL stops the process at an arbitrary point (often inside a
transaction); it does not cut the power, so this checks transaction atomicity and WAL recovery,
not fsync (that is what ``synchronous=FULL`` is for, and it is checked to be on). A transaction
the engine itself rolls back (a refusal) must likewise leave nothing behind, in memory included.
"""

from __future__ import annotations

import importlib.util
import os
import selectors
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from config import Config
from motcua.core.queue import QueueEngine, QueueError
from motcua.core.storage import Database, upgrade
from motcua.core.storage import tables as t

HERE = Path(__file__).resolve().parent
WORKER = HERE / "_workers.py"
_spec = importlib.util.spec_from_file_location("motcua_storage_workers", WORKER)
W = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(W)

READ_TIMEOUT_S = 60


class Worker:
    """One worker process whose acknowledgements the test reads as they come."""

    def __init__(self, tmp: Path, data_dir: Path, epoch: float, go: Path, *args: str):
        self.proc = subprocess.Popen(
            [sys.executable, str(WORKER), *args, "--data-dir", str(data_dir), "--epoch", repr(epoch),
             "--go", str(go)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=tmp,
        )
        self.records: list[dict] = []
        self.stderr = ""
        self._buf = b""
        self.eof = False

    def _feed(self, chunk: bytes) -> None:
        self._buf += chunk
        *lines, self._buf = self._buf.split(b"\n")
        self.records.extend(W.parse_lines(x.decode() for x in lines))

    def kill(self) -> None:
        """SIGKILL, then collect what it had flushed before dying."""
        if self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGKILL)
        rest, err = self.proc.communicate(timeout=READ_TIMEOUT_S)
        self._feed(rest + b"\n")
        self.stderr = err.decode(errors="replace")

    def acked(self, op: str) -> list[dict]:
        return [r for r in self.records if r["op"] == op]


def start(go: Path, workers: list[Worker]) -> None:
    """Release the workers (started with ``go``) together once each is ready."""
    read_until(workers, lambda: all(any(r["op"] == "ready" for r in w.records) for w in workers))
    go.touch()


def read_until(workers: list[Worker], done: Callable[[], bool]) -> None:
    """Read the workers' output as it comes until ``done()``; fails if they all stop first."""
    deadline = time.monotonic() + READ_TIMEOUT_S
    with selectors.DefaultSelector() as sel:
        for w in workers:
            sel.register(w.proc.stdout, selectors.EVENT_READ, w)
        while not done():
            if not sel.get_map() or time.monotonic() > deadline:
                for w in workers:
                    w.kill()
                raise AssertionError("workers stopped early: "
                                     + " | ".join(f"{w.records[-2:]} {w.stderr}" for w in workers))
            for key, _ in sel.select(timeout=1.0):
                w = key.data
                chunk = os.read(w.proc.stdout.fileno(), 65536)
                if chunk:
                    w._feed(chunk)
                else:
                    sel.unregister(w.proc.stdout)


def count(workers: list[Worker], op: str) -> int:
    return sum(len(w.acked(op)) for w in workers)


def reopen(config: Config) -> Database:
    """What a restarted server does: a new connection pool, then the migrations."""
    db = Database(config.database_url)
    upgrade(db)
    return db


def tickets(db: Database) -> dict[int, object]:
    with db.read() as conn:
        return {r.id: r for r in conn.execute(select(t.tickets))}


@pytest.mark.slow
def test_killed_while_issuing_loses_no_acknowledged_ticket(config, db, tmp_path, data_dir):
    with db.read() as conn:
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar_one() == 2  # FULL
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar_one() == "wal"
    db.dispose()
    acked: list[dict] = []
    epoch = time.time()
    for rounds in range(1, 4):  # kill, restart, kill again: recovery on top of recovery
        go = tmp_path / f"go-{rounds}"
        w = Worker(tmp_path, data_dir, epoch, go, "issue", "--n", "0", "--fields", "chung-thuc")
        start(go, [w])
        read_until([w], lambda w=w: count([w], "issue") >= 50)
        w.kill()
        assert w.proc.returncode == -signal.SIGKILL
        acked += w.acked("issue")

        again = reopen(config)
        try:
            assert W.consistency_problems(again, config) == []
            rows = tickets(again)
            for r in acked:  # every acknowledged ticket is there, with its number
                assert rows[r["id"]].number == r["number"]
            # At most the one ticket in flight at the kill was committed but not acknowledged.
            assert 0 <= len(rows) - len(acked) <= rounds
        finally:
            again.dispose()

    again = reopen(config)
    try:
        rows = tickets(again)
        last = max(int(r.number) for r in rows.values())
        nxt, created = QueueEngine(config, again, clock=W.shared_clock(epoch)).issue("chung-thuc")
        assert created and int(nxt.number) == last + 1  # no duplicate, no gap
        assert W.consistency_problems(again, config) == []
    finally:
        again.dispose()


@pytest.mark.slow
def test_killed_while_calling_leaves_counters_and_tickets_consistent(config, db, tmp_path, data_dir):
    epoch = time.time()
    issuer = QueueEngine(config, db, clock=W.shared_clock(epoch))
    for i in range(240):
        issuer.issue("ho-tich" if i % 2 else "chung-thuc")
    db.dispose()
    calls: list[dict] = []
    issued: list[dict] = []
    for rounds in range(2):
        go = tmp_path / f"go-{rounds}"
        workers = [
            Worker(tmp_path, data_dir, epoch, go, "call", "--n", "0", "--counter", "quay-1"),
            Worker(tmp_path, data_dir, epoch, go, "call", "--n", "0", "--counter", "quay-2"),
            Worker(tmp_path, data_dir, epoch, go, "issue", "--n", "0", "--fields", "chung-thuc,ho-tich"),
        ]
        try:
            start(go, workers)
            read_until(workers, lambda ws=workers: count(ws, "call") >= 40)
        finally:
            for w in workers:
                w.kill()
        calls += workers[0].acked("call") + workers[1].acked("call")
        issued += workers[2].acked("issue")

        again = reopen(config)
        try:
            assert W.consistency_problems(again, config) == []
            rows = tickets(again)
            for r in issued:
                assert rows[r["id"]].number == r["number"]
            for r in calls:  # an acknowledged call stays with the counter that made it
                assert rows[r["id"]].counter_id == r["counter"]
                assert rows[r["id"]].state in ("called", "done")
            assert max(W.call_events(again).values()) == 1
        finally:
            again.dispose()

    # Restarted counters carry on: everyone left is served once, nobody twice.
    again = reopen(config)
    try:
        eng = QueueEngine(config, again, clock=W.shared_clock(epoch))
        while eng.call_next("quay-1") is not None:
            pass
        eng.call_next("quay-2")  # finishes whatever quay-2 had when it was killed
        rows = tickets(again)
        assert {r.state for r in rows.values()} == {"done"}
        assert W.call_events(again) == Counter(rows.keys())
        assert W.consistency_problems(again, config) == []
    finally:
        again.dispose()


def test_refused_first_write_of_the_day_does_not_skip_the_day_reset(engine, db, clock):
    """A rolled-back transaction leaves no trace in the engine either: the day reset it carried
    is done again by the next write (regression: ``_known_day`` used to be set before commit)."""
    left, _ = engine.issue("ho-tich")  # still waiting at closing time
    engine.issue("dat-dai")
    engine.call_next("quay-3")  # still at the counter at closing time
    clock.now = datetime(2026, 11, 26, 7, 0, tzinfo=clock.now.tzinfo)
    with pytest.raises(QueueError):
        engine.recall("quay-1")  # the day's first write is refused and rolled back
    engine.issue("ho-tich")
    with db.read() as conn:
        day = conn.execute(select(t.meta.c.value).where(t.meta.c.key == "day")).scalar_one()
        quay3 = conn.execute(select(t.counter_states.c.current_ticket_id)
                             .where(t.counter_states.c.counter_id == "quay-3")).scalar_one()
    assert (day, engine.ticket(left.id).state, quay3) == ("2026-11-26", "expired", None)
