"""The server's requests run on a pool of real threads in a process patched for gevent, where
``threading``'s locks are gevent's: a real thread waiting for one that another real thread
released was not woken, and stayed so. What those threads share takes the operating system's
locks: ``threading``'s lock itself in the server (display_server/shared_locks.py), so the log
handlers' locks here; the SQLite write lock in tests/storage/test_write_lock.py."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

_LOGGING_FROM_A_POOL = r"""
import logging, os, sys
from display_server.green import patch
patch()  # as motcua server does first: threading's lock the operating system's
import gevent
from gevent.threadpool import ThreadPool
from display_server.process import setup_logging

setup_logging()  # as motcua server does, after the patching
log = logging.getLogger("motcua.test")

def logs(n):
    for i in range(n):  # each line's write lets the GIL go while the handler's lock is held
        log.warning("line %d %s", i, "x" * 200)
    return n

pool = ThreadPool(8)
done = gevent.joinall([pool.spawn(logs, 200) for _ in range(8)], timeout=60)
print(sum(r.value or 0 for r in done), "of", 8 * 200, file=sys.stderr)
sys.stderr.flush()
os._exit(0)  # threads left waiting on a lost wake-up would keep the process alive
"""


def test_request_threads_logging_at_once_all_get_their_turn(tmp_path: Path) -> None:
    with (tmp_path / "log").open("w") as out:
        done = subprocess.run([sys.executable, "-c", _LOGGING_FROM_A_POOL], cwd=ROOT,
                              stdout=out, stderr=subprocess.PIPE, text=True, timeout=180)
    assert done.returncode == 0, done.stderr[-4000:]
    assert done.stderr.strip().splitlines()[-1] == "1600 of 1600", done.stderr[-2000:]
    assert len((tmp_path / "log").read_text().splitlines()) == 1600
