"""Printer status: the DLE EOT protocol, against a fake network printer, within a time bound."""

from __future__ import annotations

import time

import pytest

from printer.backends import NetworkPrinter, PreviewPrinter, TicketPrinter
from printer.errors import CoverOpen, PaperOut, PrinterOffline
from printer.render import TicketRenderer
from printer.status import PrinterStatus, decode_status, query_status

HANG_GUARD_S = 5.0  # only catches a hang; the bound itself is the printer's timeout_s


class ScriptedChannel:
    def __init__(self, replies: dict[int, bytes]) -> None:
        self.replies = replies
        self.sent: list[bytes] = []
        self._last = 0

    def write(self, data: bytes) -> None:
        self.sent.append(data)
        self._last = data[-1]

    def read(self, timeout_s: float) -> bytes:
        return self.replies.get(self._last, b"")


@pytest.mark.parametrize(
    ("printer", "cause", "paper", "expected"),
    [
        (0x12, None, 0x12, PrinterStatus.OK),
        (0x16, None, 0x12, PrinterStatus.OK),  # drawer bit set: irrelevant
        (0x12, None, 0x1E, PrinterStatus.PAPER_LOW),
        (0x12, None, 0x72, PrinterStatus.PAPER_OUT),
        (0x1A, 0x32, 0x72, PrinterStatus.PAPER_OUT),
        (0x1A, 0x12, 0x72, PrinterStatus.PAPER_OUT),  # cause silent, paper sensor says end
        (0x1A, 0x16, 0x12, PrinterStatus.COVER_OPEN),
        (0x1A, 0x36, 0x72, PrinterStatus.COVER_OPEN),  # cover open wins: close it first
        (0x1A, 0x12, 0x12, PrinterStatus.OFFLINE),
        (0x1A, None, None, PrinterStatus.OFFLINE),
        (0x12, None, None, PrinterStatus.OK),
    ],
)
def test_decode_status(printer: int, cause: int | None, paper: int | None,
                       expected: PrinterStatus) -> None:
    assert decode_status(printer, cause, paper) is expected


def test_query_asks_offline_cause_only_when_offline() -> None:
    online = ScriptedChannel({1: b"\x12", 4: b"\x12"})
    assert query_status(online, time.monotonic() + 1) is PrinterStatus.OK
    assert online.sent == [b"\x10\x04\x01", b"\x10\x04\x04"]
    offline = ScriptedChannel({1: b"\x1a", 2: b"\x16", 4: b"\x12"})
    assert query_status(offline, time.monotonic() + 1) is PrinterStatus.COVER_OPEN
    assert offline.sent == [b"\x10\x04\x01", b"\x10\x04\x02", b"\x10\x04\x04"]


def test_query_without_valid_answer_is_unknown() -> None:
    assert query_status(ScriptedChannel({}), time.monotonic() + 1) is PrinterStatus.UNKNOWN
    bad = ScriptedChannel({1: b"\xff"})
    assert query_status(bad, time.monotonic() + 1) is PrinterStatus.UNKNOWN
    late = ScriptedChannel({1: b"\x12"})
    assert query_status(late, time.monotonic() - 1) is PrinterStatus.UNKNOWN
    assert late.sent == []  # past the deadline: does not even ask


@pytest.mark.parametrize(
    ("scenario", "expected"),
    [
        ("ok", PrinterStatus.OK),
        ("paper_low", PrinterStatus.PAPER_LOW),
        ("paper_out", PrinterStatus.PAPER_OUT),
        ("cover_open", PrinterStatus.COVER_OPEN),
        ("offline", PrinterStatus.OFFLINE),
        ("error", PrinterStatus.OFFLINE),
        ("garbage", PrinterStatus.UNKNOWN),
        ("silent", PrinterStatus.UNKNOWN),
    ],
)
def test_network_status(fake_printer, fonts, scenario: str, expected: PrinterStatus) -> None:
    fake = fake_printer(scenario)
    printer = NetworkPrinter(TicketRenderer(fonts), "127.0.0.1", fake.port, timeout_s=0.6)
    started = time.monotonic()
    assert printer.status() is expected
    assert time.monotonic() - started < HANG_GUARD_S
    assert printer.last_status is expected
    assert fake.wait_job().startswith(b"\x10\x04\x01")  # asked with DLE EOT 1 and hung up
    if expected is PrinterStatus.UNKNOWN:
        assert "no valid answer" in printer.last_detail


def test_network_status_connection_refused(fonts, closed_port: int) -> None:
    printer = NetworkPrinter(TicketRenderer(fonts), "127.0.0.1", closed_port)
    started = time.monotonic()
    assert printer.status() is PrinterStatus.OFFLINE
    assert time.monotonic() - started < HANG_GUARD_S
    assert "127.0.0.1" in printer.last_detail and "not reachable" in printer.last_detail


class Stuck(TicketPrinter):
    """A backend whose status query hangs, like a wedged USB transfer."""

    def _send(self, data, image, ticket) -> None:  # pragma: no cover - not used
        raise AssertionError

    def _status(self, deadline: float) -> PrinterStatus:
        time.sleep(10)
        return PrinterStatus.OK


def test_status_never_blocks_longer_than_its_timeout() -> None:
    printer = Stuck(None, timeout_s=0.3)
    started = time.monotonic()
    assert printer.status() is PrinterStatus.UNKNOWN
    assert time.monotonic() - started < HANG_GUARD_S
    assert "no answer within 0.3 s" in printer.last_detail


@pytest.mark.parametrize(
    ("scenario", "error"),
    [("paper_out", PaperOut), ("cover_open", CoverOpen), ("offline", PrinterOffline)],
)
def test_ensure_ready_raises_the_matching_error(fake_printer, fonts, scenario, error) -> None:
    fake = fake_printer(scenario)
    printer = NetworkPrinter(TicketRenderer(fonts), "127.0.0.1", fake.port, timeout_s=1)
    with pytest.raises(error, match=f"127.0.0.1:{fake.port}"):
        printer.ensure_ready()


def test_ensure_ready_passes_ok_and_paper_low(fake_printer, fonts) -> None:
    for scenario, expected in (("ok", PrinterStatus.OK), ("paper_low", PrinterStatus.PAPER_LOW)):
        fake = fake_printer(scenario)
        printer = NetworkPrinter(TicketRenderer(fonts), "127.0.0.1", fake.port, timeout_s=1)
        assert printer.ensure_ready() is expected


def test_status_values_and_can_print() -> None:
    assert [s.value for s in PrinterStatus] == [
        "ok", "paper_low", "paper_out", "cover_open", "offline", "unknown"]
    assert PrinterStatus("paper_out") is PrinterStatus.PAPER_OUT
    assert str(PrinterStatus.COVER_OPEN) == "cover_open"
    assert {s for s in PrinterStatus if s.can_print} == {
        PrinterStatus.OK, PrinterStatus.PAPER_LOW, PrinterStatus.UNKNOWN}


def test_preview_status(tmp_path, fonts) -> None:
    assert PreviewPrinter(TicketRenderer(fonts), tmp_path / "new" / "dir").status() is (
        PrinterStatus.OK)
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    printer = PreviewPrinter(TicketRenderer(fonts), blocker / "tickets")
    assert printer.status() is PrinterStatus.OFFLINE
    assert "cannot create" in printer.last_detail
