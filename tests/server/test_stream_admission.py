"""Event streams are admitted per client address (anonymous ones) and up to a cap sized from
memory, so one greedy client cannot take the hall's screens away."""

from __future__ import annotations

import json

import requests

from display_server.events import admission
from display_server.events.admission import FULL, PER_ADDRESS, StreamAdmission, global_limit
from tests.clients import Api
from tests.conftest import open_stream, reset, wait_for

PER_ADDRESS_CAP = 3
KIOSK_TOKEN = "demo-kiosk-1-token-not-secret"  # a configured device of the demo config


def test_the_global_cap_is_sized_from_memory_and_open_files() -> None:
    mib = 1024 * 1024
    assert global_limit(memory=512 * mib, files=100_000) == 512 * mib // 4 // (128 * 1024)
    assert global_limit(memory=64 * 1024 * mib, files=4096) == 4096 - 200  # files run out first
    assert global_limit(memory=8 * mib, files=100_000) == admission.MIN_STREAMS
    assert global_limit(memory=10**15, files=10**9) == admission.MAX_STREAMS


def test_anonymous_streams_are_capped_per_address_and_registered_ones_are_not() -> None:
    streams = StreamAdmission(limit=100, per_address=2)
    assert streams.admit("10.0.0.5", anonymous=True) is None
    assert streams.admit("10.0.0.5", anonymous=True) is None
    assert streams.admit("10.0.0.5", anonymous=True) == PER_ADDRESS
    assert PER_ADDRESS.status == 429
    assert streams.admit("10.0.0.6", anonymous=True) is None  # another phone
    assert streams.admit("10.0.0.5", anonymous=False) is None  # a registered screen there
    streams.release("10.0.0.5", anonymous=True)
    assert streams.admit("10.0.0.5", anonymous=True) is None
    assert streams.open == 4 and streams.from_address("10.0.0.5") == 2


def test_a_full_process_refuses_anonymous_streams_first() -> None:
    streams = StreamAdmission(limit=10, per_address=None)
    for i in range(9):  # 90% for anonymous streams
        assert streams.admit(f"10.0.1.{i}", anonymous=True) is None
    assert streams.admit("10.0.2.1", anonymous=True) == FULL
    assert FULL.status == 503
    assert streams.admit("10.0.2.2", anonymous=False) is None  # an officer's page still opens
    assert streams.admit("10.0.2.3", anonymous=False) == FULL
    assert StreamAdmission().admit("x", anonymous=True) is None  # no caps


def test_a_greedy_address_is_refused_past_its_cap_while_a_new_screen_still_connects(
        start_server, demo_config_text) -> None:
    server = start_server(demo_config_text.replace(
        "streams_per_address = 8 ", f"streams_per_address = {PER_ADDRESS_CAP} "))
    server.add_officer("an", counters="quay-1,quay-2")
    api = Api(server)
    greedy, streams = "127.0.3.7", []
    try:
        for _ in range(PER_ADDRESS_CAP):
            s, head = open_stream(server.port, greedy)
            assert head.startswith(b"HTTP/1.1 200"), head
            streams.append(s)
        for _ in range(5):  # it keeps trying: each time 429, nothing held
            s, head = open_stream(server.port, greedy)
            while not head.endswith(b"}"):  # the body may follow the head in another packet
                head += s.recv(4096)
            reset(s)
            assert head.startswith(b"HTTP/1.1 429"), head
        assert b"\r\nRetry-After: 10\r\n" in head
        error = json.loads(head.split(b"\r\n\r\n", 1)[1])["error"]
        assert error["code"] == "too_many_streams_from_address"
        assert "kết nối" in error["message"]

        # a new hall screen elsewhere connects; a registered screen at the greedy address too
        s, head = open_stream(server.port, "127.0.3.8")
        streams.append(s)
        assert head.startswith(b"HTTP/1.1 200"), head
        s, head = open_stream(server.port, greedy, f"?device={KIOSK_TOKEN}")
        streams.append(s)
        assert head.startswith(b"HTTP/1.1 200"), head
        s, head = open_stream(server.port, greedy, "?device=not-a-token-of-this-centre")
        reset(s)
        assert head.startswith(b"HTTP/1.1 429"), head

        # and the officers are answered at once
        api.login("an")
        api.issue("ho-tich")
        r = api.act("quay-1", "call-next")
        assert r.status_code == 200 and r.json()["ticket"]["number"], r.text
        health = requests.get(server.api("/health"), timeout=5).json()["event_streams"]
        assert health["open"] == PER_ADDRESS_CAP + 2
        assert health["per_address"] == PER_ADDRESS_CAP and health["limit"] >= 200

        reset(streams.pop(0))  # one of the greedy streams goes: its place comes back
        wait_for(lambda: requests.get(server.api("/health"), timeout=5)
                 .json()["event_streams"]["open"] == PER_ADDRESS_CAP + 1, "a place back",
                 timeout_s=5)
        s, head = open_stream(server.port, greedy)
        streams.append(s)
        assert head.startswith(b"HTTP/1.1 200"), head
    finally:
        for s in streams:
            reset(s)
