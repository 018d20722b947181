"""What the Flask app holds for its requests: config, database, engine, accounts, events, voice."""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import select, update

from config.schema import Config
from motcua.core.accounts import Accounts
from motcua.core.appointments import AppointmentBook
from motcua.core.queue import QueueEngine
from motcua.core.remote import RemoteDesk
from motcua.core.storage import Database

from .disk import DiskSpace
from .events import EventBus
from .events.admission import StreamAdmission
from .login_throttle import LoginThrottle
from .present import DisplayJSON, display_snapshot

if TYPE_CHECKING:
    from motcua.core.queue.pg_relay import PgEventRelay

log = logging.getLogger(__name__)


@dataclass
class Services:
    config: Config
    db: Database
    engine: QueueEngine
    accounts: Accounts
    bus: EventBus
    disk: DiskSpace
    """The folders this server writes to: free space, and whether a failure means a full disk."""
    appointments: AppointmentBook | None = None
    """Booked times, on the engine (its transactions, events and number series)."""
    remote: RemoteDesk | None = None
    """Remote tickets (lấy số từ xa), on the engine, within the centre's limits."""
    streams: StreamAdmission = field(default_factory=StreamAdmission)
    login_throttle: LoginThrottle | None = None
    """Failed logins per address and account, in the database (every process counts them)."""
    _voice: object | None = None
    _shared: Callable[..., DisplayJSON] | None = None
    _relay: PgEventRelay | None = None
    _voice_lock: threading.Lock = field(default_factory=threading.Lock)
    started_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    """When this server process began serving (the admin dashboard's "running since")."""
    requests_seen: dict[str, tuple[datetime, str]] = field(default_factory=dict)
    """Each device's last authenticated request to this process (when, from where): a kiosk
    that issues tickets is in contact, whatever its heartbeats say."""

    @classmethod
    def build(cls, config: Config, db: Database, clock=None, *, salt: str = "") -> Services:
        """The services of ``config`` on ``db``; ``salt`` (the server's secret) keys the hashes
        of the phones and addresses that take remote tickets or book."""
        engine = QueueEngine(config, db, clock=clock)
        services = cls(config=config, db=db, engine=engine,
                       accounts=Accounts(db, {c.id for c in config.counters}),
                       bus=EventBus(), disk=DiskSpace(_folders(config, db)),
                       streams=StreamAdmission.sized(config.server.streams_per_address),
                       appointments=AppointmentBook(engine, salt=salt),
                       remote=RemoteDesk(engine, salt=salt),
                       login_throttle=LoginThrottle(db, lambda: engine.now()[0], salt=salt))
        services.bus.snapshot = services.display_json
        if db.is_sqlite:  # one process: the engine hands events over directly
            engine.publishers.append(services.bus.publish)
        else:  # many processes: every event, ours too, comes back through LISTEN/NOTIFY
            from motcua.core.queue.pg_relay import PgEventRelay

            from .shared_display import SharedDisplay

            relay = PgEventRelay(db, engine.events_after, engine.last_event_id,
                                 services.bus.publish)
            relay.start()
            services._relay = relay
            services._shared = SharedDisplay(db, lambda: display_snapshot(engine),
                                             lambda: relay.last, engine.last_event_id,
                                             zone=config.zone)
        return services

    def close(self) -> None:
        """Stop listening for other processes' events and close the database's connections."""
        if self._relay is not None:
            self._relay.stop()
        self.db.dispose()

    def display_json(self, *, fresh: bool = False) -> DisplayJSON:
        """The public display, serialised: on PostgreSQL the one all server processes share, as
        new as the events this process has heard of (``fresh``: as the last commit, from any
        process)."""
        if self._shared is not None:
            return self._shared(fresh=fresh)
        return DisplayJSON.of(display_snapshot(self.engine))

    def snapshot(self, *, fresh: bool = False) -> dict:
        """:meth:`display_json` as a dict (for pages that build on it)."""
        if self._shared is not None:
            return self._shared(fresh=fresh).parse()
        return display_snapshot(self.engine)

    @property
    def announcer(self):
        """The voice announcer, built on first use (None when voice is off)."""
        with self._voice_lock:
            if self._voice is None:
                from .voice import Announcer

                self._voice = Announcer.from_config(self.config)
            return self._voice

    def heartbeat(self, device_id: str, kind: str, info: dict, address: str = "") -> None:
        """Keep a device's latest heartbeat (in the database: every server process sees it)."""
        from motcua.core.storage import tables as t
        from motcua.core.storage.upsert import insert_ignore

        values = {"kind": kind, "last_seen": datetime.now(UTC).replace(tzinfo=None),
                  "address": address[:64], "info": json.dumps(info, ensure_ascii=False)}
        with self.db.write() as conn:
            conn.execute(insert_ignore(conn, t.device_status, {"device_id": device_id, **values},
                                       ["device_id"]))
            conn.execute(update(t.device_status).where(t.device_status.c.device_id == device_id)
                         .values(**values))

    def devices(self) -> list[dict]:
        """Every configured device with its latest heartbeat (None if never seen)."""
        from motcua.core.storage import tables as t

        with self.db.read() as conn:
            rows = {r.device_id: r for r in conn.execute(select(t.device_status))}
        out = []
        for d in self.config.devices:
            r = rows.get(d.id)
            beat = r.last_seen.replace(tzinfo=UTC) if r else None
            request, address = self.requests_seen.get(d.id, (None, ""))
            seen = max((t for t in (beat, request) if t is not None), default=None)
            out.append({
                "id": d.id, "kind": d.kind, "name": d.name,
                "last_seen": seen.isoformat() if seen else None,
                "address": (r.address if r else "") or address,
                "info": json.loads(r.info) if r else {},
            })
        return out


def _folders(config: Config, db: Database) -> list[Path]:
    """The data folder, and the SQLite database's folder when it lives elsewhere."""
    folders = [config.data_path]
    if db.is_sqlite and db.url.database and db.url.database != ":memory:":
        folders.append(Path(db.url.database).resolve().parent)
    return folders
