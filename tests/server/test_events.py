"""Server-Sent Events: snapshot on connect, live events, Last-Event-ID resume, keepalive."""

from __future__ import annotations

import json
import socket
import threading

import pytest
import requests

from tests.conftest import reset, wait_for

pytestmark = pytest.mark.live  # event streams: a real server process


class SseReader:
    """Reads an event stream message by message (comments are reported as keepalives)."""

    def __init__(self, url: str, headers: dict | None = None):
        self.response = requests.get(url, headers=headers or {}, stream=True, timeout=(5, 10))
        assert self.response.status_code == 200
        assert self.response.headers["Content-Type"].startswith("text/event-stream")
        self.lines = self.response.iter_lines(decode_unicode=True)
        self.display: dict | None = None

    def next(self) -> dict:
        msg: dict = {"data": []}
        for line in self.lines:
            if line == "":
                if msg.get("comment") or msg["data"] or "retry" in msg:
                    msg["data"] = "\n".join(msg["data"])
                    return msg
                continue
            if line.startswith(":"):
                msg["comment"] = line[1:].strip()
            else:
                key, _, value = line.partition(":")
                value = value.removeprefix(" ")
                if key == "data":
                    msg["data"].append(value)
                else:
                    msg[key] = value
        raise EOFError

    def next_event(self) -> dict:
        """The next message that carries an event or the opening snapshot (skips retry hints,
        keepalives and the display snapshots that follow events, keeping the last of those in
        ``display``)."""
        while True:
            msg = self.next()
            if "event" in msg and msg["event"] != "keepalive":
                msg["json"] = json.loads(msg["data"])
                if msg["event"] == "snapshot" and "id" not in msg:
                    self.display = msg["json"]
                    continue
                return msg

    def next_display(self) -> dict:
        """The next display snapshot sent after events (it has no id: a client resumes from
        the last event it got)."""
        while True:
            msg = self.next()
            if msg.get("event") == "snapshot":
                assert "id" not in msg
                return json.loads(msg["data"])

    def close(self) -> None:
        self.response.close()


def test_snapshot_then_live_events(api) -> None:
    api.issue("ho-tich")
    sse = SseReader(api.server.api("/events"))
    try:
        first = sse.next()
        assert first.get("retry") == "2000"
        snap = sse.next_event()
        assert snap["event"] == "snapshot"
        assert snap["json"]["last_event_id"] == int(snap["id"]) == 1
        assert snap["json"]["services"][0]["waiting"] == 1
        api.act("quay-1", "call-next")
        ev = sse.next_event()
        assert ev["event"] == "ticket.called" and int(ev["id"]) == 2
        body = ev["json"]
        assert body["data"]["number"] == "1001" and body["data"]["counter_number"] == 1
        assert body["display"] is None  # the event comes at once; the display follows it
        display = sse.next_display()
        assert display["last_event_id"] == 2
        q1 = next(c for c in display["counters"] if c["id"] == "quay-1")
        assert q1["ticket"]["number"] == "1001"
    finally:
        sse.close()


def test_a_burst_arrives_in_order_and_a_display_follows_it(api) -> None:
    sse = SseReader(api.server.api("/events"))
    try:
        assert sse.next_event()["event"] == "snapshot"
        for _ in range(3):
            api.issue("ho-tich")
        api.act("quay-1", "call-next")
        kinds = [sse.next_event()["event"] for _ in range(4)]
        assert kinds == ["ticket.issued"] * 3 + ["ticket.called"]
        display = sse.display
        while not display or display["last_event_id"] < 4:
            display = sse.next_display()
        q1 = next(c for c in display["counters"] if c["id"] == "quay-1")
        assert q1["ticket"]["number"] == "1001"
        assert display["services"][0]["waiting"] == 2
    finally:
        sse.close()


def test_a_phone_stream_gets_the_events_but_not_the_display_snapshots(api) -> None:
    screen = SseReader(api.server.api("/events"))
    phone = SseReader(api.server.api("/events?snapshots=0"))
    try:
        assert screen.next_event()["event"] == "snapshot"
        assert phone.next_event()["event"] == "snapshot"  # the opening one: where it starts from
        api.issue("ho-tich")
        api.act("quay-1", "call-next")
        got = [screen.next_event() for _ in range(2)]
        assert [m["event"] for m in got] == ["ticket.issued", "ticket.called"]
        while screen.next_display()["last_event_id"] < int(got[1]["id"]):
            pass  # snapshots went out, the last one after the call
        api.issue("ho-tich")
        assert screen.next_event()["event"] == "ticket.issued"
        seen = []
        while len(seen) < 3:
            msg = phone.next()
            if msg.get("event") not in (None, "keepalive"):
                seen.append(msg["event"])
        assert seen == ["ticket.issued", "ticket.called", "ticket.issued"]  # no snapshot between
    finally:
        screen.close()
        phone.close()


def test_resume_with_last_event_id(api) -> None:
    api.issue("ho-tich")  # event 1
    api.issue("ho-tich")  # event 2
    api.act("quay-1", "call-next")  # event 3
    api.act("quay-1", "recall")  # event 4
    sse = SseReader(api.server.api("/events"), headers={"Last-Event-ID": "2"})
    try:
        got = [sse.next_event(), sse.next_event()]
        assert [(m["id"], m["event"]) for m in got] == [("3", "ticket.called"), ("4", "ticket.recalled")]
        assert got[0]["json"]["display"] is None and got[1]["json"]["display"] is not None
        api.act("quay-1", "finish")
        live = sse.next_event()
        assert (live["id"], live["event"]) == ("5", "ticket.finished")
    finally:
        sse.close()


def test_resume_when_nothing_was_missed(api) -> None:
    api.issue("ho-tich")
    sse = SseReader(api.server.api("/events"), headers={"Last-Event-ID": "1"})
    try:
        api.issue("chung-thuc")
        ev = sse.next_event()
        assert (ev["id"], ev["event"]) == ("2", "ticket.issued")
    finally:
        sse.close()


def test_keepalive_comes_every_few_seconds(api) -> None:
    # the test server sends a keepalive every second (sse_keepalive_s = 1)
    sse = SseReader(api.server.api("/events"))
    try:
        sse.next_event()
        msg = sse.next()
        assert msg.get("comment") == "keepalive"
        assert sse.next().get("comment") == "keepalive"
    finally:
        sse.close()


def test_every_change_is_published_in_order(api) -> None:
    sse = SseReader(api.server.api("/events"))
    try:
        sse.next_event()
        api.issue("ho-tich")
        api.act("quay-1", "call-next")
        api.act("quay-1", "recall")
        api.act("quay-1", "recall")
        api.act("quay-1", "skip")
        api.act("quay-1", "pause", reason="Đi họp")
        api.act("quay-1", "resume")
        api.rate("quay-1", "satisfied")
        kinds = [sse.next_event()["event"] for _ in range(8)]
        assert kinds == ["ticket.issued", "ticket.called", "ticket.recalled", "ticket.recalled",
                         "ticket.skipped", "counter.paused", "counter.resumed", "rating.recorded"]
    finally:
        sse.close()


def test_vanished_clients_free_their_places(api) -> None:
    """Open many streams, drop them without a goodbye: the server keeps serving, and gives their
    places back once it notices (at the next keepalive)."""
    host, port = "127.0.0.1", api.server.port

    def open_streams() -> int:
        return requests.get(api.server.api("/health"), timeout=5).json()["event_streams"]["open"]

    for _ in range(3):
        socks = []
        for i in range(40):  # from 10 addresses: 4 each, under the per-address cap
            s = socket.create_connection((host, port), timeout=5,
                                         source_address=(f"127.0.5.{1 + i % 10}", 0))
            s.sendall(b"GET /api/v1/events HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n\r\n")
            socks.append(s)
        for s in socks:
            assert s.recv(64).startswith(b"HTTP/1.1 200")
        for s in socks:
            reset(s)  # the client vanished
        wait_for(lambda: open_streams() == 0, "the dropped streams' places back", timeout_s=5)
    # places freed: 120 streams opened in total; new requests and streams still work
    results = []

    def hit():
        results.append(requests.get(api.server.api("/health"), timeout=5).status_code)

    workers = [threading.Thread(target=hit) for _ in range(20)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    assert results == [200] * 20
    sse = SseReader(api.server.api("/events"))
    try:
        assert sse.next_event()["event"] == "snapshot"
    finally:
        sse.close()


def test_public_stream_reveals_no_officer_device_or_dossier(api) -> None:
    sse = SseReader(api.server.api("/events"))
    try:
        sse.next_event()
        api.issue("ho-tich")
        api.act("quay-1", "call-next")
        api.act("quay-1", "dossier", dossier_code="000.00.12.H01-SECRET")
        api.rate("quay-1", "satisfied")
        messages = [sse.next_event() for _ in range(4)]
        assert [m["event"] for m in messages] == ["ticket.issued", "ticket.called", "ticket.dossier",
                                                  "rating.recorded"]
        raw = " ".join(m["data"] for m in messages)
        for secret in ("SECRET", "officer:an", "device:", "officer_id", "rating_id", "kiosk-1"):
            assert secret not in raw
        assert messages[1]["json"]["data"]["number"] == "1001"
    finally:
        sse.close()


def _chunked_body(raw: bytes) -> bytes:
    """The body of a chunked HTTP response read so far (a trailing partial chunk is left out);
    fails on bytes that are not valid chunk framing."""
    head, _, rest = raw.partition(b"\r\n\r\n")
    assert b"transfer-encoding: chunked" in head.lower(), head
    body = b""
    while rest:
        size_line, sep, after = rest.partition(b"\r\n")
        if not sep:
            break
        size = int(size_line, 16)  # ValueError: the framing is broken
        if len(after) < size + 2:
            break
        assert after[size:size + 2] == b"\r\n"
        body += after[:size]
        rest = after[size + 2:]
    return body


def test_a_screen_that_stops_reading_for_a_while_gets_every_event_intact(api) -> None:
    """A screen that does not read while events come gets them all when it reads again: once,
    in order, in well-formed chunks (the bus writes to its socket itself)."""
    host, port = api.server.url.removeprefix("http://").split(":")
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    s.connect((host, int(port)))
    s.sendall(b"GET /api/v1/events HTTP/1.1\r\nHost: t\r\nAccept: text/event-stream\r\n\r\n")
    s.settimeout(10)
    raw = s.recv(65536)
    while b"event: snapshot" not in raw:
        raw += s.recv(65536)
    issued = [api.issue("ho-tich")["number"] for _ in range(40)]  # ~150 KB of events
    s.settimeout(0.5)
    try:
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            raw += chunk
            if _chunked_body(raw).count(b"event: ticket.issued") >= len(issued):
                break
    except TimeoutError:
        pass
    finally:
        s.close()
    body = _chunked_body(raw).decode()
    messages = [m for m in body.split("\n\n") if "event: ticket.issued" in m]
    numbers = [json.loads(m.split("data: ", 1)[1])["data"]["number"] for m in messages]
    assert numbers == issued
