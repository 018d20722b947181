"""Ticket printing: draw a Vietnamese ticket as an image and print it as an ESC/POS raster.

Typical use in the kiosk::

    printer = open_printer(config.printer, data_dir=config.data_path)
    if printer.status().can_print:           # bounded by printer.timeout_s
        ticket = ticket_from_api(answer, config)
        printer.print_ticket(ticket)         # raises PrinterError subclasses
"""

from . import escpos_cache  # noqa: F401 - first: python-escpos keeps its cache
from .backends import (
    FilePrinter,
    NetworkPrinter,
    NullPrinter,
    PreviewPrinter,
    SerialPrinter,
    TicketPrinter,
    UsbPrinter,
)
from .encode import encode_image
from .errors import (
    CoverOpen,
    FontMissing,
    MissingDependency,
    PaperOut,
    PrinterError,
    PrinterOffline,
)
from .factory import open_printer, renderer_from_config
from .fonts import FontSet, find_fonts
from .render import PAPER_DOTS, TicketRenderer
from .status import PrinterStatus
from .ticket import TicketInfo, sample_ticket, ticket_from_api

__all__ = [
    "PAPER_DOTS",
    "CoverOpen",
    "FilePrinter",
    "FontMissing",
    "FontSet",
    "MissingDependency",
    "NetworkPrinter",
    "NullPrinter",
    "PaperOut",
    "PreviewPrinter",
    "PrinterError",
    "PrinterOffline",
    "PrinterStatus",
    "SerialPrinter",
    "TicketInfo",
    "TicketPrinter",
    "TicketRenderer",
    "UsbPrinter",
    "encode_image",
    "find_fonts",
    "open_printer",
    "renderer_from_config",
    "sample_ticket",
    "ticket_from_api",
]
