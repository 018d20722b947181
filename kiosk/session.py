"""Small pieces of kiosk behaviour that need no window: idle timeout, the hidden exit gesture,
the admin PIN pad, the booking code pad, a scanner's code on the home screen. The view feeds
them touches, keys and times; they answer."""

from __future__ import annotations

import hmac
from collections import deque


class IdleTimer:
    """Expired once nobody has touched the screen for ``seconds``."""

    def __init__(self, seconds: float, now: float = 0.0) -> None:
        self.seconds = seconds
        self.last = now

    def touch(self, now: float) -> None:
        self.last = now

    def expired(self, now: float) -> bool:
        return now - self.last >= self.seconds


class CornerTaps:
    """The hidden exit gesture: ``taps`` taps in the top-left corner within ``window_s``.

    Positions are relative to the window (0..1, origin bottom-left as in Kivy); the corner is
    ``size`` of the shorter side, so it stays the same physical shape on any screen.
    """

    def __init__(self, taps: int = 5, window_s: float = 3.0, size: float = 0.12) -> None:
        self.taps = taps
        self.window_s = window_s
        self.size = size
        self._times: deque[float] = deque(maxlen=taps)

    def in_corner(self, x: float, y: float, width: float, height: float) -> bool:
        side = self.size * min(width, height)
        return x <= side and y >= height - side

    def tap(self, x: float, y: float, width: float, height: float, now: float) -> bool:
        """Record a touch; True when it completes the gesture (the count then starts again)."""
        if not self.in_corner(x, y, width, height):
            self._times.clear()
            return False
        self._times.append(now)
        if len(self._times) == self.taps and now - self._times[0] <= self.window_s:
            self._times.clear()
            return True
        return False


class PinPad:
    """Digits typed on the on-screen number pad; checked against the admin PIN."""

    def __init__(self, pin: str, max_len: int = 12) -> None:
        self.pin = pin
        self.max_len = max_len
        self.entered = ""

    @property
    def enabled(self) -> bool:
        """No PIN configured: leaving the app from the screen is not possible."""
        return bool(self.pin)

    def press(self, digit: str) -> None:
        if digit.isdigit() and len(digit) == 1 and len(self.entered) < self.max_len:
            self.entered += digit

    def clear(self) -> None:
        self.entered = ""

    @property
    def masked(self) -> str:
        return "•" * len(self.entered)

    def check(self) -> bool:
        """True for the right PIN; the entry is cleared either way."""
        ok = self.enabled and hmac.compare_digest(self.entered.encode(), self.pin.encode())
        self.entered = ""
        return ok


class CodeEntry:
    """A booking code typed on the keypad or by a USB barcode scanner (which types the QR code's
    digits like a keyboard, then Enter): digits only, at most ``length``; anything else a scanner
    sends (spaces, dashes) is ignored."""

    def __init__(self, length: int = 6) -> None:
        self.length = length
        self.entered = ""

    def type(self, text: str) -> None:
        for ch in text:
            if ch.isascii() and ch.isdigit() and len(self.entered) < self.length:
                self.entered += ch

    def back(self) -> None:
        self.entered = self.entered[:-1]

    def clear(self) -> None:
        self.entered = ""

    @property
    def complete(self) -> bool:
        return len(self.entered) == self.length

    @property
    def shown(self) -> str:
        """The code so far with a place for each digit still to come: ``12 3_ __``."""
        slots = self.entered + "_" * (self.length - len(self.entered))
        return " ".join(slots[i:i + 2] for i in range(0, self.length, 2))


class ScanReader:
    """A USB barcode scanner on the home screen: it types the booking QR code's content (the
    code) and Enter, like a keyboard, much faster than a person. The keys since the last Enter,
    or since a pause longer than ``gap_s`` (stray keys pressed earlier are forgotten), make a
    booking code when they are ``length`` digits, with the spaces, dashes and dots
    :class:`CodeEntry` ignores too."""

    def __init__(self, length: int = 6, gap_s: float = 1.0, limit: int = 64) -> None:
        self.length = length
        self.gap_s = gap_s
        self.limit = limit
        self.typed = ""
        self.last = 0.0

    def key(self, text: str, now: float) -> None:
        """A key with text (a digit, a letter) typed at ``now`` (seconds, monotonic)."""
        if now - self.last > self.gap_s:
            self.typed = ""
        self.last = now
        self.typed = (self.typed + text)[-self.limit:]

    def enter(self, now: float) -> str | None:
        """Enter at ``now``: the booking code just typed, or None; the keys are forgotten."""
        typed = self.typed if now - self.last <= self.gap_s else ""
        self.typed = ""
        code = "".join(ch for ch in typed if ch not in " -.\t")
        if len(code) == self.length and code.isascii() and code.isdigit():
            return code
        return None


class LoneKeys:
    """The demo's rating keys (1-4 on the kiosk window) pressed by a person, one at a time, not
    typed inside a fast burst of keys as a USB scanner types a booking code's digits.

    Every key goes to :meth:`key`; a rating key is held back until ``burst_s`` has passed with
    no other key (:meth:`due`). A key within ``burst_s`` of the one before it is part of a burst:
    it and the key held back are dropped, and so is a held key auto-repeat sends again."""

    def __init__(self, keys: str = "1234", burst_s: float = 0.15) -> None:
        self.keys = keys
        self.burst_s = burst_s
        self.held: str | None = None
        self.last = float("-inf")

    def key(self, text: str, now: float) -> None:
        """Any key typed at ``now`` (seconds, monotonic); ``text`` is its character, or ''."""
        in_burst = now - self.last <= self.burst_s
        self.last = now
        lone = not in_burst and len(text) == 1 and text in self.keys
        self.held = text if lone else None

    def due(self, now: float) -> str | None:
        """The rating key pressed alone, once ``burst_s`` has passed with no other key; else None."""
        if self.held is None or now - self.last <= self.burst_s:
            return None
        held, self.held = self.held, None
        return held
