"""Event streams are capped per server process, so screens never take every worker thread."""

from __future__ import annotations

import json

import requests

from display_server.events.slots import StreamSlots, stream_limit
from tests.clients import Api
from tests.conftest import open_stream, reset, wait_for

THREADS = 12
LIMIT = 8  # stream_limit(12): 4 threads stay for requests


def test_stream_limit_leaves_threads_for_requests() -> None:
    assert stream_limit(THREADS) == LIMIT
    assert stream_limit(64) == 48
    assert stream_limit(152) == 114  # 40 counters' default pool
    assert stream_limit(2) == 1


def test_slots_refuse_beyond_the_limit_and_free_on_release() -> None:
    slots = StreamSlots(2)
    assert slots.acquire() and slots.acquire()
    assert not slots.acquire()
    slots.release()
    assert slots.acquire()
    assert StreamSlots(None).acquire()


def test_a_full_server_turns_screens_away_and_still_answers_officers(start_server,
                                                                     demo_config_text) -> None:
    server = start_server(demo_config_text.replace(
        "threads = 0 ", f"sse_keepalive_s = 1\nthreads = {THREADS} "))
    server.add_officer("an", counters="quay-1,quay-2")
    api = Api(server)
    streams = []
    try:
        for _ in range(LIMIT):
            s, head = open_stream(server.port)
            assert head.startswith(b"HTTP/1.1 200"), head
            streams.append(s)

        with requests.get(server.api("/events"), timeout=5, stream=True) as r:
            assert r.status_code == 503
            assert r.headers["Retry-After"] == "5"
            body = r.content
        error = json.loads(body)["error"]
        assert error["code"] == "too_many_streams"
        assert "màn hình" in error["message"]

        # every stream slot taken, yet an officer logs in and calls at once
        api.login("an")
        api.issue("ho-tich")
        r = api.act("quay-1", "call-next")
        assert r.status_code == 200 and r.json()["ticket"]["number"], r.text
        health = requests.get(server.api("/health"), timeout=5).json()
        assert health["event_streams"] == {"open": LIMIT, "limit": LIMIT}

        reset(streams.pop())  # a screen goes away: its slot comes back at the next keepalive
        wait_for(lambda: requests.get(server.api("/health"), timeout=5)
                 .json()["event_streams"]["open"] == LIMIT - 1, "a slot back", timeout_s=5)
        s, head = open_stream(server.port)
        streams.append(s)
        assert head.startswith(b"HTTP/1.1 200"), head
    finally:
        for s in streams:
            reset(s)
