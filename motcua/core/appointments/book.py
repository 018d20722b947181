"""The appointment book of one centre, on the queue engine's database and transactions."""

from __future__ import annotations

from collections.abc import Mapping

from config.schema import FieldConfig, SlotPlan

from ..queue.engine import QueueEngine
from ..storage.attempts import StoredWindow
from .arrivals import Arrivals
from .booking import Bookings
from .reads import Reads
from .retention import Retention


class AppointmentBook(Bookings, Arrivals, Retention, Reads):
    """Booked times (đặt lịch hẹn) over a :class:`QueueEngine`: its clock, its write
    transactions (one per operation, with audit-log rows and events after the commit) and its
    number series, which a check-in takes a ticket from.

    Its jobs live in their own modules: :mod:`.booking` (book, cancel), :mod:`.arrivals`
    (check-in, the grace period), :mod:`.retention` (erasing names and phone numbers),
    :mod:`.reads` (free places, a counter's day); :mod:`.slots` cuts a day into slots and
    :mod:`.codes` makes booking codes and secrets.

    ``plans`` overrides the config's slot plan of some fields (an admin's edit, stored
    elsewhere). The public bookings per client address and the wrong codes per device or
    officer are counted in the database, which every server process shares, on the engine's
    clock (``salt``, the server's secret, keys the hashes kept)."""

    def __init__(self, engine: QueueEngine, *, plans: Mapping[str, SlotPlan] | None = None,
                 salt: str = ""):
        self.engine = engine
        self.config = engine.config
        self.db = engine.db
        self.overrides = dict(plans or {})
        rules = self.config.appointments
        self.bookings = StoredWindow(self.db, "booking", rules.bookings_per_address_per_hour,
                                     3600.0, lambda: engine.now()[0], salt=salt)
        self.wrong_codes = StoredWindow(self.db, "wrongcode", rules.wrong_codes,
                                        rules.wrong_code_pause_minutes * 60.0,
                                        lambda: engine.now()[0], salt=salt)
        self._erased_day: str | None = None

    def plan(self, field: FieldConfig) -> SlotPlan | None:
        """The field's slot plan (an override first); None when it takes no appointments."""
        return self.overrides.get(field.id, field.appointments)

    def bookable(self) -> list[FieldConfig]:
        """The fields that take appointments, in the config's order."""
        return [f for f in self.config.fields if self.plan(f) is not None]
