"""An appointment book on the demo config's engine (a FakeClock: Wednesday 2026-11-25, 09:00)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from motcua.core.appointments import AppointmentBook
from motcua.core.queue import QueueError


@pytest.fixture
def make_book(make_engine) -> Callable[..., AppointmentBook]:
    def make(cfg) -> AppointmentBook:
        return AppointmentBook(make_engine(cfg))

    return make


@pytest.fixture
def book(make_book, config) -> AppointmentBook:
    return make_book(config)


PERSON = {"name": "Nguyễn Thị Hoa", "phone": "0912 345 678"}


def refused(fn, *args, **kw) -> QueueError:
    """The refusal ``fn(*args, **kw)`` raises."""
    with pytest.raises(QueueError) as info:
        fn(*args, **kw)
    return info.value
