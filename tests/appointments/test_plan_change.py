"""An admin's change of a slot plan (the admin page writes it to the config; a restart applies
it, as :class:`AppointmentBook`'s ``plans`` does here) keeps every booking already made."""

from __future__ import annotations

import pytest

from config.schema import SlotPlan
from motcua.core.appointments import AppointmentBook
from tests.appointments.conftest import refused

TODAY = "2026-11-25"  # the clock starts at 09:00


@pytest.mark.parametrize("plan", [SlotPlan(slot_minutes=15, capacity=1, days_ahead=0), None],
                         ids=["smaller", "switched-off"])
def test_bookings_outlive_a_smaller_or_switched_off_plan(book, clock, plan) -> None:
    made = [book.book("ho-tich", TODAY, "09:30", name="Trần Văn Ba", phone=f"091234567{i}").appointment
            for i in range(3)]  # the demo plan: 3 citizens per half hour
    changed = AppointmentBook(book.engine, plans={"ho-tich": plan})
    if plan is None:
        assert refused(changed.search, "ho-tich").code == "not_bookable"
    else:
        slot = next(s for s in changed.search("ho-tich")[0].slots if s.start == "09:30")
        assert (slot.capacity, slot.free) == (1, 0)  # full, never negative
        assert refused(changed.book, "ho-tich", TODAY, "09:30", name="Lê Thị Tư",
                       phone="0987654321").code == "slot_full"
    clock.advance(minutes=30)
    numbers = [changed.check_in(a.code, who="officer:an")[0].number for a in made]
    assert numbers == ["1001", "1002", "1003"]
