"""Helper processes and shared checks for the storage concurrency and crash tests.

Run as a script, one worker drives a :class:`QueueEngine` on the SQLite file of a data dir and
prints one JSON line per acknowledged operation, flushed right after the engine call returned
(that is, after the commit)::

    python _workers.py MODE --data-dir DIR [--n N] [--fields a,b] [--counter quay-1]
                       [--request-ids r1,r2] [--go FILE] [--epoch T]

Modes: ``issue`` (N tickets round-robin over the fields; N=0: until refused or killed),
``call`` (call_next then finish at one counter, N times or until nobody waits; N=0: until
nobody waits or killed), ``mix`` (issue, and every second step call_next + finish),
``idem`` (issue once per request id, in the order given).

With ``--go FILE`` the worker prints ``{"op": "ready"}`` once it is set up and waits until FILE
exists, so several processes start writing at the same moment.

Imported by the tests (by path), it offers :func:`consistency_problems` and the clock helpers.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
import time
import tomllib
from collections import Counter
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # run as a script from anywhere
    sys.path.insert(0, str(ROOT))

from sqlalchemy import select, text  # noqa: E402

from config import Config, parse_config  # noqa: E402
from motcua.core.queue import QueueEngine, QueueError  # noqa: E402
from motcua.core.queue.model import AT_COUNTER_STATES  # noqa: E402
from motcua.core.storage import Database  # noqa: E402
from motcua.core.storage import tables as t  # noqa: E402

DEMO_CONFIG = ROOT / "config" / "demo.toml"
VN = ZoneInfo("Asia/Ho_Chi_Minh")
BASE = datetime(2026, 11, 25, 9, 0, tzinfo=VN)
"""Every worker's clock starts here (a Wednesday morning, the same day as the tests' FakeClock)."""


def demo_config(data_dir: Path | str, **sections: object) -> Config:
    """The demo config on ``data_dir`` with some sections merged in (like conftest's make_config)."""
    data = tomllib.loads(DEMO_CONFIG.read_text(encoding="utf-8"))
    for key, value in sections.items():
        if isinstance(value, dict) and isinstance(data.get(key), dict):
            data[key] = {**data[key], **value}
        else:
            data[key] = value
    return parse_config(data, source=DEMO_CONFIG, env={"MOTCUA_DATA_DIR": str(data_dir)})


def shared_clock(epoch: float) -> Callable[[], datetime]:
    """A clock that runs in real time from :data:`BASE`, the same in every process given the same
    ``epoch`` (a ``time.time()`` value), so the service day never changes during a test."""
    return lambda: BASE + timedelta(seconds=time.time() - epoch)


# -- checks shared by the tests ---------------------------------------------------------------
def consistency_problems(db: Database, config: Config) -> list[str]:
    """Everything that is wrong with the queue data in ``db`` (empty when consistent).

    Checks SQLite's integrity and foreign keys; per day and field, sequence numbers 1..max with
    no gap nor duplicate, ``sequences.last_seq`` equal to that max and every printed number
    matching its sequence; one ``ticket.issued`` event per ticket; ``call_count`` equal to the
    number of call and recall events since its last transfer; and that the tickets at counters and the counters'
    ``current_ticket_id`` agree one to one.
    """
    problems: list[str] = []
    fields = {f.id: f for f in config.fields}
    with db.read() as conn:
        if db.is_sqlite:
            integrity = [r[0] for r in conn.exec_driver_sql("PRAGMA integrity_check").all()]
            if integrity != ["ok"]:
                problems.append(f"integrity_check: {integrity}")
            fk = conn.exec_driver_sql("PRAGMA foreign_key_check").all()
            if fk:
                problems.append(f"foreign_key_check: {fk}")
        tickets = conn.execute(select(t.tickets)).all()
        seqs = {(r.day, r.field_id): r.last_seq for r in conn.execute(select(t.sequences))}
        events = conn.execute(select(t.audit_log.c.kind, t.audit_log.c.ticket_id)
                              .order_by(t.audit_log.c.id)).all()
        counters = conn.execute(select(t.counter_states)).all()

    by_key: dict[tuple[str, str], list[int]] = {}
    for r in tickets:
        by_key.setdefault((r.day, r.origin_field_id), []).append(r.seq)
        if r.number != fields[r.origin_field_id].numbering.format(r.seq):
            problems.append(f"ticket {r.id}: number {r.number} does not match seq {r.seq}")
    for key, got in by_key.items():
        if sorted(got) != list(range(1, len(got) + 1)):
            problems.append(f"{key}: sequence numbers are not 1..{len(got)}: {sorted(got)}")
        if seqs.get(key) != max(got):
            problems.append(f"{key}: sequences.last_seq={seqs.get(key)} but max seq={max(got)}")

    kinds = Counter((kind, tid) for kind, tid in events)
    calls_here: Counter = Counter()  # calls since the ticket's last transfer: counted afresh there
    for kind, tid in events:
        if kind == "ticket.transferred":
            calls_here[tid] = 0
        elif kind in ("ticket.called", "ticket.recalled"):
            calls_here[tid] += 1
    for r in tickets:
        if kinds[("ticket.issued", r.id)] != 1:
            problems.append(f"ticket {r.id}: {kinds[('ticket.issued', r.id)]} ticket.issued events")
        if calls_here[r.id] != r.call_count:
            problems.append(f"ticket {r.id}: call_count={r.call_count} but {calls_here[r.id]} call "
                            "events since its last transfer")

    current = [c.current_ticket_id for c in counters if c.current_ticket_id is not None]
    if len(current) != len(set(current)):
        problems.append(f"one ticket is current at two counters: {sorted(current)}")
    rows = {r.id: r for r in tickets}
    for c in counters:
        if c.current_ticket_id is None:
            continue
        row = rows.get(c.current_ticket_id)
        if row is None or row.state not in AT_COUNTER_STATES or row.counter_id != c.counter_id:
            problems.append(f"{c.counter_id}: current ticket {c.current_ticket_id} is "
                            f"{None if row is None else (row.state, row.counter_id)}")
    for r in tickets:
        if r.state in AT_COUNTER_STATES and r.id not in current:
            problems.append(f"ticket {r.id} is {r.state} at {r.counter_id} but no counter has it")
    return problems


def call_events(db: Database) -> Counter[int]:
    """How many ``ticket.called`` audit events each ticket id has."""
    with db.read() as conn:
        rows = conn.execute(
            select(t.audit_log.c.ticket_id).where(t.audit_log.c.kind == "ticket.called")).all()
    return Counter(r[0] for r in rows)


def parse_lines(lines: Iterable[str]) -> list[dict]:
    """The JSON records of a worker's stdout (a torn last line after a kill is dropped)."""
    out = []
    for line in lines:
        line = line.strip()
        if not line:
            continue
        with contextlib.suppress(json.JSONDecodeError):
            out.append(json.loads(line))
    return out


def sqlite_scalar(db: Database, sql: str) -> object:
    with db.read() as conn:
        return conn.execute(text(sql)).scalar_one()


# -- the worker process -----------------------------------------------------------------------
def _emit(**record: object) -> None:
    sys.stdout.write(json.dumps(record) + "\n")
    sys.stdout.flush()


def _ticket_record(op: str, ticket, **extra: object) -> None:
    _emit(op=op, id=ticket.id, number=ticket.number, field_id=ticket.field_id, **extra)


def _wait_for(go: Path, timeout_s: float = 120.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not go.exists():
        if time.monotonic() > deadline:
            raise SystemExit(f"gave up waiting for {go}")
        time.sleep(0.002)


def _call_once(engine: QueueEngine, counter: str) -> bool:
    """call_next then finish at ``counter``; False when nobody waits."""
    ticket = engine.call_next(counter)
    if ticket is None:
        return False
    _ticket_record("call", ticket, counter=counter)
    engine.finish(counter)
    _emit(op="finish", id=ticket.id, counter=counter)
    return True


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("mode", choices=["issue", "call", "mix", "idem"])
    p.add_argument("--data-dir", required=True)
    p.add_argument("--n", type=int, default=10)
    p.add_argument("--fields", default="ho-tich")
    p.add_argument("--counter", default="quay-1")
    p.add_argument("--request-ids", default="")
    p.add_argument("--go", default="")
    p.add_argument("--epoch", type=float, default=None)
    args = p.parse_args(argv)

    config = demo_config(args.data_dir)
    db = Database(config.database_url)  # the test has run the migrations already
    engine = QueueEngine(config, db, clock=shared_clock(args.epoch or time.time()))
    fields = args.fields.split(",")
    engine.waiting()  # warm up imports and the connection before the start signal
    if args.go:
        _emit(op="ready")
        _wait_for(Path(args.go))

    i = 0
    try:
        while args.n == 0 or i < args.n:
            if args.mode == "issue":
                ticket, created = engine.issue(fields[i % len(fields)])
                _ticket_record("issue", ticket, created=created)
            elif args.mode == "call":
                if not _call_once(engine, args.counter):
                    break
            elif args.mode == "mix":
                ticket, created = engine.issue(fields[i % len(fields)])
                _ticket_record("issue", ticket, created=created)
                if i % 2:
                    _call_once(engine, args.counter)
            else:  # idem
                ids = args.request_ids.split(",")
                if i >= len(ids):
                    break
                ticket, created = engine.issue(fields[0], request_id=ids[i])
                _ticket_record("issue", ticket, created=created, request_id=ids[i])
            i += 1
    except QueueError as exc:
        _emit(op="refused", code=exc.code)
    _emit(op="done")
    db.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
