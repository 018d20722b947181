"""The queue engine on one real SQLite file shared by threads and processes.

Invariants checked: numbers are distinct and contiguous from the field's first number, one per
acknowledged ticket; no ticket is called at two counters nor lost; the same ``request_id`` gives one
ticket; the audit log and the counters agree with the tickets (see ``_workers.consistency_problems``).
No assertion depends on wall-clock time.
"""

from __future__ import annotations

import importlib.util
import random
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import func, select

from config import Config
from motcua.core.queue import QueueEngine, QueueError
from motcua.core.storage import Database
from motcua.core.storage import tables as t

HERE = Path(__file__).resolve().parent
WORKER = HERE / "_workers.py"
_spec = importlib.util.spec_from_file_location("motcua_storage_workers", WORKER)
W = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(W)

JOIN_TIMEOUT_S = 60


# -- helpers ----------------------------------------------------------------------------------
def run_threads(targets: list[Callable[[], object]]) -> tuple[list[object], list[BaseException]]:
    """Run the callables in threads released together; their results and exceptions."""
    barrier = threading.Barrier(len(targets))
    results: list[object] = [None] * len(targets)
    errors: list[BaseException] = []

    def runner(i: int, fn: Callable[[], object]) -> None:
        try:
            barrier.wait()
            results[i] = fn()
        except BaseException as exc:  # reported to the test
            errors.append(exc)

    threads = [threading.Thread(target=runner, args=(i, fn), daemon=True) for i, fn in enumerate(targets)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(JOIN_TIMEOUT_S)
    assert not any(th.is_alive() for th in threads), "a worker thread hung"
    return results, errors


def engines(config: Config, db: Database, clock, n: int, shared: bool) -> list[QueueEngine]:
    if shared:
        return [QueueEngine(config, db, clock=clock)] * n
    return [QueueEngine(config, db, clock=clock) for _ in range(n)]


def db_tickets(db: Database) -> dict[int, object]:
    with db.read() as conn:
        return {r.id: r for r in conn.execute(select(t.tickets))}


def expected_numbers(first: int, count: int) -> list[str]:
    return [str(first + i) for i in range(count)]


def start_workers(tmp: Path, data_dir: Path, specs: list[list[str]],
                  epoch: float | None = None) -> list[subprocess.Popen]:
    """Start one worker per argument list; return once all are ready and released together."""
    go = tmp / "go"
    epoch = time.time() if epoch is None else epoch
    procs = [
        subprocess.Popen(
            [sys.executable, str(WORKER), *spec, "--data-dir", str(data_dir), "--go", str(go),
             "--epoch", repr(epoch)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=tmp,
        )
        for spec in specs
    ]
    try:
        for p in procs:
            line = p.stdout.readline()
            assert '"ready"' in line, f"worker did not start: {line!r} {p.stderr.read()}"
    except BaseException:
        for p in procs:
            p.kill()
        raise
    go.touch()
    return procs


def finish_workers(procs: list[subprocess.Popen]) -> list[list[dict]]:
    """Wait for the workers; their JSON records. Fails on a crash or an unfinished run."""
    out = []
    try:
        for p in procs:
            stdout, stderr = p.communicate(timeout=JOIN_TIMEOUT_S)
            assert p.returncode == 0, stderr
            records = W.parse_lines(stdout.splitlines())
            assert records and records[-1]["op"] == "done", stderr
            out.append(records)
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
                p.wait()
    return out


# -- threads ----------------------------------------------------------------------------------
@pytest.mark.parametrize("shared", [False, True], ids=["own-engines", "shared-engine"])
def test_threads_issue_distinct_contiguous_numbers(config, db, clock, shared):
    n_threads, per_thread = 8, 20
    engs = engines(config, db, clock, n_threads, shared)

    def issue(eng: QueueEngine) -> list[tuple[int, str, bool]]:
        out = []
        for _ in range(per_thread):
            ticket, created = eng.issue("ho-tich")
            out.append((ticket.id, ticket.number, created))
        return out

    results, errors = run_threads([lambda e=e: issue(e) for e in engs])
    assert errors == []
    acked = [r for chunk in results for r in chunk]
    assert len(acked) == n_threads * per_thread
    assert all(created for _, _, created in acked)
    numbers = sorted(n for _, n, _ in acked)
    assert numbers == expected_numbers(1001, len(acked))  # distinct, contiguous, none lost
    rows = db_tickets(db)
    assert {i: rows[i].number for i, _, _ in acked} == {i: n for i, n, _ in acked}
    assert len(rows) == len(acked)
    assert W.consistency_problems(db, config) == []


def test_threads_racing_for_the_last_numbers_stop_exactly_at_the_daily_cap(config, db, clock):
    cap = next(f.daily_cap for f in config.fields if f.id == "ho-tich")  # 200
    n_threads, per_thread = 8, 30  # 240 attempts

    def issue(eng: QueueEngine) -> tuple[list[str], list[str]]:
        numbers, refusals = [], []
        for _ in range(per_thread):
            try:
                numbers.append(eng.issue("ho-tich")[0].number)
            except QueueError as exc:
                refusals.append(exc.code)
        return numbers, refusals

    engs = engines(config, db, clock, n_threads, False)
    results, errors = run_threads([lambda e=e: issue(e) for e in engs])
    assert errors == []
    numbers = sorted(n for nums, _ in results for n in nums)
    refusals = [c for _, codes in results for c in codes]
    assert numbers == expected_numbers(1001, cap)
    assert refusals == ["daily_cap"] * (n_threads * per_thread - cap)
    assert W.consistency_problems(db, config) == []


def test_threads_racing_for_the_last_places_stop_exactly_at_max_waiting(make_config, db, clock):
    cfg = make_config(queue={"max_waiting": 40})
    n_threads, per_thread = 8, 10

    def issue(eng: QueueEngine) -> int:
        ok = 0
        for i in range(per_thread):
            try:
                eng.issue("ho-tich" if i % 2 else "chung-thuc")
                ok += 1
            except QueueError as exc:
                assert exc.code == "hall_full"
        return ok

    results, errors = run_threads([lambda e=e: issue(e) for e in engines(cfg, db, clock, n_threads, False)])
    assert errors == []
    assert sum(results) == 40
    assert len(db_tickets(db)) == 40
    assert W.consistency_problems(db, cfg) == []


@pytest.mark.parametrize("shared", [False, True], ids=["own-engines", "shared-engine"])
def test_threads_calling_from_counters_sharing_fields_call_each_ticket_once(config, db, clock, shared):
    issuer = QueueEngine(config, db, clock=clock)
    issued = []
    for i in range(120):
        service = "ho-tich" if i % 2 else "chung-thuc"
        issued.append(issuer.issue(service, priority=i % 9 == 0)[0].id)
    # Two threads per counter at quay-1 and quay-2 (both serve ho-tich and chung-thuc), one at
    # quay-5 (serves every field).
    counters = ["quay-1", "quay-2", "quay-1", "quay-2", "quay-5"]
    engs = engines(config, db, clock, len(counters), shared)

    def serve(eng: QueueEngine, counter: str) -> list[tuple[int, str]]:
        called = []
        while (ticket := eng.call_next(counter)) is not None:
            assert ticket.state == "called" and ticket.counter_id == counter
            called.append((ticket.id, counter))
            try:
                eng.finish(counter)
            except QueueError as exc:  # the other thread at this counter moved it on already
                assert exc.code == "no_current_ticket"
        return called

    results, errors = run_threads([lambda e=e, c=c: serve(e, c) for e, c in zip(engs, counters, strict=True)])
    assert errors == []
    called = [x for chunk in results for x in chunk]
    ids = [i for i, _ in called]
    assert sorted(ids) == sorted(issued)  # every ticket called, none twice
    assert W.call_events(db) == Counter(issued)  # exactly one ticket.called event each
    rows = db_tickets(db)
    assert {r.state for r in rows.values()} == {"done"}
    assert {i: rows[i].counter_id for i, _ in called} == dict(called)
    with db.read() as conn:
        assert conn.execute(select(func.count()).select_from(t.counter_states)
                            .where(t.counter_states.c.current_ticket_id.is_not(None))).scalar_one() == 0
    assert W.consistency_problems(db, config) == []


def test_threads_random_counter_work_keeps_queue_consistent(config, db, clock):
    """Every counter does a seeded random mix of call, recall, skip, call-missed, transfer, pause
    and finish while a kiosk thread issues: no unexpected error, and the data stays consistent."""
    counters = ["quay-1", "quay-2", "quay-3", "quay-4", "quay-5"]
    fields = [f.id for f in config.fields]
    allowed = {"no_current_ticket", "too_early", "not_missed", "bad_transfer"}

    def kiosk(eng: QueueEngine) -> int:
        rnd = random.Random(99)
        for _ in range(150):
            eng.issue(rnd.choice(fields), priority=rnd.random() < 0.1)
        return 150

    def officer(eng: QueueEngine, counter: str, seed: int) -> Counter[str]:
        rnd = random.Random(seed)
        done: Counter[str] = Counter()
        for _ in range(80):
            op = rnd.choice(["call", "call", "call", "finish", "recall", "skip", "missed",
                             "transfer_field", "transfer_counter", "pause"])
            try:
                if op == "call":
                    eng.call_next(counter)
                elif op == "finish":
                    eng.finish(counter)
                elif op == "recall":
                    eng.recall(counter)
                elif op == "skip":
                    eng.skip(counter)
                elif op == "missed":
                    missed = eng.missed(counter)
                    if missed:
                        eng.call_missed(counter, missed[-1].id)
                elif op == "transfer_field":
                    eng.transfer(counter, field_id=rnd.choice(fields))
                elif op == "transfer_counter":
                    eng.transfer(counter, to_counter_id=rnd.choice(counters))
                else:
                    eng.pause(counter, "Đi họp")
                done[op] += 1
            except QueueError as exc:
                assert exc.code in allowed, exc
        return done

    engs = engines(config, db, clock, len(counters) + 1, False)
    targets: list[Callable[[], object]] = [lambda: kiosk(engs[0])]
    targets += [lambda e=e, c=c, i=i: officer(e, c, i)
                for i, (e, c) in enumerate(zip(engs[1:], counters, strict=True))]
    results, errors = run_threads(targets)
    assert errors == []
    assert sum(sum(r.values()) for r in results[1:]) > 0
    assert W.consistency_problems(db, config) == []
    rows = db_tickets(db)
    assert len(rows) == 150
    called = W.call_events(db)
    for r in rows.values():  # called at most once per stay in a queue
        if r.state == "waiting":
            assert called[r.id] == 0


def test_threads_same_request_id_get_one_ticket(config, db, clock):
    n_threads = 8
    engs = engines(config, db, clock, n_threads, False)

    def issue(eng: QueueEngine, k: int) -> list[tuple[str, int, str, bool]]:
        out = []
        for j in range(10):
            rid = f"kiosk-1:{(j + k) % 10}"  # every thread asks for the same ten, in its own order
            ticket, created = eng.issue("chung-thuc", request_id=rid)
            out.append((rid, ticket.id, ticket.number, created))
        return out

    results, errors = run_threads([lambda e=e, k=k: issue(e, k) for k, e in enumerate(engs)])
    assert errors == []
    answers = [x for chunk in results for x in chunk]
    by_rid: dict[str, set[tuple[int, str]]] = {}
    for rid, tid, number, _ in answers:
        by_rid.setdefault(rid, set()).add((tid, number))
    assert all(len(v) == 1 for v in by_rid.values()), by_rid
    assert Counter(rid for rid, _, _, created in answers if created) == Counter(by_rid.keys())
    rows = db_tickets(db)
    assert sorted(r.request_id for r in rows.values()) == sorted(by_rid)
    assert sorted(r.number for r in rows.values()) == expected_numbers(2001, 10)
    assert W.consistency_problems(db, config) == []


def test_threads_rating_presses_are_counted_once_and_attributed_once(config, db, clock):
    issuer = QueueEngine(config, db, clock=clock)
    issuer.issue("ho-tich")
    served = issuer.call_next("quay-1")
    issuer.finish("quay-1")
    presses = [f"00000000-0000-4000-8000-{i:012d}" for i in range(5)]
    engs = engines(config, db, clock, 8, False)

    def press(eng: QueueEngine, k: int) -> list[tuple[str, int, bool]]:
        out = []
        for j in range(len(presses)):
            key = presses[(j + k) % len(presses)]  # the station retries every press, in any order
            rec, created = eng.record_rating(key, "quay-1", "satisfied", clock.now)
            out.append((key, rec.id, created))
        return out

    results, errors = run_threads([lambda e=e, k=k: press(e, k) for k, e in enumerate(engs)])
    assert errors == []
    answers = [x for chunk in results for x in chunk]
    assert Counter(key for key, _, created in answers if created) == Counter(presses)
    assert len({(key, rid) for key, rid, _ in answers}) == len(presses)
    with db.read() as conn:
        rows = conn.execute(select(t.ratings)).all()
        recorded = conn.execute(select(func.count()).select_from(t.audit_log)
                                .where(t.audit_log.c.kind == "rating.recorded")).scalar_one()
    assert sorted(r.rating_id for r in rows) == presses
    assert [r.ticket_id for r in rows].count(served.id) == 1  # one rating per ticket
    assert recorded == len(presses)


# -- processes --------------------------------------------------------------------------------
@pytest.mark.slow
def test_processes_issue_on_one_field(config, db, tmp_path, data_dir):
    per_worker = 40
    procs = start_workers(tmp_path, data_dir, [["issue", "--n", str(per_worker)]] * 4)
    records = [r for out in finish_workers(procs) for r in out if r["op"] == "issue"]
    assert len(records) == 4 * per_worker
    assert sorted(r["number"] for r in records) == expected_numbers(1001, len(records))
    rows = db_tickets(db)
    assert len(rows) == len(records)
    assert {r["id"]: r["number"] for r in records} == {i: rows[i].number for i in rows}
    assert W.consistency_problems(db, config) == []


@pytest.mark.slow
def test_processes_issuing_and_calling_at_once(config, db, tmp_path, data_dir):
    per_worker = 40
    specs = [
        ["mix", "--n", str(per_worker), "--counter", "quay-1", "--fields", "ho-tich,chung-thuc"],
        ["mix", "--n", str(per_worker), "--counter", "quay-2", "--fields", "chung-thuc,ho-tich"],
        ["mix", "--n", str(per_worker), "--counter", "quay-5", "--fields", "ho-tich,dat-dai"],
        ["mix", "--n", str(per_worker), "--counter", "quay-3", "--fields", "dat-dai,chung-thuc"],
    ]
    epoch = time.time()
    outs = finish_workers(start_workers(tmp_path, data_dir, specs, epoch))
    issued = [r for out in outs for r in out if r["op"] == "issue"]
    called = [r for out in outs for r in out if r["op"] == "call"]
    assert len(issued) == 4 * per_worker
    assert len({r["id"] for r in called}) == len(called)  # no ticket called by two processes

    rows = db_tickets(db)
    assert {r["id"]: r["number"] for r in issued} == {i: rows[i].number for i in rows}
    for service, first in (("ho-tich", 1001), ("chung-thuc", 2001), ("dat-dai", 3001)):
        got = sorted(r["number"] for r in issued if r["field_id"] == service)
        assert got == expected_numbers(first, len(got))
    for r in called:
        assert rows[r["id"]].counter_id == r["counter"]
        assert rows[r["id"]].state == "done"
    assert W.consistency_problems(db, config) == []

    # Serve whoever is still waiting: then every ticket has been called exactly once.
    drain = QueueEngine(config, db, clock=W.shared_clock(epoch))
    while drain.call_next("quay-5") is not None:
        pass
    assert W.call_events(db) == Counter(rows.keys())
    assert {r.state for r in db_tickets(db).values()} == {"done"}
    assert W.consistency_problems(db, config) == []


@pytest.mark.slow
def test_processes_same_request_ids_get_one_ticket_each(config, db, tmp_path, data_dir):
    rids = [f"kiosk-1:{i:03d}" for i in range(30)]
    orders = [rids, rids[::-1], rids[10:] + rids[:10], rids[::2] + rids[1::2]]
    specs = [["idem", "--n", "0", "--fields", "ho-tich", "--request-ids", ",".join(o)] for o in orders]
    answers = [r for out in finish_workers(start_workers(tmp_path, data_dir, specs))
               for r in out if r["op"] == "issue"]
    assert len(answers) == 4 * len(rids)
    by_rid: dict[str, set[tuple[int, str]]] = {}
    for r in answers:
        by_rid.setdefault(r["request_id"], set()).add((r["id"], r["number"]))
    assert all(len(v) == 1 for v in by_rid.values()), by_rid
    assert Counter(r["request_id"] for r in answers if r["created"]) == Counter(rids)
    rows = db_tickets(db)
    assert len(rows) == len(rids)
    stored = {r.request_id: (r.id, r.number) for r in rows.values()}
    assert stored == {k: next(iter(v)) for k, v in by_rid.items()}
    assert sorted(r.number for r in rows.values()) == expected_numbers(1001, len(rids))
    assert W.consistency_problems(db, config) == []
