"""A simulated queue day in the terminal: citizens arrive, officers call, finish and get rated.

It drives the real queue engine on a real SQLite file, with a simulated clock so a whole morning
passes in a second.
"""

from __future__ import annotations

import random
import tempfile
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import click

from config import Config
from motcua.core.queue import QueueEngine, QueueError
from motcua.core.storage import Database, upgrade


class SimClock:
    def __init__(self, start: datetime):
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, minutes: float) -> None:
        self.now += timedelta(minutes=minutes)


def run_demo_day(cfg: Config, *, tickets: int = 40, seed: int = 1,
                 data_dir: str | None = None) -> dict:
    """Simulate ``tickets`` visits; prints the day and returns the summary figures."""
    rng = random.Random(seed)
    folder = Path(data_dir) if data_dir else Path(tempfile.mkdtemp(prefix="motcua-demo-"))
    folder.mkdir(parents=True, exist_ok=True)
    db = Database(f"sqlite:///{folder / 'motcua.db'}")
    upgrade(db)
    zone = cfg.zone
    start_local = datetime.now(zone).replace(hour=7, minute=30, second=0, microsecond=0)
    clock = SimClock(start_local.astimezone(UTC))
    engine = QueueEngine(cfg, db, clock=clock)
    levels = cfg.ratings.effective_levels
    weights = [70, 25, 5][: len(levels)] + [3] * max(0, len(levels) - 3)

    def say(who: str, text: str) -> None:
        click.echo(f"{clock.now.astimezone(zone):%H:%M}  {who:<10} {text}")

    click.echo(f"{cfg.centre.name} - ngày mô phỏng / simulated day  (database: {folder / 'motcua.db'})")
    busy_until = {c.id: clock.now for c in cfg.counters}
    issued = served = skipped = 0
    rated: dict[str, int] = {}
    waits: list[float] = []
    while issued < tickets or engine.waiting() or any(c.ticket for c in engine.counters()):
        if issued < tickets and rng.random() < 0.6:
            fld = rng.choice(cfg.fields)
            try:
                ticket, _ = engine.issue(fld.id, priority=rng.random() < 0.1,
                                         request_id=str(uuid.uuid4()), actor="device:demo")
                issued += 1
                mark = " (ưu tiên)" if ticket.priority else ""
                say("kiosk", f"số {ticket.number}{mark}  {fld.name}  - trước còn "
                             f"{ticket.waiting_before} người, chờ ~{ticket.estimated_wait_s // 60} phút")
            except QueueError as exc:
                say("kiosk", f"từ chối: {exc.message}")
        for counter in cfg.counters:
            if busy_until[counter.id] > clock.now:
                continue
            state = next(c for c in engine.counters() if c.id == counter.id)
            current = state.ticket
            if current is not None:
                engine.finish(counter.id, actor="officer:demo")
                served += 1
                if rng.random() < 0.8:
                    level = rng.choices(levels, weights)[0]
                    engine.record_rating(str(uuid.uuid4()), counter.id, level.id,
                                         clock.now, source="demo")
                    rated[level.id] = rated.get(level.id, 0) + 1
                    say(counter.name, f"xong {current.number}, đánh giá: {level.name}")
                else:
                    say(counter.name, f"xong {current.number}")
            ticket = engine.call_next(counter.id, actor="officer:demo")
            if ticket is None:
                continue
            waits.append((ticket.called_at - ticket.issued_at).total_seconds() / 60)
            say(counter.name, f"Xin mời số {ticket.number} đến quầy số {counter.number}")
            if rng.random() < 0.05:
                engine.recall(counter.id, actor="officer:demo")
                say(counter.name, f"gọi lại {ticket.number}")
                engine.skip(counter.id, actor="officer:demo")
                say(counter.name, f"{ticket.number} vắng mặt")
                skipped += 1
                continue
            busy_until[counter.id] = clock.now + timedelta(minutes=rng.uniform(3, 12))
        clock.advance(1)
    total = sum(rated.values())
    dissatisfied = sum(n for lv, n in rated.items()
                       if next(x for x in levels if x.id == lv).dissatisfied)
    score = (total - dissatisfied) / total * 100 if total else 0.0
    mean_wait = sum(waits) / len(waits) if waits else 0.0
    click.echo("")
    click.echo(f"Tổng kết / summary: {issued} số đã cấp, {served} đã phục vụ, {skipped} vắng mặt")
    click.echo(f"  chờ trung bình / mean wait: {mean_wait:.1f} phút")
    for lv in levels:
        n = rated.get(lv.id, 0)
        click.echo(f"  {lv.name:<16} {n:>4}  ({n / total * 100 if total else 0:.1f}%)")
    click.echo(f"  Điểm hài lòng (QĐ 766): {score:.2f}%")
    return {"issued": issued, "served": served, "skipped": skipped, "ratings": rated,
            "score": score, "database": str(folder / "motcua.db")}
