"""A process that books one slot N times (``python _book_worker.py DATA_DIR N PHONE_PREFIX GO
EPOCH [DB_URL]``), printing one JSON line per answer: ``{"ok": id}`` or ``{"refused": code}``.
It prints ``{"ready": true}`` once set up and starts when the file GO exists."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from motcua.core.appointments import AppointmentBook  # noqa: E402
from motcua.core.queue import QueueEngine, QueueError  # noqa: E402
from motcua.core.storage import Database  # noqa: E402
from tests.storage._workers import demo_config, shared_clock  # noqa: E402

SLOT = ("ho-tich", "2026-11-26", "09:00")


def main() -> None:
    data_dir, n, prefix, go, epoch = sys.argv[1:6]
    config = demo_config(data_dir)
    db = Database(sys.argv[6] if len(sys.argv) > 6 else config.database_url)
    book = AppointmentBook(QueueEngine(config, db, clock=shared_clock(float(epoch))))
    book.search("ho-tich")  # warm up the connection
    print(json.dumps({"ready": True}), flush=True)
    while not Path(go).exists():
        time.sleep(0.002)
    for i in range(int(n)):
        try:
            b = book.book(*SLOT, name="Công dân", phone=f"{prefix}{i:02d}")
            print(json.dumps({"ok": b.appointment.id}), flush=True)
        except QueueError as exc:
            print(json.dumps({"refused": exc.code}), flush=True)
    db.dispose()


if __name__ == "__main__":
    main()
