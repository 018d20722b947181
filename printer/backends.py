"""Ticket printers: one base with the logic, one small class per kind of connection.

Every backend renders the ticket the same way (:class:`~printer.render.TicketRenderer`),
encodes it the same way (:func:`~printer.encode.encode_image`) and differs only in where the
bytes go and how the printer is asked for its status. Connections use python-escpos's
printer classes (``Network``, ``Usb``, ``Serial``, ``File``) and are opened for each ticket
or status query, so nothing needs closing and a printer that was switched off and on
again just works.
"""

from __future__ import annotations

import logging
import os
import re
import socket
import threading
import time
from abc import ABC, abstractmethod
from pathlib import Path
from typing import Any

from escpos.escpos import Escpos
from escpos.exceptions import DeviceNotFoundError
from PIL import Image

from motcua.core.extras import MissingExtra

from .encode import encode_image
from .errors import MissingDependency, PrinterError, PrinterOffline
from .render import TicketRenderer
from .status import Channel, PrinterStatus, query_status
from .ticket import TicketInfo

log = logging.getLogger(__name__)

PRINT_TIMEOUT_S = 15.0  # sending one ticket; printers slow down the link while they print


class TicketPrinter(ABC):
    """Renders tickets and sends them to one printer; asks it for its status."""

    kind = "printer"

    def __init__(self, renderer: TicketRenderer | None, *, cut: bool = True,
                 timeout_s: float = 2.0) -> None:
        self.renderer = renderer
        self.cut = cut
        self.timeout_s = timeout_s
        self.last_status: PrinterStatus | None = None
        self.last_detail = ""  # why the last status was what it was, for the IT officer
        self._lock = threading.Lock()

    # Rendering -------------------------------------------------------------------------
    def render(self, ticket: TicketInfo) -> Image.Image:
        """The ticket as the 1-bit image this printer would print."""
        if self.renderer is None:
            raise PrinterOffline(f"{self.describe()} cannot draw tickets")
        return self.renderer.render(ticket)

    def encode(self, ticket: TicketInfo) -> bytes:
        """The ESC/POS bytes this printer would receive for ``ticket``."""
        return encode_image(self.render(ticket), cut=self.cut)

    # Printing --------------------------------------------------------------------------
    def print_ticket(self, ticket: TicketInfo) -> None:
        """Print one ticket. Raises a :class:`~printer.errors.PrinterError` on failure.

        It does not ask for the status first: call :meth:`status` (or :meth:`ensure_ready`)
        before issuing the number. Sending can block for a few seconds; call it off the UI
        thread.
        """
        image = self.render(ticket)
        data = encode_image(image, cut=self.cut)
        with self._lock:
            self._send(data, image, ticket)

    @abstractmethod
    def _send(self, data: bytes, image: Image.Image, ticket: TicketInfo) -> None:
        """Deliver the encoded ticket (``image`` is there for backends that keep pictures)."""

    # Status ----------------------------------------------------------------------------
    def status(self) -> PrinterStatus:
        """What the printer says, within ``timeout_s`` at most (``unknown`` if it took longer).

        Never raises; :attr:`last_detail` says why when the answer is not ``ok``.
        """
        deadline = time.monotonic() + self.timeout_s * 0.9
        box: list[PrinterStatus] = []
        self.last_detail = ""

        def run() -> None:
            if not self._lock.acquire(timeout=max(0.0, deadline - time.monotonic())):
                self.last_detail = "busy printing"
                box.append(PrinterStatus.UNKNOWN)
                return
            try:
                box.append(self._status(deadline))
            except Exception as exc:  # a status query must never crash the kiosk
                log.exception("status query of %s failed", self.describe())
                self.last_detail = _one_line(exc)
                box.append(PrinterStatus.UNKNOWN)
            finally:
                self._lock.release()

        worker = threading.Thread(target=run, name="printer-status", daemon=True)
        worker.start()
        worker.join(self.timeout_s)
        if not box:
            self.last_detail = f"no answer within {self.timeout_s:g} s"
        result = box[0] if box else PrinterStatus.UNKNOWN
        self.last_status = result
        return result

    def ensure_ready(self) -> PrinterStatus:
        """The status, or the matching exception if printing would certainly fail."""
        result = self.status()
        error = result.error()
        if error is not None:
            raise type(error)(f"{self.describe()}: {result.message}")
        return result

    def _status(self, deadline: float) -> PrinterStatus:
        return PrinterStatus.UNKNOWN

    def describe(self) -> str:
        """A short name for messages, e.g. "network printer 192.168.1.50:9100"."""
        return self.kind



class NullPrinter(TicketPrinter):
    """``backend = "none"``: no printer; the kiosk shows the number on screen only."""

    kind = "no printer"

    def _send(self, data: bytes, image: Image.Image, ticket: TicketInfo) -> None:
        raise PrinterOffline('no printer is configured (printer.backend = "none")')

    def _status(self, deadline: float) -> PrinterStatus:
        self.last_detail = 'printing is turned off (printer.backend = "none")'
        return PrinterStatus.OFFLINE


class PreviewPrinter(TicketPrinter):
    """Writes each ticket as a PNG and its raw ESC/POS bytes (.bin) into a folder."""

    kind = "preview printer"

    def __init__(self, renderer: TicketRenderer, folder: Path, **kwargs: Any) -> None:
        super().__init__(renderer, **kwargs)
        self.folder = Path(folder)
        self.last_path: Path | None = None

    def _send(self, data: bytes, image: Image.Image, ticket: TicketInfo) -> None:
        stem = f"{ticket.local_issued_at:%Y%m%d-%H%M%S}-{_safe(ticket.number)}"
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            png = self.folder / f"{stem}.png"
            n = 1
            while png.exists() or png.with_suffix(".bin").exists():
                n += 1
                png = self.folder / f"{stem}-{n}.png"
            image.save(png)
            png.with_suffix(".bin").write_bytes(data)
        except OSError as exc:
            raise PrinterOffline(f"cannot write tickets to {self.folder}: {exc.strerror}") from None
        self.last_path = png

    def _status(self, deadline: float) -> PrinterStatus:
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            self.last_detail = f"cannot create {self.folder}: {exc.strerror}"
            return PrinterStatus.OFFLINE
        if not (self.folder.is_dir() and os.access(self.folder, os.W_OK | os.X_OK)):
            self.last_detail = f"cannot write to {self.folder}"
            return PrinterStatus.OFFLINE
        return PrinterStatus.OK

    def describe(self) -> str:
        return f"preview printer (folder {self.folder})"


def _safe(number: str) -> str:
    return re.sub(r"[^0-9A-Za-z_-]+", "_", number) or "ticket"


# Real printers through python-escpos ---------------------------------------------------------


class EscposPrinter(TicketPrinter):
    """A printer reached through a python-escpos connection class."""

    @abstractmethod
    def _connection(self, timeout_s: float) -> Escpos:
        """A new, unopened python-escpos printer for this connection."""

    def _channel(self, device: Escpos) -> Channel | None:
        """How to ask the opened printer for its status; None if it cannot answer."""
        return None

    def _open(self, timeout_s: float) -> Escpos:
        device = self._connection(timeout_s)
        try:
            device.open()
        except (DeviceNotFoundError, OSError) as exc:
            raise PrinterOffline(f"{self.describe()} is not reachable: {_one_line(exc)}") from None
        return device

    def _send(self, data: bytes, image: Image.Image, ticket: TicketInfo) -> None:
        device = self._open(max(self.timeout_s, PRINT_TIMEOUT_S))
        try:
            device._raw(data)
        except OSError as exc:
            raise PrinterOffline(f"sending to {self.describe()} failed: {_one_line(exc)}") from None
        finally:
            _close(device)

    def _status(self, deadline: float) -> PrinterStatus:
        try:
            device = self._open(max(0.05, deadline - time.monotonic()))
        except PrinterOffline as exc:
            self.last_detail = str(exc)
            return PrinterStatus.OFFLINE
        try:
            channel = self._channel(device)
            if channel is None:
                return PrinterStatus.UNKNOWN
            result = query_status(channel, deadline)
            if result is PrinterStatus.UNKNOWN:
                self.last_detail = "connected, but no valid answer to DLE EOT status queries"
            return result
        except OSError as exc:
            self.last_detail = f"connection to {self.describe()} broke: {_one_line(exc)}"
            return PrinterStatus.OFFLINE
        finally:
            _close(device)


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__


def _close(device: Escpos) -> None:
    try:
        device.close()
    except Exception:  # noqa: BLE001 - closing a broken connection may fail; nothing to do
        log.debug("closing printer connection failed", exc_info=True)


class _SocketChannel:
    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock

    def write(self, data: bytes) -> None:
        self.sock.sendall(data)

    def read(self, timeout_s: float) -> bytes:
        self.sock.settimeout(timeout_s)
        try:
            return self.sock.recv(16)
        except (TimeoutError, ConnectionResetError):
            return b""


class NetworkPrinter(EscposPrinter):
    """A printer on the LAN speaking raw ESC/POS on a TCP port (usually 9100)."""

    kind = "network printer"

    def __init__(self, renderer: TicketRenderer, host: str, port: int = 9100,
                 **kwargs: Any) -> None:
        if not host:
            raise PrinterError('printer.host is required for backend "network"')
        super().__init__(renderer, **kwargs)
        self.host = host
        self.port = port

    def _connection(self, timeout_s: float) -> Escpos:
        from escpos.printer import Network

        return Network(host=self.host, port=self.port, timeout=timeout_s)

    def _channel(self, device: Escpos) -> Channel | None:
        return _SocketChannel(device.device)

    def describe(self) -> str:
        return f"network printer {self.host}:{self.port}"


class FilePrinter(EscposPrinter):
    """A printer seen as a device file, such as /dev/usb/lp0 (Linux usblp driver)."""

    kind = "printer device"

    def __init__(self, renderer: TicketRenderer, path: str | Path, **kwargs: Any) -> None:
        super().__init__(renderer, **kwargs)
        self.path = Path(path)

    def _connection(self, timeout_s: float) -> Escpos:
        from escpos.printer import File

        return File(devfile=str(self.path))

    def _open(self, timeout_s: float) -> Escpos:
        if not self.path.exists():  # never create a plain file where a device should be
            raise PrinterOffline(
                f"{self.describe()} does not exist: is the printer plugged in and switched on?"
            )
        return super()._open(timeout_s)

    def _status(self, deadline: float) -> PrinterStatus:
        """``ok`` if the device file can be opened for writing now, else ``offline``."""
        try:
            fd = os.open(self.path, os.O_WRONLY | os.O_NONBLOCK)
        except OSError as exc:
            self.last_detail = f"cannot open {self.path} for writing: {exc.strerror}"
            return PrinterStatus.OFFLINE
        os.close(fd)
        return PrinterStatus.OK

    def describe(self) -> str:
        return f"printer device {self.path}"


class _SerialChannel:
    def __init__(self, port: Any) -> None:
        self.port = port

    def write(self, data: bytes) -> None:
        self.port.write(data)
        self.port.flush()

    def read(self, timeout_s: float) -> bytes:
        self.port.timeout = timeout_s
        return bytes(self.port.read(1))


class SerialPrinter(EscposPrinter):
    """A printer on a serial port (RS-232 or a USB serial adapter). Needs pyserial."""

    kind = "serial printer"

    def __init__(self, renderer: TicketRenderer, device: str, baudrate: int = 19200,
                 **kwargs: Any) -> None:
        from escpos.printer.serial import is_usable

        if not is_usable():
            raise MissingDependency(str(MissingExtra("serial", "serial")))
        super().__init__(renderer, **kwargs)
        self.device = device
        self.baudrate = baudrate

    def _connection(self, timeout_s: float) -> Escpos:
        from escpos.printer import Serial

        return Serial(devfile=self.device, baudrate=self.baudrate, timeout=timeout_s)

    def _channel(self, device: Escpos) -> Channel | None:
        return _SerialChannel(device.device)

    def describe(self) -> str:
        return f"serial printer {self.device} ({self.baudrate} baud)"


class _UsbChannel:
    def __init__(self, printer: Any) -> None:
        self.printer = printer

    def write(self, data: bytes) -> None:
        self.printer.device.write(self.printer.out_ep, data, 1000)

    def read(self, timeout_s: float) -> bytes:
        import usb.core

        try:
            reply = self.printer.device.read(self.printer.in_ep, 16, max(1, int(timeout_s * 1000)))
        except usb.core.USBTimeoutError:
            return b""
        return bytes(reply)


def _detect_endpoints(printer: Any) -> None:
    """Use the printer's own bulk endpoints instead of python-escpos's guesses (0x82/0x01)."""
    import usb.util

    try:
        interface = printer.device.get_active_configuration()[(0, 0)]
        for ep in interface:
            if usb.util.endpoint_type(ep.bmAttributes) != usb.util.ENDPOINT_TYPE_BULK:
                continue
            if usb.util.endpoint_direction(ep.bEndpointAddress) == usb.util.ENDPOINT_IN:
                printer.in_ep = ep.bEndpointAddress
            else:
                printer.out_ep = ep.bEndpointAddress
    except Exception:  # noqa: BLE001 - keep python-escpos's defaults
        log.debug("could not read the USB endpoints; using defaults", exc_info=True)


class UsbPrinter(EscposPrinter):
    """A printer on USB, addressed by vendor and product id (see ``lsusb``). Needs pyusb."""

    kind = "USB printer"

    def __init__(self, renderer: TicketRenderer, vendor_id: int | None, product_id: int | None,
                 **kwargs: Any) -> None:
        from escpos.printer.usb import is_usable

        if not is_usable():
            raise MissingDependency(f"{MissingExtra('usb', 'usb')} (and libusb: "
                                    "sudo apt-get install libusb-1.0-0)")
        if not vendor_id or not product_id:
            raise PrinterError(
                'printer.usb_vendor_id and printer.usb_product_id are required for backend "usb"'
                " (find them with `lsusb`, e.g. 0x0416 and 0x5011)"
            )
        super().__init__(renderer, **kwargs)
        self.vendor_id = vendor_id
        self.product_id = product_id

    def _connection(self, timeout_s: float) -> Escpos:
        from escpos.printer import Usb

        return Usb(idVendor=self.vendor_id, idProduct=self.product_id,
                   timeout=int(timeout_s * 1000))

    def _open(self, timeout_s: float) -> Escpos:
        device = super()._open(timeout_s)
        _detect_endpoints(device)
        return device

    def _channel(self, device: Escpos) -> Channel | None:
        return _UsbChannel(device)

    def describe(self) -> str:
        return f"USB printer {self.vendor_id:04x}:{self.product_id:04x}"
