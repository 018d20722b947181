"""Events between server processes and hosts on PostgreSQL: LISTEN for the notification each
write transaction sends (it carries the transaction's events when they fit) and publish them on
the local bus; read the audit log only to fill a gap."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from ..storage.database import EVENTS_CHANNEL, Database
from .events import Event, parse_notify_payload

log = logging.getLogger(__name__)


class PgEventRelay:
    """A background thread: every committed event, from any process, reaches ``publish`` once
    and in id order. A periodic catch-up covers notifications lost while reconnecting."""

    def __init__(self, db: Database, events_after: Callable[[int, int], list[Event]],
                 last_event_id: Callable[[], int], publish: Callable[[Event], None],
                 *, poll_s: float = 2.0):
        self.db = db
        self.events_after = events_after
        self.last_event_id = last_event_id
        self.publish = publish
        self.poll_s = poll_s
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.last = 0

    def start(self) -> None:
        self.last = self.last_event_id()
        self._thread = threading.Thread(target=self._run, name="pg-event-relay", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()

    def _conninfo(self) -> str:
        return self.db.url.set(drivername="postgresql").render_as_string(hide_password=False)

    def _run(self) -> None:
        import psycopg

        backoff = 0.5
        while not self._stop.is_set():
            try:
                with psycopg.connect(self._conninfo(), autocommit=True) as conn:
                    conn.execute(f"LISTEN {EVENTS_CHANNEL}")
                    backoff = 0.5
                    self._catch_up()
                    while not self._stop.is_set():
                        got = False
                        for note in conn.notifies(timeout=self.poll_s, stop_after=1):
                            got = True
                            self._take(note.payload)
                        if not got:  # quiet for poll_s: a lost notification shows up here
                            self._catch_up()
            except Exception as exc:  # database restarting, network cut: retry
                log.warning("event relay lost PostgreSQL (%s); retrying in %.1f s", exc, backoff)
                self._stop.wait(backoff)
                backoff = min(backoff * 2, 10.0)

    def _take(self, payload: str) -> None:
        """Publish the events a notification carries; read the audit log when it carried only
        an id, or when events are missing before these (one lost while reconnecting)."""
        events, last_id = parse_notify_payload(payload)
        if last_id <= self.last:
            return  # already published (a catch-up read it before its notification came)
        if not events or events[0].id != self.last + 1:
            self._catch_up()
            return
        for ev in events:
            self.publish(ev)
            self.last = ev.id

    def _catch_up(self) -> None:
        while True:
            batch = self.events_after(self.last, 500)
            for ev in batch:
                self.publish(ev)
                self.last = ev.id
            if len(batch) < 500:
                return
