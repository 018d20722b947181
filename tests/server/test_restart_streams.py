"""A server restart with a hall's worth of streams open (1,000 screens and phones from 250
addresses): every client comes back, resumes from its Last-Event-ID and misses no event, though
the events go on while they reconnect."""

from __future__ import annotations

import re
import selectors
import socket
import threading
import time

import pytest

from tests.clients import Api
from tests.conftest import reset

pytestmark = pytest.mark.live

CLIENTS, ADDRESSES = 1000, 250
EVENT_ID = re.compile(rb"^id: (\d+)\r?$", re.MULTILINE)


class Client:
    """One raw event stream; ``ids`` are the ids of every message it got, in order."""

    def __init__(self, port: int, source: str, last_event_id: int | None = None):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=10,
                                             source_address=(source, 0))
        resume = f"Last-Event-ID: {last_event_id}\r\n" if last_event_id is not None else ""
        self.sock.sendall(f"GET /api/v1/events HTTP/1.1\r\nHost: x\r\n{resume}"
                          "Accept: text/event-stream\r\n\r\n".encode())
        self.sock.setblocking(False)
        self.data = b""

    @property
    def ids(self) -> list[int]:
        return [int(m) for m in EVENT_ID.findall(self.data)]


def read_until(clients: list[Client], done, timeout_s: float = 60) -> None:
    """Read every client until ``done(client)`` holds for all of them."""
    sel = selectors.DefaultSelector()
    for c in clients:
        sel.register(c.sock, selectors.EVENT_READ, c)
    waiting = {c for c in clients if not done(c)}
    deadline = time.monotonic() + timeout_s
    while waiting and time.monotonic() < deadline:
        for key, _ in sel.select(timeout=0.5):
            c = key.data
            try:
                chunk = c.sock.recv(65536)
            except BlockingIOError:
                continue
            if not chunk:
                sel.unregister(c.sock)
                waiting.discard(c)
                continue
            c.data += chunk
            if done(c):
                waiting.discard(c)
    sel.close()
    assert not waiting, (f"{len(waiting)} clients did not get everything; one got "
                         f"{next(iter(waiting)).data[:300]!r}")


def test_a_restart_with_1000_streams_open_loses_no_event(live_server) -> None:
    api = Api(live_server)
    api.login("an")
    sources = [f"127.0.{10 + i // 250}.{1 + i % 250}" for i in range(ADDRESSES)]
    clients = [Client(live_server.port, sources[i % ADDRESSES]) for i in range(CLIENTS)]
    try:
        read_until(clients, lambda c: b"event: snapshot" in c.data)  # every one subscribed
        assert api.issue("ho-tich")["number"]
        read_until(clients, lambda c: b"event: ticket.issued" in c.data)
        last_seen = {id(c): c.ids[-1] for c in clients}
        assert len(set(last_seen.values())) == 1  # every client has the same newest event
        before = next(iter(last_seen.values()))

        live_server.stop()  # every stream is cut
        for c in clients:
            c.sock.close()
        live_server.start()

        # the clients come back (each with its Last-Event-ID) while the officers go on working
        back: list[Client] = []

        def reconnect() -> None:
            for i in range(CLIENTS):
                back.append(Client(live_server.port, sources[i % ADDRESSES], before))

        th = threading.Thread(target=reconnect)
        th.start()
        api.login("an")
        for _ in range(3):
            api.issue("ho-tich")
        assert api.act("quay-1", "call-next").status_code == 200
        assert api.act("quay-1", "finish").status_code == 200
        th.join(120)
        assert len(back) == CLIENTS
        newest = api.get("/display").json()["last_event_id"]
        expected = list(range(before + 1, newest + 1))
        assert len(expected) == 5  # three issued, one called, one finished
        read_until(back, lambda c: newest in c.ids)
        for c in back:  # each one exactly the missed events, in order: replayed, then live
            assert [i for i in c.ids if i > before] == expected, c.ids
        clients = back
    finally:
        for c in clients:
            reset(c.sock)
