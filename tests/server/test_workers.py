"""RequestsOnThreads: ordinary requests go to the pool with their body already read; event
streams and announcements stay where they are; half a body past the timeout is a 408."""

from __future__ import annotations

import io
import threading

from display_server.workers import RequestsOnThreads


class Pool:
    """Runs each call on a thread of its own ("pool"), as gevent's ThreadPool does."""

    def apply(self, fn, args):
        out: list = []
        th = threading.Thread(target=lambda: out.append(fn(*args)), name="pool")
        th.start()
        th.join()
        return out[0]


def _app(seen: list):
    def app(environ, start_response):
        seen.append((threading.current_thread().name, environ["wsgi.input"].read()))
        start_response("200 OK", [])
        return iter([b"a", b"b"])
    return app


class Slow(io.RawIOBase):
    def read(self, n=-1):
        raise TimeoutError("timed out")


def _environ(path: str, body: bytes = b"", **extra) -> dict:
    return {"PATH_INFO": path, "wsgi.input": io.BytesIO(body),
            "CONTENT_LENGTH": str(len(body)) if body else "", **extra}


def test_requests_run_on_the_pool_with_their_body_and_streams_stay() -> None:
    seen: list = []
    app = RequestsOnThreads(_app(seen), Pool())
    assert app(_environ("/api/v1/tickets", b'{"x": 1}'), lambda *a: None) == [b"ab"]
    assert seen[-1] == ("pool", b'{"x": 1}')
    assert list(app(_environ("/api/v1/events"), lambda *a: None)) == [b"a", b"b"]
    assert seen[-1][0] == threading.current_thread().name  # the hub's, here the test's


def test_a_body_too_big_is_left_for_the_app_to_refuse() -> None:
    seen: list = []
    app = RequestsOnThreads(_app(seen), Pool(), max_body=4)
    app(_environ("/api/v1/tickets", b"12345"), lambda *a: None)
    assert seen[-1] == ("pool", b"")


def test_half_a_body_then_quiet_is_a_408() -> None:
    statuses: list = []
    app = RequestsOnThreads(_app([]), Pool())
    env = {"PATH_INFO": "/api/v1/tickets", "wsgi.input": Slow(), "CONTENT_LENGTH": "100"}
    assert app(env, lambda status, headers: statuses.append(status)) == []
    assert statuses == ["408 Request Timeout"]


class Body:
    """An answer whose ``close`` notes the thread it ran on."""

    def __init__(self, closed: list):
        self.closed = closed

    def __iter__(self):
        return iter([b"a", b"b"])

    def close(self) -> None:
        self.closed.append(threading.current_thread().name)


def test_an_answer_is_closed_once_the_server_has_sent_it_not_on_the_pool() -> None:
    closed: list = []

    def app(environ, start_response):
        start_response("200 OK", [])
        return Body(closed)

    answer = RequestsOnThreads(app, Pool())(_environ("/api/v1/tickets"), lambda *a: None)
    assert list(answer) == [b"ab"]
    assert closed == []  # still in progress (RequestsInFlight): the bus holds its fan-out
    answer.close()  # the server, after the last byte
    assert closed == [threading.current_thread().name]
