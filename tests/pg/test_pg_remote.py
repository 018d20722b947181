"""Remote tickets on PostgreSQL: a phone that sends the same request twice at once (a double
tap, or two server processes) gets one ticket, counted once, and no error."""

from __future__ import annotations

import threading

from sqlalchemy import func, select

from motcua.core.queue import QueueEngine
from motcua.core.remote import RemoteDesk
from motcua.core.storage import Database, upgrade
from motcua.core.storage import tables as t


def test_the_same_request_at_once_gives_one_ticket(pg_url, make_config, clock) -> None:
    db = Database(pg_url)
    upgrade(db)
    cfg = make_config(remote={"enabled": True, "per_phone_per_day": 50})
    desks = [RemoteDesk(QueueEngine(cfg, db, clock=clock), salt="s") for _ in range(2)]
    rounds = 15
    got: list[list] = [[], []]
    failed: list[BaseException] = []
    start = threading.Barrier(2)

    def phone(i: int) -> None:
        for n in range(rounds):
            start.wait()
            try:
                ticket, _ = desks[i].issue("ho-tich", phone="phone-a", address="203.0.113.7",
                                           request_id=f"tap-{n}")
                got[i].append(ticket.id)
            except BaseException as exc:  # noqa: BLE001 - recorded, asserted below
                failed.append(exc)
                got[i].append(None)

    threads = [threading.Thread(target=phone, args=(i,)) for i in range(2)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(60)
    assert failed == []
    assert got[0] == got[1]  # each round: the same ticket to both
    with db.read() as conn:
        assert conn.execute(select(func.count()).select_from(t.tickets)).scalar_one() == rounds
    db.dispose()
