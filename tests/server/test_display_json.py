"""A display snapshot travels as JSON text: stored once, sent on without being parsed again."""

from __future__ import annotations

import json
from datetime import datetime
from zoneinfo import ZoneInfo

from display_server.events.bus import event_message
from display_server.present import DisplayJSON
from display_server.shared_display import sent_display, stored_display, stored_last_event_id
from motcua.core.queue.events import Event

SNAP = {"centre": {"name": "Trung tâm Phục vụ hành chính công"}, "day": "2026-12-02",
        "server_time": "2026-12-02T08:00:00+07:00", "last_event_id": 42,
        "counters": [{"id": "quay-1", "ticket": None}], "notices": ["Nghỉ trưa 11:30–13:30"]}
ZONE = ZoneInfo("Asia/Ho_Chi_Minh")


def test_stored_text_keeps_everything_but_the_time_and_tells_its_event_id() -> None:
    stored = stored_display(SNAP)
    assert stored_last_event_id(stored) == 42
    assert "server_time" not in json.loads(stored)
    sent = sent_display(stored, ZONE)
    assert sent.last_event_id == 42
    shown = sent.parse()
    assert datetime.fromisoformat(shown.pop("server_time")).utcoffset().total_seconds() == 7 * 3600
    assert shown == {k: v for k, v in SNAP.items() if k != "server_time"}


def test_text_that_is_not_a_stored_snapshot_is_refused() -> None:
    for text in ('{"garbage', '{"day": "x", "last_event_id": 1}', '{"last_event_id": 7, "a": 1',
                 ""):
        assert stored_last_event_id(text) is None


def test_an_event_message_joins_the_display_text_as_it_is() -> None:
    ev = Event(id=43, kind="ticket.called", at=datetime(2026, 12, 2, 1, 0), actor="officer:3",
               data={"ticket_id": 9, "number": "1001", "officer_id": 3})
    for display in (DisplayJSON.of(SNAP), None):
        msg = event_message(ev, display).decode()
        assert msg.startswith("id: 43\nevent: ticket.called\ndata: ")
        payload = json.loads(msg.split("data: ", 1)[1])
        assert payload == {"id": 43, "kind": "ticket.called", "at": "2026-12-02T01:00:00Z",
                           "data": {"ticket_id": 9, "number": "1001"},
                           "display": SNAP if display else None}
