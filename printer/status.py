"""Printer status and the ESC/POS real-time status protocol (DLE EOT n).

The protocol logic is independent of the connection: it talks to a :class:`Channel`
(write bytes, read one reply with a timeout), so it is the same for network, USB and
serial printers and can be tested against a fake.
"""

from __future__ import annotations

import time
from enum import StrEnum
from typing import Protocol

from .errors import CoverOpen, PaperOut, PrinterError, PrinterOffline

DLE_EOT = b"\x10\x04"
PRINTER_STATUS = 1  # n = 1: bit 3 = offline
OFFLINE_CAUSE = 2  # n = 2: bit 2 = cover open, bit 5 = stopped by paper end, bit 6 = error
PAPER_SENSOR = 4  # n = 4: bits 2-3 = paper near end, bits 5-6 = paper end

_FIXED_MASK = 0x93  # bits 0, 1, 4, 7 are fixed in every DLE EOT reply ...
_FIXED_VALUE = 0x12  # ... as 0, 1, 1, 0
_OFFLINE = 0x08
_COVER_OPEN = 0x04
_STOPPED_PAPER_END = 0x20
_PAPER_NEAR_END = 0x0C
_PAPER_END = 0x60


class PrinterStatus(StrEnum):
    """What the printer says about itself."""

    OK = "ok"
    PAPER_LOW = "paper_low"
    PAPER_OUT = "paper_out"
    COVER_OPEN = "cover_open"
    OFFLINE = "offline"
    UNKNOWN = "unknown"  # reachable, but did not answer the status query

    @property
    def can_print(self) -> bool:
        """False only when printing will certainly fail; ``unknown`` is worth a try."""
        return self not in (PrinterStatus.PAPER_OUT, PrinterStatus.COVER_OPEN,
                            PrinterStatus.OFFLINE)

    @property
    def message(self) -> str:
        """A one-line explanation for the IT officer."""
        return _MESSAGES[self]

    def error(self) -> PrinterError | None:
        """The exception matching a status that prevents printing, else None."""
        cls = {PrinterStatus.PAPER_OUT: PaperOut, PrinterStatus.COVER_OPEN: CoverOpen,
               PrinterStatus.OFFLINE: PrinterOffline}.get(self)
        return cls(self.message) if cls else None


_MESSAGES = {
    PrinterStatus.OK: "the printer is ready",
    PrinterStatus.PAPER_LOW: "the paper roll is nearly empty: have a new roll ready",
    PrinterStatus.PAPER_OUT: "the printer is out of paper: put in a new roll",
    PrinterStatus.COVER_OPEN: "the printer cover is open: close it",
    PrinterStatus.OFFLINE: "the printer is offline or cannot be reached",
    PrinterStatus.UNKNOWN: "the printer is reachable but does not answer status queries",
}


class Channel(Protocol):
    """A connection that can send bytes and wait a bounded time for a reply."""

    def write(self, data: bytes) -> None: ...

    def read(self, timeout_s: float) -> bytes:
        """Up to a few bytes of reply, or b"" if none came within ``timeout_s``."""
        ...


def _valid(reply: bytes) -> int | None:
    """The status byte of a reply, or None if the reply is missing or malformed."""
    if not reply:
        return None
    byte = reply[-1]  # the latest byte is the answer to the latest query
    return byte if byte & _FIXED_MASK == _FIXED_VALUE else None


def decode_status(printer: int, offline_cause: int | None = None,
                  paper: int | None = None) -> PrinterStatus:
    """Combine the replies to DLE EOT 1, 2 and 4 into one status."""
    if printer & _OFFLINE:
        if offline_cause is not None and offline_cause & _COVER_OPEN:
            return PrinterStatus.COVER_OPEN
        if (offline_cause is not None and offline_cause & _STOPPED_PAPER_END) or (
            paper is not None and paper & _PAPER_END
        ):
            return PrinterStatus.PAPER_OUT
        return PrinterStatus.OFFLINE
    if paper is not None and paper & _PAPER_END:
        return PrinterStatus.PAPER_OUT
    if paper is not None and paper & _PAPER_NEAR_END:
        return PrinterStatus.PAPER_LOW
    return PrinterStatus.OK


def query_status(channel: Channel, deadline: float) -> PrinterStatus:
    """Ask the printer with DLE EOT 1 (then 2 and 4) until ``deadline`` (time.monotonic()).

    No valid answer to the first query gives ``unknown``; a missing answer to a follow-up
    query is treated as "no further information".
    """

    def ask(n: int) -> int | None:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return None
        channel.write(DLE_EOT + bytes((n,)))
        return _valid(channel.read(remaining))

    printer = ask(PRINTER_STATUS)
    if printer is None:
        return PrinterStatus.UNKNOWN
    cause = ask(OFFLINE_CAUSE) if printer & _OFFLINE else None
    paper = ask(PAPER_SENSOR)
    return decode_status(printer, cause, paper)
