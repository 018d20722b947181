"""RequestsInFlight: counts ordinary requests until their body is closed, skips event streams."""

from __future__ import annotations

import threading

import pytest

from display_server.inflight import RequestsInFlight


def _app(body: list[bytes], fail: bool = False):
    def app(environ, start_response):
        if fail:
            raise RuntimeError("boom")
        start_response("200 OK", [("Content-Type", "text/plain")])
        return body
    return app


def _environ(path: str) -> dict:
    return {"PATH_INFO": path, "REQUEST_METHOD": "GET"}


def test_a_request_counts_until_its_body_is_closed() -> None:
    inflight = RequestsInFlight(_app([b"ok"]))
    body = inflight(_environ("/api/v1/display"), lambda *a: None)
    assert inflight.count == 1
    assert not inflight.wait_idle(0.01)
    assert b"".join(body) == b"ok"
    assert inflight.count == 1  # read but not closed: the server is still sending it
    body.close()
    body.close()  # a second close changes nothing
    assert inflight.count == 0
    assert inflight.wait_idle(0.01)


def test_an_app_that_raises_is_not_counted_forever() -> None:
    inflight = RequestsInFlight(_app([], fail=True))
    with pytest.raises(RuntimeError):
        inflight(_environ("/api/v1/tickets"), lambda *a: None)
    assert inflight.count == 0


def test_event_streams_are_not_requests_in_progress() -> None:
    inflight = RequestsInFlight(_app([b"data: 1\n\n"]))
    inflight(_environ("/api/v1/events"), lambda *a: None)
    assert inflight.count == 0


def test_wait_idle_wakes_when_the_last_request_ends() -> None:
    inflight = RequestsInFlight(_app([b"ok"]))
    bodies = [inflight(_environ(f"/r{i}"), lambda *a: None) for i in range(2)]
    woke = threading.Event()
    waiter = threading.Thread(target=lambda: inflight.wait_idle(10) and woke.set())
    waiter.start()
    bodies[0].close()
    assert not woke.wait(0.05)  # one request still runs
    bodies[1].close()
    waiter.join(5)
    assert woke.is_set()
