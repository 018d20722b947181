"""What the kiosk does, without Kivy: the view asks, the controller answers with small states.

- :meth:`KioskController.home` -> :class:`HomeState` (fields, waiting, open or closed with hours);
- :meth:`KioskController.issue` -> :class:`Issued` or :class:`Refused`: checks the printer first
  (bounded by its ``timeout_s``), asks the server for a ticket with one ``request_id`` (retried on
  timeouts, so a ticket is never issued twice), prints it, and if printing fails after the ticket
  exists, says so (the view shows the number and its QR code) and reports the fault;
- :meth:`KioskController.check_in` -> :class:`Issued` or :class:`Refused`: a booking's code typed
  on the keypad or scanned, checked in by the server (safe to retry: the same code answers the
  same ticket), printed as a walk-in's ticket is; a wrong code or the pause after too many is a
  refusal the keypad screen shows (:data:`CODE_REFUSALS`);
- :class:`Heartbeat` tells the server every 30 s that the kiosk is alive, with the printer status.

Every call here may block on the network or the printer: the view calls them off its UI thread.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from importlib.metadata import PackageNotFoundError, version
from typing import Literal, Protocol

from config.schema import Config, FieldConfig
from printer import PrinterStatus, TicketPrinter, ticket_from_api

from .client import IssuedTicket, ServerError, ServerRefused, ServerUnreachable
from .i18n import check_in_text, hours_line, refusal_text, refusal_title

log = logging.getLogger(__name__)

ErrorKind = Literal["unreachable", "paper_out", "cover_open", "printer_offline", "closed",
                    "daily_cap", "hall_full", "disk_full", "refused", "wrong_code",
                    "too_many_codes", "appointment"]

# Server refusal codes that have their own screen.
_REFUSALS: dict[str, ErrorKind] = {"closed": "closed", "daily_cap": "daily_cap",
                                   "hall_full": "hall_full", "disk_full": "disk_full"}
CODE_REFUSALS: frozenset[str] = frozenset({"wrong_code", "too_many_codes", "appointment"})
"""Refusals of a check-in the keypad screen shows itself (the citizen may type again)."""
_CHECK_IN_REFUSALS: dict[str, ErrorKind] = {"wrong_code": "wrong_code",
                                           "too_many_codes": "too_many_codes",
                                           "disk_full": "disk_full"}
_PRINTER_REFUSALS: dict[PrinterStatus, ErrorKind] = {
    PrinterStatus.PAPER_OUT: "paper_out",
    PrinterStatus.COVER_OPEN: "cover_open",
    PrinterStatus.OFFLINE: "printer_offline",
}


class Server(Protocol):
    """What the controller needs of :class:`kiosk.client.ServerClient`."""

    def fields(self) -> list[dict]: ...

    def issue(self, field_id: str, *, request_id: str, priority: bool = False) -> IssuedTicket: ...

    def check_in(self, code: str) -> IssuedTicket: ...

    def heartbeat(self, **info: object) -> None: ...


def _version() -> str:
    try:
        return version("motcua")
    except PackageNotFoundError:
        return "0.0.0"


# States the view renders ------------------------------------------------------------------------


@dataclass(frozen=True)
class FieldTile:
    """One field button on the home screen."""

    id: str
    name: str
    name_en: str
    icon: str
    open: bool
    waiting: int | None  # None when the server could not be asked
    estimated_wait_s: int | None
    hours_today: str  # "07:00-11:30, 13:30-17:00"; "" on a day off

    def title(self, language: str) -> str:
        return self.name_en if language == "en" and self.name_en else self.name


@dataclass(frozen=True)
class HomeState:
    fields: tuple[FieldTile, ...]
    online: bool  # False: the figures are not from the server
    printer_fault: ErrorKind | None = None  # the printer cannot print now: no number can be taken

    def tile(self, field_id: str) -> FieldTile | None:
        return next((t for t in self.fields if t.id == field_id), None)


@dataclass(frozen=True)
class Issued:
    """A ticket exists on the server; ``printed`` says whether the citizen holds it on paper."""

    ticket_id: int | None
    number: str
    field_id: str
    field_name: str
    counters: tuple[str, ...]
    people_ahead: int
    estimated_wait_s: int | None
    priority: bool
    track_url: str
    printed: bool
    fault: str = ""  # why printing failed (English, for the log and the heartbeat)
    screen: str = field(default="result", init=False)


@dataclass(frozen=True)
class Refused:
    """No ticket: the error screen to show. ``message`` is the server's Vietnamese message."""

    kind: ErrorKind
    message: str = ""
    hours: str = ""  # for ``closed``: today's ticket hours of the field
    detail: str = ""  # English, for the log
    code: str = ""  # the server's refusal code
    details: dict = field(default_factory=dict)  # the values the server's message names
    screen: str = field(default="error", init=False)

    def title(self, language: str) -> str:
        return refusal_title(self.kind, language)

    def text(self, language: str) -> str:
        """The message in ``language``; the server's own (Vietnamese) one when there is one."""
        if self.kind in CODE_REFUSALS:
            return check_in_text(self.code, self.message, self.details, language)
        body = self.message if language == "vi" and self.message else refusal_text(self.kind, language)
        if self.kind == "closed":
            body = f"{body}\n{hours_line(self.hours, language)}"
        return body


Outcome = Issued | Refused


# The controller -------------------------------------------------------------------------------


class KioskController:
    """Issues and prints tickets for one kiosk; never imports Kivy."""

    def __init__(self, config: Config, server: Server, printer: TicketPrinter, *,
                 attempts: int = 3, backoff_s: tuple[float, ...] = (0.3, 1.0),
                 sleep: Callable[[float], None] = time.sleep,
                 now: Callable[[], datetime] | None = None,
                 new_request_id: Callable[[], str] = lambda: str(uuid.uuid4())) -> None:
        self.config = config
        self.server = server
        self.printer = printer
        self.attempts = max(1, attempts)
        self.backoff_s = backoff_s
        self.sleep = sleep
        self.now = now or (lambda: datetime.now(config.zone))
        self.new_request_id = new_request_id
        self.fault = ""  # the last printing fault, until a ticket prints again
        self.on_fault: Callable[[str], None] | None = None  # e.g. Heartbeat.kick

    # Home -------------------------------------------------------------------------------
    def home(self) -> HomeState:
        """Fields with people waiting, from the server (from the config alone if it is down), and
        whether the printer can print."""
        fault = self.printer_fault()
        try:
            rows = {r["id"]: r for r in self.server.fields()}
        except ServerError as exc:
            log.info("fields not available: %s", exc)
            return self._home({}, online=False, printer_fault=fault)
        return self._home(rows, online=True, printer_fault=fault)

    def home_offline(self) -> HomeState:
        """The fields as the config describes them (open or closed by its hours), no figures."""
        return self._home({}, online=False)

    def printer_fault(self) -> ErrorKind | None:
        """What stops the printer now (paper out, cover open, offline), or None."""
        return _PRINTER_REFUSALS.get(self.printer.status())

    def _home(self, rows: dict[str, dict], *, online: bool,
              printer_fault: ErrorKind | None = None) -> HomeState:
        local = self.now()
        tiles = []
        for f in self.config.fields:
            row = rows.get(f.id)
            tiles.append(FieldTile(
                id=f.id, name=f.name, name_en=f.name_en, icon=f.icon or f.id,
                open=bool(row["open"]) if row else _open_at(self.config, f, local),
                waiting=int(row["waiting"]) if row else None,
                estimated_wait_s=int(row["estimated_wait_s"]) if row else None,
                hours_today=hours_today(self.config, f, local)))
        return HomeState(tuple(tiles), online, printer_fault)

    def closed(self, field_id: str) -> Refused:
        """The "closed" screen of a field shown as closed on the home screen (no server call)."""
        f = self.config.field(field_id)
        hours = hours_today(self.config, f, self.now()) if f else ""
        return Refused("closed", hours=hours, detail=f"{field_id} is closed")

    # Issuing ----------------------------------------------------------------------------
    def issue(self, field_id: str, *, priority: bool = False, language: str = "vi") -> Outcome:
        """Check the printer, get a ticket from the server, print it."""
        refusal = self.check_printer()
        if refusal is not None:
            return refusal
        answer = self._ask_server(field_id, priority)
        if isinstance(answer, Refused):
            return answer
        return self._print(answer, language)

    def check_printer(self) -> Refused | None:
        """A refusal if the printer certainly cannot print (paper out, cover open, offline)."""
        status = self.printer.status()
        kind = _PRINTER_REFUSALS.get(status)
        if kind is None:
            return None
        detail = f"{self.printer.describe()}: {status.message}"
        if self.printer.last_detail:
            detail += f" ({self.printer.last_detail})"
        log.warning("refusing a ticket: %s", detail)
        self._notify(detail)  # the status itself goes with the heartbeat
        return Refused(kind, detail=detail)

    def _ask_server(self, field_id: str, priority: bool) -> IssuedTicket | Refused:
        request_id = self.new_request_id()
        try:
            return self._retrying(lambda: self.server.issue(field_id, request_id=request_id,
                                                            priority=priority),
                                  f"issue {field_id} (request {request_id})")
        except ServerRefused as exc:
            log.info("server refused a ticket for %s: %s %s", field_id, exc.status, exc.code)
            kind = _REFUSALS.get(exc.code, "refused")
            hours = ""
            if kind == "closed":
                f = self.config.field(field_id)
                hours = hours_today(self.config, f, self.now()) if f else ""
            return Refused(kind, message=exc.message, hours=hours,
                           detail=f"HTTP {exc.status} {exc.code}")

    def _retrying(self, call: Callable[[], IssuedTicket], what: str) -> IssuedTicket | Refused:
        """``call`` (safe to repeat), again after a timeout; a refusal is raised."""
        for attempt in range(1, self.attempts + 1):
            try:
                return call()
            except ServerUnreachable as exc:
                log.warning("%s attempt %d/%d failed: %s", what, attempt, self.attempts, exc)
                if attempt < self.attempts:
                    self.sleep(self.backoff_s[min(attempt - 1, len(self.backoff_s) - 1)])
        return Refused("unreachable", detail=f"no answer after {self.attempts} attempts")

    # Appointments -------------------------------------------------------------------------
    def check_in(self, code: str, *, language: str = "vi") -> Outcome:
        """Check in a booking by its code (typed or scanned) and print its ticket."""
        refusal = self.check_printer()
        if refusal is not None:
            return refusal
        code = code.strip()
        try:
            answer = self._retrying(lambda: self.server.check_in(code), "check-in")
        except ServerRefused as exc:
            log.info("server refused the check-in: %s %s", exc.status, exc.code)
            kind = _CHECK_IN_REFUSALS.get(exc.code, "appointment" if exc.status < 500
                                          else "refused")
            return Refused(kind, message=exc.message, detail=f"HTTP {exc.status} {exc.code}",
                           code=exc.code, details=exc.details)
        if isinstance(answer, Refused):
            return answer
        return self._print(answer, language)

    def _print(self, answer: IssuedTicket, language: str) -> Issued:
        data = answer.data
        lang = "en" if language == "en" else "vi"
        try:
            ticket = ticket_from_api(data, self.config, language=lang)
        except (KeyError, ValueError, TypeError) as exc:
            # Cannot even describe the ticket: show what the server said.
            fault = f"bad ticket data from the server: {exc}"
            log.error("%s (%r)", fault, data)
            self._report(fault)
            return Issued(ticket_id=data.get("id"), number=str(data.get("number", "?")),
                          field_id=str(data.get("service_id", "")), field_name="", counters=(),
                          people_ahead=int(data.get("waiting_before") or 0),
                          estimated_wait_s=data.get("estimated_wait_s"),
                          priority=bool(data.get("priority")),
                          track_url=str(data.get("track_url") or ""), printed=False, fault=fault)
        printed, fault = True, ""
        try:
            self.printer.print_ticket(ticket)
        except Exception as exc:  # noqa: BLE001 - any failure: the number must still be shown
            printed = False
            fault = (f"ticket {ticket.number} was issued but not printed: "
                     f"{type(exc).__name__}: {exc}")
            log.error(fault)
            self._report(fault)
        else:
            if self.fault:
                log.info("printing works again")
            self.fault = ""
        return Issued(ticket_id=data.get("id"), number=ticket.number, field_id=str(data["service_id"]),
                      field_name=ticket.field_name, counters=ticket.counters,
                      people_ahead=ticket.people_ahead, estimated_wait_s=ticket.estimated_wait_s,
                      priority=ticket.priority, track_url=ticket.track_url, printed=printed,
                      fault=fault)

    def _report(self, fault: str) -> None:
        """Remember a printing fault (sent with every heartbeat until a ticket prints)."""
        self.fault = fault
        self._notify(fault)

    def _notify(self, fault: str) -> None:
        if self.on_fault is not None:
            try:
                self.on_fault(fault)
            except Exception:  # noqa: BLE001 - reporting must never break issuing
                log.exception("reporting a printer fault failed")

    # Heartbeat --------------------------------------------------------------------------
    def heartbeat_info(self) -> dict[str, object]:
        """What the next heartbeat says: printer status, why, and the software version."""
        status = self.printer.status()
        detail = self.fault or self.printer.last_detail
        if not detail and status is not PrinterStatus.OK:
            detail = status.message
        return {"printer_status": status.value, "detail": detail[:500] or None,
                "version": _version()}

    def send_heartbeat(self) -> bool:
        """One heartbeat; False (logged) if the server could not be told."""
        info = self.heartbeat_info()
        try:
            self.server.heartbeat(**info)
        except ServerError as exc:
            log.warning("heartbeat failed: %s", exc)
            return False
        return True


class Heartbeat:
    """Calls ``send`` every ``interval_s`` from a daemon thread; :meth:`kick` sends one now."""

    def __init__(self, send: Callable[[], object], interval_s: float = 30.0) -> None:
        self.send = send
        self.interval_s = interval_s
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="kiosk-heartbeat", daemon=True)
            self._thread.start()

    def kick(self, *_: object) -> None:
        self._wake.set()

    def stop(self, timeout_s: float = 5.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout_s)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.send()
            except Exception:  # noqa: BLE001 - keep beating whatever happened
                log.exception("heartbeat crashed")
            self._wake.wait(self.interval_s)
            self._wake.clear()


# Hours ----------------------------------------------------------------------------------------


def hours_today(config: Config, f: FieldConfig, local: datetime) -> str:
    """The field's ticket hours on ``local``'s day: "07:00-11:30, 13:30-17:00", "" if none."""
    if local.date().isoformat() in config.centre.closed_dates:
        return ""
    return ", ".join(str(s) for s in config.field_hours(f).spans(local.weekday()))


def _open_at(config: Config, f: FieldConfig, local: datetime) -> bool:
    if local.date().isoformat() in config.centre.closed_dates:
        return False
    return any(s.contains(local.time()) for s in config.field_hours(f).spans(local.weekday()))


def qr_matrix(text: str) -> list[list[bool]]:
    """The QR code of ``text`` as rows of dark (True) modules, with a 2-module quiet zone."""
    import qrcode

    qr = qrcode.QRCode(border=2, error_correction=qrcode.constants.ERROR_CORRECT_M)
    qr.add_data(text)
    qr.make(fit=True)
    return [list(row) for row in qr.get_matrix()]
