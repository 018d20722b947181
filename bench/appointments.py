"""Benchmark the booking page and the slot search on a realistic book of appointments (SQLite).

Prints figures, asserts nothing. A temporary data folder with the demo centre whose two
bookable fields take bookings 30 days ahead in working hours (Hộ tịch: 15-minute slots of 3
places; Chứng thực: 10-minute slots of 2), filled with bulk inserts: ``--past`` days of bookings
(with their states and check-in tickets) and the next 30 days booked at ``--fill`` (70%) of
their places. Then, in-process (no HTTP)::

    .venv/bin/python bench/appointments.py                  # 300 runs of each
    .venv/bin/python bench/appointments.py --runs 1000 --profile

- the booking page ``GET /dat-lich?field=ho-tich`` through Flask's test client (the days and
  free places of the field, 30 days, and the first day's slots rendered);
- the slot search ``AppointmentBook.search("ho-tich", 30)`` (the core).

Target (issue 22): both p95 < 20 ms in-process on the machine the figures are quoted for.
"""

from __future__ import annotations

import argparse
import cProfile
import hashlib
import platform
import pstats
import random
import statistics
import sys
import tempfile
import time
import tomllib
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sqlalchemy import insert  # noqa: E402

from config import Config, parse_config  # noqa: E402
from motcua.core.appointments.slots import slot_start, slot_times  # noqa: E402
from motcua.core.storage import Database, upgrade  # noqa: E402
from motcua.core.storage import tables as t  # noqa: E402

HOURS = {d: ["07:30-11:00", "13:30-16:30"] for d in ("mon", "tue", "wed", "thu", "fri")}
PLANS = {"ho-tich": {"slot_minutes": 15, "capacity": 3, "days_ahead": 30, "hours": HOURS},
         "chung-thuc": {"slot_minutes": 10, "capacity": 2, "days_ahead": 30, "hours": HOURS}}
OUTCOMES = (("checked_in", 78), ("walked_in", 5), ("no_show", 9), ("cancelled", 8))


def bench_config(data_dir: Path) -> Config:
    base = tomllib.loads((ROOT / "config" / "demo.toml").read_text(encoding="utf-8"))
    for f in base["fields"]:
        if f["id"] in PLANS:
            f["appointments"] = PLANS[f["id"]]
    return parse_config(base, source=ROOT / "config" / "demo.toml",
                        env={"MOTCUA_DATA_DIR": str(data_dir)})


def fill(db: Database, config: Config, past: int, share: float, rng: random.Random) -> dict:
    """Bookings from ``past`` days ago to 30 days ahead; returns counts."""
    today = datetime.now(config.zone).date()
    appointments, slots, tickets = [], [], []
    seq: dict[tuple[str, str], int] = {}
    n = 0
    for offset in range(-past, 31):
        day = today + timedelta(days=offset)
        iso = day.isoformat()
        codes: set[str] = set()
        for f in config.fields:
            plan = f.appointments
            if plan is None:
                continue
            for start, _ in slot_times(config, f, plan, day):
                live = sum(rng.random() < share for _ in range(plan.capacity))
                if live:
                    slots.append({"field_id": f.id, "day": iso, "slot": start, "booked": live})
                starts = slot_start(config, day, start)
                for i in range(live + (rng.random() < 0.1)):  # now and then one cancelled
                    n += 1
                    state = "booked" if offset >= 0 else rng.choices(
                        [s for s, _ in OUTCOMES], [w for _, w in OUTCOMES])[0]
                    if i >= live:
                        state = "cancelled"
                    code = f"{rng.randrange(10**6):06d}"
                    while code in codes:
                        code = f"{rng.randrange(10**6):06d}"
                    codes.add(code)
                    row = {"id": n, "field_id": f.id, "day": iso, "slot": start, "starts_at": starts,
                           "slot_minutes": plan.slot_minutes, "code": code,
                           "secret_hash": hashlib.sha256(str(n).encode()).hexdigest(),
                           "request_id": None, "name": "Nguyễn Văn A", "phone": f"09{n:08d}",
                           "state": state, "booked_at": starts - timedelta(days=3),
                           "checked_in_at": None, "cancelled_at": None, "ticket_id": None,
                           "erased_at": None}
                    if state in ("checked_in", "walked_in"):
                        arrived = starts + timedelta(minutes=rng.randint(-20, 25))
                        k = seq[(iso, f.id)] = seq.get((iso, f.id), 0) + 1
                        called = max(arrived, starts) + timedelta(seconds=rng.randint(0, 900))
                        tickets.append({"id": n, "day": iso, "origin_field_id": f.id, "round": 0,
                                        "seq": k, "number": str(k), "field_id": f.id,
                                        "priority": False, "transferred": False, "state": "done",
                                        "token": f"t{n:023d}", "issued_at": arrived,
                                        "queued_at": starts, "called_at": called,
                                        "finished_at": called + timedelta(minutes=6),
                                        "counter_id": "quay-1", "call_count": 1,
                                        "booked": state == "checked_in", "channel": "appointment"})
                        row.update(checked_in_at=arrived, ticket_id=n)
                    appointments.append(row)
    with db.write() as conn:
        for table, rows in ((t.tickets, tickets), (t.appointments, appointments),
                            (t.appointment_slots, slots)):
            for i in range(0, len(rows), 2000):
                conn.execute(insert(table), rows[i:i + 2000])
    return {"appointments": len(appointments), "slots booked": len(slots), "tickets": len(tickets)}


def timed(fn, runs: int, warmup: int = 20) -> list[float]:
    for _ in range(warmup):
        fn()
    out = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t0) * 1000)
    return out


def show(name: str, ms: list[float]) -> None:
    q = statistics.quantiles(ms, n=100)
    print(f"{name:<44} median {statistics.median(ms):6.2f} ms   p95 {q[94]:6.2f} ms   "
          f"min {min(ms):5.2f}   max {max(ms):6.2f}   (n={len(ms)})")


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "?"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=300)
    ap.add_argument("--past", type=int, default=60, help="days of past bookings (default 60)")
    ap.add_argument("--fill", type=float, default=0.7, help="share of the next 30 days' places booked")
    ap.add_argument("--field", default="ho-tich")
    ap.add_argument("--profile", action="store_true", help="print a cProfile of each timed call")
    args = ap.parse_args()

    from display_server.app import create_app
    from motcua.core.appointments import AppointmentBook
    from motcua.core.queue import QueueEngine

    print(f"{platform.machine()}, {cpu_model()}, Python {platform.python_version()}, "
          f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC")
    with tempfile.TemporaryDirectory(prefix="motcua-bench-appt-") as tmp:
        config = bench_config(Path(tmp))
        Path(tmp).mkdir(exist_ok=True)
        db = Database(config.database_url)
        upgrade(db)
        t0 = time.perf_counter()
        counts = fill(db, config, args.past, args.fill, random.Random(22))
        print(f"filled in {time.perf_counter() - t0:.1f} s: "
              + ", ".join(f"{v:,} {k}" for k, v in counts.items()))
        book = AppointmentBook(QueueEngine(config, db))
        days = book.search(args.field, 30)
        free = sum(s.free for d in days for s in d.slots)
        places = sum(s.capacity for d in days for s in d.slots)
        print(f"{args.field}: {len(days)} days, {places:,} places ahead, {free:,} free "
              f"({100 * (1 - free / places):.0f}% booked)")
        app = create_app(config, db=db)
        client = app.test_client()
        url = f"/dat-lich?field={args.field}"
        assert client.get(url).status_code == 200

        def page() -> None:
            client.get(url)

        def search() -> None:
            book.search(args.field, 30)

        for name, fn in ((f"booking page GET {url}", page), (f"slot search {args.field}, 30 days", search)):
            show(name, timed(fn, args.runs))
            if args.profile:
                prof = cProfile.Profile()
                prof.runcall(lambda fn=fn: [fn() for _ in range(50)])
                pstats.Stats(prof).sort_stats("cumulative").print_stats(18)
        db.dispose()


if __name__ == "__main__":
    main()
