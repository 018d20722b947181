"""Two server processes on one PostgreSQL database: a screen on one sees calls made on the other."""

from __future__ import annotations

import json

import requests


def _events(server):
    r = requests.get(server.api("/events"), stream=True, timeout=(5, 10))
    lines = r.iter_lines(decode_unicode=True)

    def next_event(kinds: tuple[str, ...] | None = None) -> tuple[str, dict]:
        """The next message, or with ``kinds``, the next of those kinds."""
        event, data = None, []
        for line in lines:
            if line.startswith("event: "):
                event = line[7:]
            elif line.startswith("data: "):
                data.append(line[6:])
            elif line == "" and event and event != "keepalive" and (kinds is None or event in kinds):
                return event, json.loads("\n".join(data))
            elif line == "":
                event, data = None, []
        raise EOFError

    return r, next_event


def test_screen_on_one_process_sees_calls_made_on_another(start_server, demo_config_text, pg_url):
    text = demo_config_text.replace('url = ""', f'url = "{pg_url}"')
    a = start_server(text)
    b = start_server(text)
    a.add_officer("an", counters="quay-1,quay-2")
    kiosk = {"Authorization": "Bearer demo-kiosk-1-token-not-secret"}
    token = requests.post(b.api("/auth/login"), json={"username": "an", "password": "matkhau-123"},
                          timeout=5).json()["token"]
    stream, next_event = _events(a)
    try:
        assert next_event()[0] == "snapshot"
        t = requests.post(b.api("/tickets"), json={"service_id": "ho-tich"}, headers=kiosk, timeout=5)
        assert t.status_code == 201
        kind, body = next_event(("ticket.issued", "ticket.called"))
        assert kind == "ticket.issued" and body["data"]["number"] == "1001"
        r = requests.post(b.api("/counters/quay-1/call-next"),
                          headers={"Authorization": f"Bearer {token}"}, timeout=5)
        assert r.json()["ticket"]["number"] == "1001"
        kind, body = next_event(("ticket.issued", "ticket.called"))
        assert kind == "ticket.called" and body["data"]["counter_number"] == 1
        while True:  # the display that follows the call shows it
            _, display = next_event(("snapshot",))
            if display["last_event_id"] >= body["id"]:
                break
        q1 = next(c for c in display["counters"] if c["id"] == "quay-1")
        assert q1["ticket"]["number"] == "1001"
        # and a ticket issued through A is seen by B's snapshot
        requests.post(a.api("/tickets"), json={"service_id": "ho-tich"}, headers=kiosk, timeout=5)
        assert requests.get(b.api("/services"), timeout=5).json()[0]["waiting"] == 1
    finally:
        stream.close()
