"""Benchmark the reports on a generated year of a busy centre (SQLite).

Prints figures, asserts nothing. Generates (once, or again with ``--fresh``) 300 working days x
1,500 tickets with ratings for 80% of them into a SQLite file with bulk inserts, then times the
reports the province asks for::

    .venv/bin/python bench/reports.py                    # data in a temporary folder
    .venv/bin/python bench/reports.py --db /tmp/year.db  # keep the file for the next run
    .venv/bin/python bench/reports.py --days 30 --runs 3

Distributions: 6 fields (Chứng thực and Hộ tịch busiest), 12 counters, 15 officers on shifts,
arrivals peaking 08:00-10:00 and 13:30-15:00 local time, log-normal waits (median ~12 min) and
service times by field (Chứng thực ~3 min, Đất đai ~14 min), 3% no-shows, 2% left before being
called, 1% transferred; levels 70% / 27% / 3% (Rất hài lòng / Hài lòng / Không hài lòng).
Target: each report under 1 s.
"""

from __future__ import annotations

import argparse
import math
import os
import platform
import random
import sqlite3
import statistics
import sys
import tempfile
import time
import tomllib
import uuid
from datetime import date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sqlalchemy import func, select  # noqa: E402

from config import Config, parse_config  # noqa: E402
from motcua.core.reports import (  # noqa: E402
    dissatisfied_cases,
    report_table,
    satisfaction_report,
    to_xlsx,
    waiting_report,
)
from motcua.core.storage import Database, upgrade  # noqa: E402
from motcua.core.storage import tables as t  # noqa: E402

FIELD_WEIGHTS = {"ho-tich": 25, "chung-thuc": 35, "dat-dai": 10, "kinh-doanh": 8,
                 "van-hoa-xa-hoi": 10, "tra-ket-qua": 12}
SERVICE_MEDIAN_MIN = {"ho-tich": 6, "chung-thuc": 3, "dat-dai": 14, "kinh-doanh": 10,
                      "van-hoa-xa-hoi": 8, "tra-ket-qua": 2}
# Local arrival hour -> weight (07:00-11:30 and 13:00-17:00).
HOUR_WEIGHTS = {7: 10, 8: 20, 9: 19, 10: 14, 11: 3, 13: 8, 14: 13, 15: 9, 16: 4}
COUNTERS = 12
OFFICERS = 15
LEVELS = (("very_satisfied", 70), ("satisfied", 27), ("dissatisfied", 3))


def bench_config(data_dir: Path) -> Config:
    """The demo centre with 12 counters, all on the same fields as the demo's counters."""
    base = tomllib.loads((ROOT / "config" / "demo.toml").read_text(encoding="utf-8"))
    fields = [f["id"] for f in base["fields"]]
    for f in base["fields"]:
        f["daily_cap"] = 0
    base["counters"] = [{"id": f"quay-{i}", "number": i, "name": f"Quầy {i}",
                         "fields": [fields[(i - 1) % len(fields)], fields[i % len(fields)]]}
                        for i in range(1, COUNTERS + 1)]
    base["devices"] = [d for d in base["devices"] if d["kind"] == "kiosk"]
    return parse_config(base, source=ROOT / "config" / "demo.toml",
                        env={"MOTCUA_DATA_DIR": str(data_dir)})


def working_days(n: int, first: date = date(2025, 1, 2)) -> list[date]:
    days, d = [], first
    while len(days) < n:
        if d.weekday() < 5:
            days.append(d)
        d += timedelta(days=1)
    return days


def generate(db: Database, cfg: Config, days: list[date], per_day: int, rated: float, seed: int) -> None:
    """Bulk-insert officers, tickets and ratings (executemany in chunks)."""
    rng = random.Random(seed)
    zone = cfg.zone
    now = datetime(2026, 1, 1)
    with db.write() as conn:
        conn.execute(t.officers.insert(), [
            {"id": i, "username": f"canbo{i}", "full_name": f"Cán bộ số {i:02d}",
             "password_hash": "x", "role": "officer", "counters": "", "active": True,
             "created_at": now} for i in range(1, OFFICERS + 1)])
    fields = list(FIELD_WEIGHTS)
    fcum = list(_accumulate(FIELD_WEIGHTS.values()))
    hours = list(HOUR_WEIGHTS)
    hcum = list(_accumulate(HOUR_WEIGHTS.values()))
    by_field = {f: [c for c in cfg.counters if f in c.fields] for f in fields}
    level_ids = [lv for lv, _ in LEVELS]
    lcum = list(_accumulate(w for _, w in LEVELS))
    ticket_id = rating_id = 0
    for d in days:
        tickets, ratings = [], []
        seq = dict.fromkeys(fields, 0)
        offset = timedelta(seconds=zone.utcoffset(datetime(d.year, d.month, d.day, 12)).total_seconds())
        # Officers on duty today: each counter gets one of the 15 (a few rotate).
        duty = {c.id: (c.number + d.toordinal()) % OFFICERS + 1 for c in cfg.counters}
        for _ in range(per_day):
            ticket_id += 1
            f = rng.choices(fields, cum_weights=fcum)[0]
            seq[f] += 1
            hour = rng.choices(hours, cum_weights=hcum)[0]
            local = datetime(d.year, d.month, d.day, hour) + timedelta(seconds=rng.randrange(3600))
            issued = local - offset
            wait = timedelta(seconds=int(min(14400, rng.lognormvariate(math.log(720), 0.7))))
            service = timedelta(seconds=int(max(20, rng.lognormvariate(
                math.log(SERVICE_MEDIAN_MIN[f] * 60), 0.5))))
            counter = rng.choice(by_field[f])
            roll = rng.random()
            state, called, finished = "done", issued + wait, issued + wait + service
            if roll < 0.03:
                state, finished = "expired", issued + wait + timedelta(minutes=2)  # skipped, never back
            elif roll < 0.05:
                state, called, finished, counter = "expired", None, None, None  # left before a call
            transferred = 0.05 <= roll < 0.06
            num = cfg.field(f).numbering.format(seq[f])
            tickets.append({
                "id": ticket_id, "day": d.isoformat(), "origin_field_id": f, "seq": seq[f],
                "number": num, "field_id": f, "target_counter_id": None, "priority": rng.random() < 0.05,
                "transferred": transferred, "state": state, "request_id": None,
                "token": uuid.uuid4().hex[:24], "device_id": "kiosk-1", "issued_at": issued,
                "queued_at": issued, "called_at": called, "finished_at": finished,
                "counter_id": counter.id if counter else None,
                "officer_id": duty[counter.id] if counter else None, "call_count": 1 if called else 0,
                "dossier_code": f"H{d:%y%m%d}.{ticket_id:07d}" if rng.random() < 0.3 else None,
            })
            if state == "done" and rng.random() < rated / 0.95:
                rating_id += 1
                pressed = finished + timedelta(seconds=rng.randrange(5, 60))
                ratings.append({
                    "id": rating_id, "rating_id": str(uuid.UUID(int=rng.getrandbits(128))),
                    "counter_id": counter.id, "level": rng.choices(level_ids, cum_weights=lcum)[0],
                    "ticket_id": ticket_id, "officer_id": duty[counter.id], "field_id": f,
                    "pressed_at": pressed, "received_at": pressed, "source": "bench"})
        with db.write() as conn:
            conn.execute(t.tickets.insert(), tickets)
            if ratings:
                conn.execute(t.ratings.insert(), ratings)


def _accumulate(values):
    total = 0
    for v in values:
        total += v
        yield total


def timed(fn, runs: int) -> tuple[list[float], object]:
    times, result = [], None
    for _ in range(runs):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return times, result


def describe(name: str, times: list[float]) -> str:
    ms = sorted(x * 1000 for x in times)
    spread = f"min {ms[0]:7.1f}  max {ms[-1]:7.1f}"
    return f"{name:<44} median {statistics.median(ms):7.1f} ms  {spread}  (n={len(ms)})"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--db", type=Path, help="SQLite file to (re)use; default: a temporary one")
    ap.add_argument("--fresh", action="store_true", help="regenerate even if --db exists")
    ap.add_argument("--days", type=int, default=300)
    ap.add_argument("--per-day", type=int, default=1500)
    ap.add_argument("--rated", type=float, default=0.8, help="share of tickets rated")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()

    tmp = tempfile.TemporaryDirectory(prefix="motcua-bench-reports-")
    path = args.db or Path(tmp.name) / "year.db"
    if args.fresh and path.exists():
        path.unlink()
    cfg = bench_config(path.parent)
    db = Database(f"sqlite:///{path}")
    days = working_days(args.days)
    fresh = not path.exists() or args.fresh
    upgrade(db)
    with db.read() as conn:
        have = conn.execute(select(func.count()).select_from(t.tickets)).scalar_one()
    if fresh or not have:
        t0 = time.perf_counter()
        generate(db, cfg, days, args.per_day, args.rated, args.seed)
        print(f"generated {args.days} days x {args.per_day} tickets in {time.perf_counter() - t0:.1f} s")
    with db.read() as conn:
        n_t = conn.execute(select(func.count()).select_from(t.tickets)).scalar_one()
        n_r = conn.execute(select(func.count()).select_from(t.ratings)).scalar_one()
    size = path.stat().st_size / 2**20
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"{platform.machine()} {platform.processor() or platform.platform()}, {os.cpu_count()} CPUs, "
          f"load average {load}; Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}")
    print(f"SQLite file {size:.0f} MiB: {n_t:,} tickets, {n_r:,} ratings")
    start, end = days[0].isoformat(), days[-1].isoformat()
    print(f"period {start} .. {end}\n")

    month_start = days[-min(21, len(days))].isoformat()
    sat = satisfaction_report
    cases = {
        "satisfaction by officer, month (year)": lambda: sat(db, cfg, start, end, "officer,month"),
        "satisfaction by officer (year)": lambda: sat(db, cfg, start, end, "officer"),
        "satisfaction by day (year)": lambda: sat(db, cfg, start, end, "day"),
        "satisfaction by service, quarter (year)": lambda: sat(db, cfg, start, end, "service,quarter"),
        "waiting, total (year)": lambda: waiting_report(db, cfg, start, end),
        "waiting by service (year)": lambda: waiting_report(db, cfg, start, end, "service"),
        "waiting by hour (year)": lambda: waiting_report(db, cfg, start, end, "hour"),
        "waiting by officer, month (year)": lambda: waiting_report(db, cfg, start, end, "officer,month"),
        "satisfaction by officer (one month)": lambda: sat(db, cfg, month_start, end, "officer"),
        "waiting by counter (one month)": lambda: waiting_report(db, cfg, month_start, end, "counter"),
        "dissatisfied cases (year)": lambda: dissatisfied_cases(db, cfg, start, end),
    }
    results = {}
    for name, fn in cases.items():
        fn()  # warm the page cache
        times, results[name] = timed(fn, args.runs)
        print(describe(name, times))
    rep = results["satisfaction by officer, month (year)"]
    times, _ = timed(lambda: to_xlsx(report_table(rep)), args.runs)
    print(describe("  + XLSX export of it", times))
    total = rep.total
    w = results["waiting, total (year)"].total
    print(f"\nyear: {total.total:,} votes, 766 score {total.score}%; {w.tickets:,} tickets, wait "
          f"median {w.wait.median / 60:.1f} min, p90 {w.wait.p90 / 60:.1f} min, no-show "
          f"{w.no_show_rate}%, within target {w.within_target_rate}%; "
          f"{len(results['dissatisfied cases (year)'].cases):,} dissatisfied cases")
    db.dispose()
    del tmp


if __name__ == "__main__":
    main()
