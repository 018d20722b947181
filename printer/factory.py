"""Build the configured ticket printer from the ``[printer]`` section of the config."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from config.schema import PrinterConfig

from .backends import (
    FilePrinter,
    NetworkPrinter,
    NullPrinter,
    PreviewPrinter,
    SerialPrinter,
    TicketPrinter,
    UsbPrinter,
)
from .errors import PrinterError
from .fonts import find_fonts
from .render import TicketRenderer

log = logging.getLogger(__name__)


def _resolve(value: str, data_dir: Path) -> Path:
    path = Path(value).expanduser()
    return path if path.is_absolute() else data_dir / path


def renderer_from_config(cfg: PrinterConfig, *, data_dir: Path,
                         paper_width_mm: int | None = None) -> TicketRenderer:
    """The ticket renderer for ``cfg``. Raises FontMissing; a bad logo is logged and left out."""
    fonts = find_fonts(cfg.font, cfg.font_bold, base_dir=data_dir)
    fonts.regular_at(20), fonts.bold_at(20)  # a broken font file fails now, not mid-ticket
    width = paper_width_mm or cfg.paper_width_mm
    if cfg.logo:
        logo = _resolve(cfg.logo, data_dir)
        if not logo.is_file():
            log.warning("printer.logo %s not found; printing tickets without a logo", logo)
        else:
            try:
                return TicketRenderer(fonts, width, logo=logo)
            except PrinterError as exc:
                log.warning("%s; printing tickets without a logo", exc)
    return TicketRenderer(fonts, width)


def open_printer(cfg: PrinterConfig, *, data_dir: Path) -> TicketPrinter:
    """The printer ``cfg`` describes; relative paths (preview_dir, fonts, logo) are under
    ``data_dir``. Raises :class:`~printer.errors.PrinterError` (FontMissing,
    MissingDependency, ...) when it cannot be set up; never contacts the printer.
    """
    if cfg.backend == "none":
        return NullPrinter(None, cut=cfg.cut, timeout_s=cfg.timeout_s)
    renderer = renderer_from_config(cfg, data_dir=data_dir)
    common: dict[str, Any] = {"cut": cfg.cut, "timeout_s": cfg.timeout_s}
    match cfg.backend:
        case "preview":
            return PreviewPrinter(renderer, _resolve(cfg.preview_dir, data_dir), **common)
        case "network":
            return NetworkPrinter(renderer, cfg.host, cfg.port, **common)
        case "usb":
            return UsbPrinter(renderer, cfg.usb_vendor_id, cfg.usb_product_id, **common)
        case "serial":
            return SerialPrinter(renderer, cfg.device, cfg.baudrate, **common)
        case "file":
            return FilePrinter(renderer, _resolve(cfg.path, data_dir), **common)
    raise ValueError(f"unknown printer backend {cfg.backend!r}")
