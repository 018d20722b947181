"""An appointment book on the demo config's engine (a FakeClock: Wednesday 2026-11-25, 09:00)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from motcua.core.appointments import AppointmentBook
from motcua.core.queue import QueueError


class Ticks:
    """A monotonic clock for the attempt limits, moved by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def ticks() -> Ticks:
    return Ticks()


@pytest.fixture
def make_book(make_engine, ticks) -> Callable[..., AppointmentBook]:
    def make(cfg) -> AppointmentBook:
        return AppointmentBook(make_engine(cfg), clock=ticks)

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
