"""A counter's presence: paused (with a reason) or resumed, and the officer who sits there."""

from __future__ import annotations

from sqlalchemy import update

from ..storage import tables as t


class Pauses:
    """Pause, resume, sign in."""

    def pause(self, counter_id: str, reason: str = "", *, actor: str = "system") -> None:
        """Pause the counter (e.g. "Đi họp"); it calls nobody until it resumes or calls next."""
        counter = self.counter(counter_id)
        reason = (reason or "").strip()[:200]
        with self.write() as tx:
            self._counter_state(tx, counter_id)
            tx.conn.execute(update(t.counter_states)
                            .where(t.counter_states.c.counter_id == counter_id)
                            .values(paused=True, pause_reason=reason, updated_at=tx.now))
            tx.log("counter.paused", actor, counter_id=counter_id,
                   counter_number=counter.number, reason=reason)

    def resume(self, counter_id: str, *, actor: str = "system") -> bool:
        """Resume a paused counter; False (and no event) when it was not paused."""
        counter = self.counter(counter_id)
        with self.write() as tx:
            state = self._counter_state(tx, counter_id)
            if not state.paused:
                return False
            tx.conn.execute(update(t.counter_states)
                            .where(t.counter_states.c.counter_id == counter_id)
                            .values(paused=False, pause_reason="", updated_at=tx.now))
            tx.log("counter.resumed", actor, counter_id=counter_id, counter_number=counter.number)
            return True

    def sign_in(self, counter_id: str, officer_id: int | None) -> None:
        """Record which officer sits at the counter (for ratings and wait estimates)."""
        self.counter(counter_id)
        with self.write() as tx:
            self._counter_state(tx, counter_id)
            tx.conn.execute(update(t.counter_states)
                            .where(t.counter_states.c.counter_id == counter_id)
                            .values(officer_id=officer_id, updated_at=tx.now))
