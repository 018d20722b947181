"""SocketFirstWriter: straight to the socket while nothing waits, then through waitress's queue,
never out of order."""

from __future__ import annotations

import socket
import threading

from display_server.api.event_stream import SocketFirstWriter


class FakeChannel:
    """The parts of a waitress channel the writer touches; ``write_soon`` queues like waitress."""

    def __init__(self, sock: socket.socket):
        self.socket = sock
        self.outbuf_lock = threading.Lock()
        self.total_outbufs_len = 0
        self.connected = True
        self.last_activity = 0.0
        self.queued: list[bytes] = []

    def write_soon(self, data: bytes) -> None:
        with self.outbuf_lock:
            self.queued.append(data)
            self.total_outbufs_len += len(data)


class FakeTask:
    def __init__(self, channel: FakeChannel):
        self.channel = channel
        self.wrote_header = True
        self.chunked_response = True
        self.written: list[bytes] = []

    def write(self, data: bytes) -> None:  # waitress's own path (headers, first write)
        self.written.append(data)


def _writer() -> tuple[SocketFirstWriter, FakeChannel, FakeTask, socket.socket]:
    ours, theirs = socket.socketpair()
    ours.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 4096)
    theirs.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    ours.setblocking(False)
    channel = FakeChannel(ours)
    task = FakeTask(channel)
    return SocketFirstWriter(task.write), channel, task, theirs


def _read_all(sock: socket.socket) -> bytes:
    sock.setblocking(False)
    out = b""
    try:
        while chunk := sock.recv(65536):
            out += chunk
    except BlockingIOError:
        pass
    return out


def test_small_writes_go_straight_to_the_socket_in_chunk_framing() -> None:
    write, channel, task, theirs = _writer()
    write(b"data: 1\n\n")
    write(b"data: 2\n\n")
    assert _read_all(theirs) == b"9\r\ndata: 1\n\n\r\n9\r\ndata: 2\n\n\r\n"
    assert channel.queued == [] and task.written == [] and channel.last_activity > 0


def test_what_the_socket_does_not_take_is_queued_and_later_writes_follow_it() -> None:
    write, channel, task, theirs = _writer()
    messages = [(b"data: %d " % i) + b"x" * 3000 + b"\n\n" for i in range(40)]
    for msg in messages:
        write(msg)
    assert channel.queued, "the socket took 120 KB at once: nothing was queued"
    # everything after the first queued byte went to the queue too, so order holds
    stream = _read_all(theirs) + b"".join(channel.queued)
    assert stream == b"".join(b"%X\r\n%s\r\n" % (len(m), m) for m in messages)


def test_before_the_headers_waitress_writes_itself() -> None:
    write, channel, task, theirs = _writer()
    task.wrote_header = False
    write(b"retry: 2000\n\n")
    assert task.written == [b"retry: 2000\n\n"] and _read_all(theirs) == b""
