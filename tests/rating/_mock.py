"""Helpers shared by the rating tests and their child processes: a hand-moved monotonic clock and
physical presses on gpiozero mock pins."""

from __future__ import annotations


class MonoClock:
    """A monotonic clock the test moves by hand."""

    def __init__(self, start: float = 1000.0):
        self.t = start

    def __call__(self) -> float:
        return self.t

    def advance(self, seconds: float) -> None:
        self.t += seconds


def press(pin, clock: MonoClock, *, bounces: int = 0, hold_s: float = 0.15, gap_s: float = 2.0) -> None:
    """One physical press of a pulled-up button on a mock pin: ``bounces`` extra contact bounces
    (1 ms apart) when it closes and again when it opens; then the hand is away for ``gap_s``."""
    for _ in range(bounces):
        pin.drive_low()
        clock.advance(0.001)
        pin.drive_high()
        clock.advance(0.001)
    pin.drive_low()
    clock.advance(hold_s)
    for _ in range(bounces):
        pin.drive_high()
        clock.advance(0.001)
        pin.drive_low()
        clock.advance(0.001)
    pin.drive_high()
    clock.advance(gap_s)
