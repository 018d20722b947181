"""Clients that open a connection and then dawdle (a slowloris, a phone that left the Wi-Fi
half-way through a request) are closed after ``[server] read_timeout_s``; meanwhile everyone
else is served, and event streams, which only write, stay open."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from tests.conftest import open_stream, reset

pytestmark = pytest.mark.live

ROOT = Path(__file__).resolve().parents[2]

TIMEOUT_S = 2


def _closed_by_server(s: socket.socket, within_s: float) -> bool:
    """True if the server closes ``s`` within ``within_s`` seconds (what it sent first, such as
    a 400 or 408, is read and skipped)."""
    s.settimeout(within_s)
    try:
        while s.recv(4096):
            pass
    except TimeoutError:
        return False
    except ConnectionError:
        pass
    return True


@pytest.fixture
def server(start_server, demo_config_text):
    return start_server(demo_config_text.replace("read_timeout_s = 15 ",
                                                 f"read_timeout_s = {TIMEOUT_S} "))


def test_idle_and_half_open_sockets_are_closed_after_the_timeout(server) -> None:
    stream, head = open_stream(server.port)
    assert head.startswith(b"HTTP/1.1 200"), head
    dawdlers = []
    for i in range(60):
        s = socket.create_connection(("127.0.0.1", server.port), timeout=5,
                                     source_address=(f"127.0.4.{1 + i}", 0))
        if i % 3 == 0:
            s.sendall(b"GET /api/v1/health HTTP/1.1\r\nHost: x\r\n")  # half a head, then quiet
        elif i % 3 == 1:  # a whole head, half a body
            s.sendall(b"POST /api/v1/tickets HTTP/1.1\r\nHost: x\r\nContent-Type: "
                      b"application/json\r\nContent-Length: 100\r\n\r\n{\"service_id\"")
        dawdlers.append(s)  # else: connected, nothing sent
    try:
        started = time.monotonic()
        for _ in range(5):  # everyone else is served meanwhile
            assert requests.get(server.api("/health"), timeout=2).status_code == 200
        # a slow sender that keeps trickling a header line is cut off too: a deadline for the
        # whole head, not for each read
        trickler = socket.create_connection(("127.0.0.1", server.port), timeout=5)
        trickler.sendall(b"GET /api/v1/health HTTP/1.1\r\n")
        for _ in range(int(TIMEOUT_S * 2 / 0.5)):
            try:
                trickler.sendall(b"X-A: b\r\n")
            except OSError:
                break
            time.sleep(0.5)
        assert _closed_by_server(trickler, TIMEOUT_S + 3)
        for s in dawdlers:
            assert _closed_by_server(s, max(0.1, started + TIMEOUT_S + 5 - time.monotonic()))
        # the event stream, which has been quiet on the reading side all along, is still open
        stream.settimeout(5)
        got = b""
        while b"keepalive" not in got:
            chunk = stream.recv(65536)
            assert chunk, "the stream was closed"
            got += chunk
    finally:
        for s in dawdlers:
            s.close()
        reset(stream)
    # a client that leaves half-way through its head (a reset, as a phone leaving the Wi-Fi)
    gone = socket.create_connection(("127.0.0.1", server.port), timeout=5)
    gone.sendall(b"GET /api/v1/health HTTP/1.1\r\nHost: x\r\n")
    time.sleep(0.2)
    reset(gone)
    assert requests.get(server.api("/health"), timeout=2).status_code == 200
    # none of it is a server error: no traceback in the server's stderr (the journal), one for
    # each dawdler of a slowloris before
    server.stop()
    stderr = server.process.stderr.read()
    assert "Traceback" not in stderr, stderr[-3000:]


_CLOSING_CLIENTS = r"""
import gc, socket, sys
from gevent import monkey
monkey.patch_all()
import gevent
from config import load_config
from config.loader import DEMO_CONFIG
from display_server.serve import make_server

server = make_server(load_config(DEMO_CONFIG, env={"MOTCUA_DATA_DIR": sys.argv[1]}),
                     "127.0.0.1", 0)
server.start()

def clients(n):
    for _ in range(n):
        s = socket.create_connection(("127.0.0.1", server.server_port))
        s.sendall(b"GET /api/v1/health HTTP/1.1\r\nHost: x\r\n\r\n")
        assert s.recv(65536).startswith(b"HTTP/1.1 200")
        s.close()  # after one request: the server reads the end of the stream
        socket.create_connection(("127.0.0.1", server.server_port)).close()  # nothing sent

gevent.spawn(clients, 50).get(timeout=60)
gevent.sleep(0.5)  # every connection's handler has seen its client go
print(sum(isinstance(o, gevent.Timeout) and o.pending for o in gc.get_objects()))
"""


def test_a_closed_connection_leaves_no_timer_behind(tmp_path: Path) -> None:
    """A client that closes its connection (after a request, or before sending one) is let go
    at once: the head's deadline is cancelled, not left for ``read_timeout_s`` holding the
    connection's greenlet (a phone's or a hostile client's connect-and-close loop would pile up
    one per connection: 10 MB of memory after 20,000 of them, measured)."""
    done = subprocess.run([sys.executable, "-c", _CLOSING_CLIENTS, str(tmp_path)], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-4000:]
    assert done.stdout.split()[-1] == "0", done.stdout
