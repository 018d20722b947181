"""Turn raw button edges into presses: one physical press is one rating.

gpiozero's mock pins fire callbacks synchronously and ignore ``bounce_time``, and real contacts
bounce, stick and get pressed twice, so the filtering lives here, on an injectable monotonic clock:

- a press edge within ``bounce_s`` of the previous edge of the same button is contact bounce;
- a button that is already down gives no further press until it is released (no repeat while held,
  so a stuck button gives one rating);
- after a counter's accepted press, and again after every release of one of its buttons, that
  counter ignores presses for ``lockout_s`` (a double press or a bouncing release is one rating).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable

BOUNCE_S = 0.05
"""Edges closer than this on one button are contact bounce (50 ms)."""
LOCKOUT_S = 1.5
"""A counter takes no new press for this long after a press or a release (1.5 s)."""


class PressFilter:
    """Decides, edge by edge, which presses count. Thread-safe."""

    def __init__(self, *, bounce_s: float = BOUNCE_S, lockout_s: float = LOCKOUT_S,
                 clock: Callable[[], float] = time.monotonic):
        if bounce_s < 0 or lockout_s < 0:
            raise ValueError("bounce_s and lockout_s must not be negative")
        self.bounce_s = bounce_s
        self.lockout_s = lockout_s
        self.clock = clock
        self._lock = threading.Lock()
        self._last_edge: dict[Hashable, float] = {}
        self._down: set[Hashable] = set()
        self._locked_until: dict[str, float] = {}

    def edge(self, button: Hashable, counter: str, pressed: bool) -> bool:
        """Feed one edge of ``button`` (a button of ``counter``); True for a press that counts."""
        with self._lock:
            now = self.clock()
            last = self._last_edge.get(button)
            self._last_edge[button] = now
            if not pressed:
                self._down.discard(button)
                self._lock_counter(counter, now + self.lockout_s)
                return False
            if button in self._down:
                return False  # still held: no repeat
            self._down.add(button)
            if last is not None and now - last < self.bounce_s:
                return False  # contact bounce
            if now < self._locked_until.get(counter, float("-inf")):
                return False  # double press, or bounce after a release
            self._lock_counter(counter, now + self.lockout_s)
            return True

    def tap(self, button: Hashable, counter: str) -> bool:
        """A press and its release at once (a key on the keyboard); True when the press counts."""
        accepted = self.edge(button, counter, True)
        self.edge(button, counter, False)
        return accepted

    def _lock_counter(self, counter: str, until: float) -> None:
        self._locked_until[counter] = max(until, self._locked_until.get(counter, float("-inf")))
