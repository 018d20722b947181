"""CPU per request on PostgreSQL: issue + call-next through the Flask app, without HTTP or screens.

Starts a private PostgreSQL, builds the app on it (the config of ``bench/scale.py``: 6 counters),
warms up, then runs ``--rounds`` rounds of ``--pairs`` issue + call-next pairs and prints the CPU
time and wall time per pair (median and spread over the rounds). CPU time changes less with the
machine's load than latency does, so it is the figure to compare two versions with. It also
prints the statements each pair sends PostgreSQL, from ``pg_stat_statements`` (BEGIN and
COMMIT included): every one is a round trip, a wait for which a busy server's thread must get a
core back, and the figure does not depend on the machine at all.

    .venv/bin/python bench/request_cpu.py --pairs 300 --rounds 5
"""

from __future__ import annotations

import argparse
import logging
import os
import platform
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.scale import (  # noqa: E402
    FIELDS,
    STATEMENT_STATS,
    free_port,
    init_centre,
    print_statements,
    statement_counts,
    statements_between,
)
from tests.pgcluster import PgCluster  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pairs", type=int, default=300)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--statements", action="store_true", help="list the statements per pair")
    args = ap.parse_args()

    cluster = PgCluster.start(free_port(), settings=STATEMENT_STATS)
    app = None
    try:
        url = cluster.create_database()
        env = init_centre(url, 6, 1, "motcua-cpu-")
        os.environ.update(env)
        from config.loader import load_config
        from display_server.app import create_app

        app = create_app(load_config(env["MOTCUA_CONFIG"]))
        client = app.test_client()
        token = client.post("/api/v1/auth/login", json={
            "username": "bench", "password": "bench-password"}).json["token"]
        officer = {"Authorization": f"Bearer {token}"}
        kiosk = {"Authorization": "Bearer bench-kiosk-token-0001-xxxx"}

        def pairs(n: int) -> None:
            for i in range(n):
                r = client.post("/api/v1/tickets", json={"service_id": FIELDS[i % 6]},
                                headers=kiosk)
                assert r.status_code == 201, r.text
                r = client.post(f"/api/v1/counters/quay-{i % 6 + 1}/call-next", headers=officer)
                assert r.status_code == 200, r.text

        pairs(50)
        before = statement_counts(url)
        pairs(args.pairs)
        sent = statements_between(before, statement_counts(url))
        cpu, wall = [], []
        for _ in range(args.rounds):
            c0, w0 = time.process_time(), time.perf_counter()
            pairs(args.pairs)
            cpu.append((time.process_time() - c0) / args.pairs * 1000)
            wall.append((time.perf_counter() - w0) / args.pairs * 1000)
        print(f"machine: {platform.machine()}, {os.cpu_count()} cores; Python "
              f"{platform.python_version()}")
        for name, values in (("CPU", cpu), ("wall", wall)):
            print(f"issue + call-next, {name} per pair: median {statistics.median(values):.2f} ms, "
                  f"min {min(values):.2f}, max {max(values):.2f} ({args.rounds} x {args.pairs})")
        print_statements(sent, args.pairs, "pair", args.statements)
    finally:
        if app is not None:
            app.extensions["motcua"].close()
        # the relay thread notices its stop only after its next poll: keep its goodbye quiet
        logging.getLogger("motcua.core.queue.pg_relay").setLevel(logging.ERROR)
        cluster.stop()


if __name__ == "__main__":
    main()
