"""What the Flask app holds for its requests: config, database, engine, accounts, events, voice."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime

from config.schema import Config

from .accounts import Accounts
from .events import EventBus
from .present import display_snapshot
from .queue import QueueEngine
from .storage import Database

log = logging.getLogger(__name__)


@dataclass
class Services:
    config: Config
    db: Database
    engine: QueueEngine
    accounts: Accounts
    bus: EventBus
    devices_seen: dict[str, dict] = field(default_factory=dict)
    _voice: object | None = None
    _voice_lock: threading.Lock = field(default_factory=threading.Lock)

    @classmethod
    def build(cls, config: Config, db: Database, clock=None) -> Services:
        engine = QueueEngine(config, db, clock=clock)
        services = cls(config=config, db=db, engine=engine,
                       accounts=Accounts(db, {c.id for c in config.counters}),
                       bus=EventBus())
        services.bus.snapshot = services.snapshot
        if db.is_sqlite:  # one process: the engine hands events over directly
            engine.publishers.append(services.publish)
        else:  # many processes: every event, ours too, comes back through LISTEN/NOTIFY
            from .events.pg_relay import PgEventRelay

            PgEventRelay(db, engine.events_after, engine.last_event_id, services.bus.publish).start()
        return services

    def publish(self, event) -> None:
        """Hand a committed event to the bus; inside a request, only once the response has been
        sent, so pushing it to every screen does not delay the officer's answer."""
        from flask import after_this_request, g, has_request_context

        if not has_request_context():
            self.bus.publish(event)
            return
        pending = g.setdefault("pending_events", [])
        if not pending:
            @after_this_request
            def _send_later(response):
                response.call_on_close(lambda: [self.bus.publish(e) for e in pending])
                return response
        pending.append(event)

    def snapshot(self) -> dict:
        return display_snapshot(self.engine)

    @property
    def announcer(self):
        """The voice announcer, built on first use (None when voice is off)."""
        with self._voice_lock:
            if self._voice is None:
                from .voice import Announcer

                self._voice = Announcer.from_config(self.config)
            return self._voice

    def heartbeat(self, device_id: str, info: dict) -> None:
        self.devices_seen[device_id] = {**info, "last_seen": datetime.now(UTC).isoformat()}
