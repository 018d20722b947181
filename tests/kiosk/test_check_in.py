"""Checking a booking in at the kiosk, without a window: the code typed or scanned
(:class:`kiosk.session.CodeEntry`), the controller's check-in with a fake server and printer
(printed as a walk-in's ticket, retried on timeouts, wrong codes and the pause said in the
citizen's language), then the real client against the app."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import pytest
import requests

from kiosk.client import IssuedTicket
from kiosk.controller import CODE_REFUSALS, Issued, KioskController, Refused
from kiosk.session import CodeEntry
from printer import PrinterStatus
from tests.kiosk.test_controller import (
    VN,
    FakePrinter,
    FakeServer,
    _live,
    refused,
    ticket_json,
    unreachable,
)


@dataclass
class BookingServer(FakeServer):
    """:class:`FakeServer` that also answers ``check_in`` from ``checkins``."""

    checkins: list = field(default_factory=list)
    codes: list[str] = field(default_factory=list)

    def check_in(self, code: str) -> IssuedTicket:
        self.codes.append(code)
        step = self.checkins.pop(0) if self.checkins else ticket_json(booked=True)
        if isinstance(step, Exception):
            raise step
        return IssuedTicket(step, created=True)


@pytest.fixture
def server() -> BookingServer:
    return BookingServer()


@pytest.fixture
def ctl(config, server) -> KioskController:
    """A controller over the fakes: its ``printer`` a :class:`FakePrinter`, its ``sleeps`` kept."""
    sleeps: list[float] = []
    c = KioskController(config, server, FakePrinter(), sleep=sleeps.append,
                        now=lambda: datetime(2026, 11, 25, 9, 0, tzinfo=VN))
    c.sleeps = sleeps
    return c


def test_code_entry_takes_six_digits_from_the_pad_or_a_scanner() -> None:
    entry = CodeEntry()
    assert entry.shown == "__ __ __" and not entry.complete
    entry.type("12")
    entry.type("a")  # the pad has no letters; a scanner's extra characters are dropped
    assert entry.shown == "12 __ __"
    entry.type("34-56 78\r")
    assert entry.entered == "123456" and entry.complete and entry.shown == "12 34 56"
    entry.back()
    assert entry.entered == "12345" and not entry.complete
    entry.clear()
    assert entry.entered == ""


def test_a_checked_in_code_is_printed_as_a_walk_ins_ticket(ctl, server) -> None:
    out = ctl.check_in(" 043413 ")
    assert isinstance(out, Issued) and out.printed and out.number == "1005"
    assert server.codes == ["043413"] and len(ctl.printer.printed) == 1
    assert ctl.printer.printed[0].number == "1005"


def test_timeouts_are_retried_the_same_code_answers_the_same_ticket(ctl, server) -> None:
    server.checkins = [unreachable(), unreachable(), ticket_json(booked=True)]
    out = ctl.check_in("043413")
    assert isinstance(out, Issued) and out.printed
    assert server.codes == ["043413"] * 3 and len(ctl.sleeps) == 2
    server.checkins = [unreachable()] * 3
    out = ctl.check_in("043413")
    assert isinstance(out, Refused) and out.kind == "unreachable"


def test_the_printer_is_asked_first(ctl, server) -> None:
    ctl.printer.state = PrinterStatus.PAPER_OUT
    out = ctl.check_in("043413")
    assert isinstance(out, Refused) and out.kind == "paper_out" and server.codes == []


def test_a_wrong_code_and_the_pause_are_said_on_the_keypad(ctl, server) -> None:
    wrong = "Mã lịch hẹn không đúng. Xin kiểm tra lại và nhập lại."
    server.checkins = [refused("wrong_code", wrong, 404)]
    out = ctl.check_in("123456")
    assert out.kind == "wrong_code" and out.kind in CODE_REFUSALS
    assert out.text("vi") == wrong
    assert out.text("en") == "The appointment code is wrong. Please check it and type it again."
    assert out.title("vi") == "Mã lịch hẹn không đúng"

    paused = refused("too_many_codes", "Nhập sai mã quá nhiều lần. Xin thử lại sau 5 phút hoặc "
                     "nhờ cán bộ hỗ trợ.", 429)
    paused.details = {"minutes": 5, "retry_after_s": 300}
    server.checkins = [paused]
    out = ctl.check_in("111111")
    assert out.kind == "too_many_codes" and out.text("vi").startswith("Nhập sai mã quá nhiều lần")
    assert "5 minutes" in out.text("en")
    assert ctl.printer.printed == []


def test_other_refusals_of_a_booking_give_the_servers_reason(ctl, server) -> None:
    early = refused("too_early", "Chưa đến giờ nhận số cho lịch hẹn này. Xin quay lại từ 10:30.")
    early.details = {"time": "10:30"}
    server.checkins = [early]
    out = ctl.check_in("043413")
    assert out.kind == "appointment" and out.text("vi").endswith("Xin quay lại từ 10:30.")
    assert "10:30" in out.text("en") and out.text("en") != out.text("vi")
    server.checkins = [refused("disk_full", "Máy chủ hết chỗ", 503)]
    assert ctl.check_in("043413").kind == "disk_full"


@pytest.mark.slow
def test_real_client_checks_in_a_booking(app_server, clock) -> None:
    app_server.app.extensions["motcua"].engine.clock = clock  # Wednesday 09:00
    r = requests.post(app_server.api("/appointments"), timeout=5, json={
        "service_id": "ho-tich", "day": "2026-11-25", "slot": "09:30", "name": "Phạm Thị Mai",
        "phone": "0987654321"})
    code = r.json()["appointment"]["code"]
    ctl = _live(app_server.url, app_server)
    wrong = ctl.check_in("123456")
    assert wrong.kind == "wrong_code" and wrong.text("vi").startswith("Mã lịch hẹn không đúng")
    out = ctl.check_in(code)
    assert isinstance(out, Issued) and out.printed and out.number == "1001"
    again = ctl.check_in(code)  # a retry after a lost answer: the same ticket
    assert isinstance(again, Issued) and again.ticket_id == out.ticket_id
    ticket = requests.get(app_server.api(f"/tickets/{out.ticket_id}"), timeout=5).json()
    assert ticket["booked"] is True
