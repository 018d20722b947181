"""The remote desk: issue a ticket to a phone through the queue engine, within the limits.

One transaction of the engine: the kiosk's own issue (number series, ticket hours, the field's
daily cap, the hall's cap, the same ``request_id`` answering the same ticket), then the day's
counts of the field's remote tickets, the phone's and its address's, each a row incremented
(and locked on PostgreSQL) in ``remote_counts``; past a limit the whole issue is rolled back.
So the limits hold across server processes and no number is given twice."""

from __future__ import annotations

import hashlib
import ipaddress
from datetime import datetime, timedelta

from sqlalchemy import bindparam, delete

from config.schema import FieldConfig

from ..queue import QueueEngine, Ticket, Tx
from ..storage import tables as t
from ..storage.prepared import Prepared
from ..storage.upsert import upsert_increment
from .errors import refuse

_COUNT = Prepared(upsert_increment(t.remote_counts, {"day": "b_day", "key": "b_key"}, "taken"))
_FORGET = Prepared(delete(t.remote_counts).where(t.remote_counts.c.day < bindparam("b_day")))


class RemoteDesk:
    """Remote tickets of one centre over a :class:`QueueEngine`. ``salt`` (the server's secret)
    keys the hashes of phone ids and addresses kept in the counts: the database keeps neither."""

    def __init__(self, engine: QueueEngine, *, salt: str = ""):
        self.engine = engine
        self.config = engine.config
        self.rules = engine.config.remote
        self.salt = salt
        self._networks = [ipaddress.ip_network(n) for n in self.rules.networks]
        self._forgot_day: str | None = None

    def allowed(self, address: str) -> bool:
        """Whether ``address`` may take remote tickets (the centre's networks, if it set any)."""
        if not self._networks:
            return True
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:
            return False
        if ip.version == 6 and ip.ipv4_mapped is not None:
            ip = ip.ipv4_mapped
        return any(ip in n for n in self._networks)

    def check(self, address: str) -> None:
        """Refuse before anything is chosen: remote tickets off, or not from the centre's
        networks."""
        if not self.rules.enabled:
            refuse("remote_off")
        if not self.allowed(address):
            refuse("outside_network")

    def issue(self, field_id: str, *, phone: str, address: str, request_id: str | None = None,
              actor: str = "remote") -> tuple[Ticket, bool]:
        """Issue the next ticket of ``field_id`` to ``phone`` (its long-lived id) at ``address``:
        (ticket, created). Refuses with the engine's codes (``closed``, ``daily_cap``,
        ``hall_full``, ``unknown_field``) and ``remote_off``, ``outside_network``,
        ``remote_cap``, ``remote_phone_limit``, ``remote_address_limit`` (with
        ``retry_after_s``, until the next day)."""
        self.check(address)
        engine = self.engine
        fld = engine.field(field_id)
        field_cap = self.rules.field_cap(fld)

        def op() -> tuple[Ticket, bool]:
            # a double tap reaching two server threads or processes: run again, it finds that
            # ticket
            with engine.write(duplicate_is_conflict=True) as tx:
                return self._issue_in(tx, fld, field_cap, phone, address, request_id, actor)

        return engine.run(op)

    def _issue_in(self, tx: Tx, fld: FieldConfig, field_cap: int, phone: str, address: str,
                  request_id: str | None, actor: str) -> tuple[Ticket, bool]:
        engine = self.engine
        ticket, created = engine.issue_in(tx, fld, request_id=request_id, actor=actor,
                                          channel="remote")
        if not created:
            return ticket, False
        self._forget_past_days(tx.conn, tx.day)
        if self._count(tx.conn, tx.day, f"field:{fld.id}") > field_cap > 0:
            refuse("remote_cap", field_id=fld.id, remote_cap=field_cap)
        wait = _until_tomorrow(tx.local)
        limit = self.rules.per_phone_per_day
        if self._count(tx.conn, tx.day, "phone:" + self._hash(phone)) > limit:
            refuse("remote_phone_limit", limit=limit, retry_after_s=wait)
        limit = self.rules.address_limit
        if self._count(tx.conn, tx.day, "address:" + self._hash(address)) > limit:
            refuse("remote_address_limit", limit=limit, retry_after_s=wait)
        return ticket, True

    def _count(self, conn, day: str, key: str) -> int:
        return _COUNT.run(conn, {"b_day": day, "b_key": key}).scalar_one()

    def _hash(self, value: str) -> str:
        return hashlib.sha256(f"{self.salt}\0{value}".encode()).hexdigest()[:32]

    def _forget_past_days(self, conn, day: str) -> None:
        if self._forgot_day != day:
            _FORGET.run(conn, {"b_day": day})
            self._forgot_day = day  # set before the commit: at worst forgotten one day later


def _until_tomorrow(local: datetime) -> int:
    """Seconds from ``local`` (the centre's time) to its next midnight."""
    midnight = (local + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    return max(1, int((midnight - local).total_seconds()))
