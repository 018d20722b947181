"""SQLite writers queue on one lock per process. In ``motcua server`` the writers are a pool of
real threads in a process patched for gevent, where ``threading.Lock`` is gevent's: a real
thread waiting for it was not woken when another real thread released it, and an officer's
click waited over 10 s (seen in a soak). The lock is the operating system's there too."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

_WRITERS_ON_A_POOL = r"""
import sys
from gevent import monkey
monkey.patch_all()
import gevent
from gevent.threadpool import ThreadPool
from sqlalchemy import text
from motcua.core.storage import Database

db = Database(f"sqlite:///{sys.argv[1]}/w.db")
with db.write() as conn:
    conn.execute(text("CREATE TABLE w (n INTEGER)"))

def writes(n):
    for i in range(n):  # each commit's fsync lets the GIL go while the lock is held
        with db.write() as conn:
            conn.execute(text("INSERT INTO w VALUES (:n)"), {"n": i})
    return n

pool = ThreadPool(8)
results = [pool.spawn(writes, 25) for _ in range(8)]
done = gevent.joinall(results, timeout=60)
print(sum(r.value or 0 for r in done), "of", 8 * 25)
with db.engine.connect() as conn:
    print(conn.execute(text("SELECT count(*) FROM w")).scalar())
sys.stdout.flush()
import os; os._exit(0)  # threads left waiting on a lost wake-up would keep the process alive
"""


def test_writers_on_real_threads_under_gevent_all_get_their_turn(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-c", _WRITERS_ON_A_POOL, str(tmp_path)], cwd=ROOT,
                          capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr[-4000:]
    assert done.stdout.split() == ["200", "of", "200", "200"], done.stdout
