"""One small exception family for everything that can go wrong with the ticket printer.

The kiosk catches :class:`PrinterError` and may act on the subclasses (e.g. ask staff to
change the paper roll on :class:`PaperOut`).
"""

from __future__ import annotations


class PrinterError(Exception):
    """The ticket could not be printed; the message says why, in English, for the IT officer."""


class PrinterOffline(PrinterError):
    """The printer cannot be reached, is switched off, or reports itself offline."""


class PaperOut(PrinterError):
    """The printer reports that its paper roll is empty."""


class CoverOpen(PrinterError):
    """The printer reports that its cover is open."""


class FontMissing(PrinterError):
    """A font file needed to draw the ticket is missing."""


class MissingDependency(PrinterError):
    """An optional Python package needed by the configured backend is not installed."""
