"""The service day: the rollover at the day's first write, the day's numbering round and
closed fields, a manual reset, hall notices."""

from __future__ import annotations

import json
import logging

from sqlalchemy import Connection, bindparam, select, update

from ..storage import tables as t
from ..storage.prepared import Prepared
from ..storage.upsert import insert_ignore
from .base import Tx
from .model import AT_COUNTER_STATES, WAITING_STATES, TicketState

log = logging.getLogger(__name__)

_META_VALUES = select(t.meta.c.key, t.meta.c.value).where(  # the day, its round, closed fields
    t.meta.c.key.in_([bindparam("b_day_key"), bindparam("b_round_key"), bindparam("b_closed_key")]))


_NOTICES = Prepared(select(t.meta.c.value).where(t.meta.c.key == "notices"))

# An issue shares the day's rows (the day, its round, its closed fields); a reset or a closed
# field takes them alone: a ticket is never numbered in a round, or a field, that just ended.
# With a hall cap, issues take them alone too: each counts the people waiting after the one
# before. One statement locks the three rows, always in the same order.
_DAY_ROWS = {"": Prepared(_META_VALUES),
             "share": Prepared(_META_VALUES.with_for_update(read=True)),
             "alone": Prepared(_META_VALUES.with_for_update())}


class DayRollover:
    """The day's rows in ``meta``: rollover, round, closed fields, notices."""

    def _roll_day(self, tx: Tx) -> None:
        if self._known_day == tx.day:
            return
        conn = tx.conn
        # The day's rows exist before any write reads them with a lock (see _day_flags).
        for key, value in (("day", tx.day), (f"round:{tx.day}", "0"), (f"closed:{tx.day}", "[]")):
            conn.execute(insert_ignore(conn, t.meta, {"key": key, "value": value}, ["key"]))
        stored = conn.execute(
            select(t.meta.c.value).where(t.meta.c.key == "day").with_for_update()
        ).scalar_one()
        if stored < tx.day:
            conn.execute(  # counters before tickets: the order every writer locks them in
                update(t.counter_states).values(
                    current_ticket_id=None, paused=False, pause_reason="",
                    normals_since_priority=0, updated_at=tx.now,
                )
            )
            expired = conn.execute(
                update(t.tickets)
                .where(t.tickets.c.day < tx.day,
                       t.tickets.c.state.in_(WAITING_STATES + (TicketState.SKIPPED,)))
                .values(state=TicketState.EXPIRED)
            ).rowcount
            closed = conn.execute(
                update(t.tickets)
                .where(t.tickets.c.day < tx.day, t.tickets.c.state.in_(AT_COUNTER_STATES))
                .values(state=TicketState.DONE)
            ).rowcount
            conn.execute(update(t.meta).where(t.meta.c.key == "day").values(value=tx.day))
            tx.log("day.reset", "system", day=tx.day, previous_day=stored,
                   expired=expired, closed_at_counter=closed)
            log.info("new service day %s: %d waiting tickets expired", tx.day, expired)
        day = tx.day
        tx.after_commit.append(lambda: setattr(self, "_known_day", day))  # not if rolled back

    def _day_flags(self, conn: Connection, day: str, *, lock: str = "") -> dict:
        """Today's numbering round and the fields closed for the rest of the day; with ``lock``
        ("share" or "alone"), they (and the ``day`` row) cannot change until the transaction
        ends. Locked rows are read as the last writer before left them: they exist from the
        day's first write on (:meth:`_roll_day`), so none appears after this statement began."""
        rows = dict(_DAY_ROWS[lock].run(conn, {
            "b_day_key": "day", "b_round_key": f"round:{day}", "b_closed_key": f"closed:{day}"}).all())
        return {"round": int(rows.get(f"round:{day}", 0)),
                "closed": set(json.loads(rows.get(f"closed:{day}", "[]")))}

    def _set_meta(self, conn: Connection, key: str, value: str) -> None:
        conn.execute(insert_ignore(conn, t.meta, {"key": key, "value": value}, ["key"]))
        conn.execute(update(t.meta).where(t.meta.c.key == key).values(value=value))

    def closed_today(self) -> set[str]:
        with self.db.read() as conn:
            return self._day_flags(conn, self.today())["closed"]

    def close_field(self, field_id: str, *, reopen: bool = False, actor: str = "system") -> None:
        """Stop (or, with ``reopen``, restart) issuing tickets of a field for the rest of today."""
        fld = self.field(field_id)

        def op() -> None:
            with self.write() as tx:
                closed = self._day_flags(tx.conn, tx.day, lock="alone")["closed"]
                changed = (fld.id in closed) == reopen
                closed = closed - {fld.id} if reopen else closed | {fld.id}
                self._set_meta(tx.conn, f"closed:{tx.day}", json.dumps(sorted(closed)))
                if changed:
                    tx.log("service.reopened" if reopen else "service.closed", actor,
                           service_id=fld.id)  # the audit log's (and events') key

        self.run(op)

    def reset_day(self, *, actor: str = "system") -> int:
        """Start today again: waiting and missed tickets expire, counters are cleared and numbers
        restart from the first; returns how many waiting tickets expired."""
        def op() -> int:
            with self.write() as tx:
                c = t.tickets.c
                # the day's rows first: waits for issues under way; later ones wait for this
                new_round = self._day_flags(tx.conn, tx.day, lock="alone")["round"] + 1
                tx.conn.execute(update(t.counter_states).values(  # counters before tickets
                    current_ticket_id=None, paused=False, pause_reason="", normals_since_priority=0,
                    updated_at=tx.now))
                expired = tx.conn.execute(
                    update(t.tickets).where(c.day == tx.day,
                                            c.state.in_(WAITING_STATES + (TicketState.SKIPPED,)))
                    .values(state=TicketState.EXPIRED)).rowcount
                tx.conn.execute(update(t.tickets).where(c.day == tx.day,
                                                        c.state.in_(AT_COUNTER_STATES))
                                .values(state=TicketState.DONE, finished_at=tx.now))
                tx.conn.execute(update(t.sequences).where(t.sequences.c.day == tx.day)
                                .values(last_seq=0))
                self._set_meta(tx.conn, f"round:{tx.day}", str(new_round))
                tx.log("day.reset", actor, day=tx.day, manual=True, round=new_round, expired=expired)
                return expired

        return self.run(op)

    def notices(self) -> list[str]:
        """Hall notices: as edited by an admin, else those in the config."""
        with self.db.read() as conn:
            value = _NOTICES.run(conn).scalar_one_or_none()
        return json.loads(value) if value is not None else list(self.config.display.notices)

    def set_notices(self, notices: list[str], *, actor: str = "system") -> list[str]:
        clean = [n.strip()[:300] for n in notices if n and n.strip()][:20]
        with self.write() as tx:
            self._set_meta(tx.conn, "notices", json.dumps(clean, ensure_ascii=False))
            tx.log("notice.changed", actor, notices=clean)
        return clean
