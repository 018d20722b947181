"""The server's connection socket: ``sendall`` tries one ``send`` first, the rest as gevent."""

from __future__ import annotations

import socket

import pytest

gevent = pytest.importorskip("gevent")

from display_server.serve import connection_class  # noqa: E402


def _pair():
    a, b = socket.socketpair()
    return connection_class()(fileno=a.detach()), b


def test_a_small_message_goes_out_whole_in_one_send() -> None:
    conn, peer = _pair()
    try:
        conn.sendall(b"event: ticket.called\ndata: {}\n\n")
        conn.sendall(b"")
        assert peer.recv(1024) == b"event: ticket.called\ndata: {}\n\n"
    finally:
        conn.close()
        peer.close()


def test_what_the_socket_does_not_take_at_once_follows_in_order() -> None:
    conn, peer = _pair()
    data = bytes(range(256)) * 16 * 1024  # 4 MiB: more than a socket buffer holds
    got = bytearray()

    def read() -> None:
        while len(got) < len(data):
            gevent.socket.wait_read(peer.fileno())
            got.extend(peer.recv(1 << 20))

    try:
        reader = gevent.spawn(read)
        conn.sendall(data)
        reader.join(10)
        assert bytes(got) == data
    finally:
        conn.close()
        peer.close()
