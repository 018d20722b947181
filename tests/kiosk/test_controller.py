"""The kiosk controller with a fake server client and a fake printer: every path a citizen can
meet (printer refusals, server refusals, retries with one request_id, print failure after issue),
the heartbeat, the home screen data; then the real client against the real app (a live server,
or the app in the test's process)."""

from __future__ import annotations

import subprocess
import sys
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import requests

from config import load_config
from kiosk.client import IssuedTicket, ServerClient, ServerRefused, ServerUnreachable
from kiosk.controller import Heartbeat, Issued, KioskController, Refused
from printer import CoverOpen, PaperOut, PrinterOffline, PrinterStatus, open_printer

ROOT = Path(__file__).resolve().parents[2]
VN = ZoneInfo("Asia/Ho_Chi_Minh")
KIOSK_TOKEN = "demo-kiosk-1-token-not-secret"


def ticket_json(number: str = "1005", service_id: str = "ho-tich", **extra: object) -> dict:
    """What the server answers to POST /tickets."""
    return {"id": 7, "number": number, "service_id": service_id,
            "issued_at": datetime(2026, 11, 25, 2, 0, tzinfo=UTC).isoformat(),
            "waiting_before": 3, "estimated_wait_s": 1080, "priority": False,
            "track_url": f"http://127.0.0.1:8080/t/tok{number}", **extra}


@dataclass
class FakeServer:
    """Answers ``issue`` from a script: a dict is a ticket, an exception is raised."""

    script: list = field(default_factory=list)
    fields_rows: list[dict] | Exception = field(default_factory=list)
    heartbeat_error: Exception | None = None
    issue_calls: list[tuple[str, str, bool]] = field(default_factory=list)
    heartbeats: list[dict] = field(default_factory=list)

    def fields(self) -> list[dict]:
        if isinstance(self.fields_rows, Exception):
            raise self.fields_rows
        return self.fields_rows

    def issue(self, field_id: str, *, request_id: str, priority: bool = False) -> IssuedTicket:
        self.issue_calls.append((field_id, request_id, priority))
        step = self.script.pop(0) if self.script else ticket_json(service_id=field_id)
        if isinstance(step, Exception):
            raise step
        return IssuedTicket(step, created=True)

    def heartbeat(self, **info: object) -> None:
        self.heartbeats.append(info)
        if self.heartbeat_error is not None:
            raise self.heartbeat_error


@dataclass
class FakePrinter:
    """Reports ``state``; printing raises ``fail`` if set, else keeps the ticket."""

    state: PrinterStatus = PrinterStatus.OK
    fail: Exception | None = None
    detail: str = ""
    printed: list = field(default_factory=list)
    status_calls: int = 0
    last_status: PrinterStatus | None = None
    last_detail: str = ""

    def status(self) -> PrinterStatus:
        self.status_calls += 1
        self.last_status = self.state
        self.last_detail = self.detail
        return self.state

    def print_ticket(self, ticket) -> None:
        if self.fail is not None:
            raise self.fail
        self.printed.append(ticket)

    def describe(self) -> str:
        return "fake printer"


def refused(code: str, message: str = "Thông báo của máy chủ.", status: int = 409) -> ServerRefused:
    return ServerRefused(status, code, message)


def unreachable() -> ServerUnreachable:
    return ServerUnreachable("timed out")



@pytest.fixture
def server() -> FakeServer:
    return FakeServer()


@pytest.fixture
def printer() -> FakePrinter:
    return FakePrinter()


@pytest.fixture
def sleeps() -> list[float]:
    return []


@pytest.fixture
def make(config, server, printer, sleeps):
    """A controller over the fakes; a fixed local time (Wednesday 09:00) and no real sleeping."""

    def build(**kw) -> KioskController:
        kw.setdefault("now", lambda: datetime(2026, 11, 25, 9, 0, tzinfo=VN))
        return KioskController(kw.pop("config", config), server, printer, sleep=sleeps.append,
                               **kw)

    return build


# -- the controller is plain Python --------------------------------------------------------------


def test_importing_the_controller_does_not_import_kivy():
    code = ("import sys, kiosk.controller, kiosk.session, config.procedures, kiosk.i18n, "
            "kiosk.launch; bad = [m for m in sys.modules if m == 'kivy' or m.startswith('kivy.')]; "
            "print(bad); sys.exit(1 if bad else 0)")
    r = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                       timeout=60)
    assert r.returncode == 0, r.stdout + r.stderr


# -- the printer is asked first ------------------------------------------------------------------


@pytest.mark.parametrize(("state", "kind"), [
    (PrinterStatus.PAPER_OUT, "paper_out"),
    (PrinterStatus.COVER_OPEN, "cover_open"),
    (PrinterStatus.OFFLINE, "printer_offline"),
])
def test_a_printer_that_cannot_print_refuses_before_any_ticket(make, server, printer, state, kind):
    printer.state = state
    printer.detail = "no answer"
    faults: list[str] = []
    ctl = make()
    ctl.on_fault = faults.append
    out = ctl.issue("ho-tich")
    assert isinstance(out, Refused) and out.kind == kind
    assert server.issue_calls == []  # no number was taken from the queue
    assert printer.printed == []
    assert "fake printer" in out.detail and "no answer" in out.detail
    assert faults == [out.detail]  # the heartbeat is told at once
    assert out.screen == "error"
    assert out.title("vi") and out.text("vi") != out.text("en")


def test_vietnamese_printer_messages_ask_for_staff(make, printer):
    printer.state = PrinterStatus.PAPER_OUT
    out = make().issue("ho-tich")
    assert out.title("vi") == "Máy in hết giấy"
    assert "báo cán bộ" in out.text("vi")
    assert out.title("en") == "The printer is out of paper"


@pytest.mark.parametrize("state", [PrinterStatus.OK, PrinterStatus.PAPER_LOW, PrinterStatus.UNKNOWN])
def test_a_printer_that_may_print_is_used(make, server, printer, state):
    printer.state = state
    out = make().issue("ho-tich")
    assert isinstance(out, Issued) and out.printed
    assert len(server.issue_calls) == 1 and len(printer.printed) == 1


# -- the server: retries with one request_id, refusals ----------------------------------------


def test_timeouts_are_retried_with_the_same_request_id(make, server, printer, sleeps):
    server.script = [unreachable(), unreachable(), ticket_json("1009")]
    out = make(attempts=3, backoff_s=(0.2, 0.5)).issue("ho-tich", priority=True)
    assert isinstance(out, Issued) and out.number == "1009" and out.printed
    assert len(server.issue_calls) == 3
    assert len({rid for _, rid, _ in server.issue_calls}) == 1  # one request, asked three times
    assert all(p is True for _, _, p in server.issue_calls)
    assert sleeps == [0.2, 0.5]
    assert [t.number for t in printer.printed] == ["1009"]


def test_each_visit_has_its_own_request_id(make, server):
    ctl = make()
    ctl.issue("ho-tich")
    ctl.issue("ho-tich")
    assert server.issue_calls[0][1] != server.issue_calls[1][1]


def test_a_server_that_never_answers_gives_the_unreachable_screen(make, server, printer, sleeps):
    server.script = [unreachable()] * 5
    out = make(attempts=3, backoff_s=(0.2, 0.5)).issue("dat-dai")
    assert isinstance(out, Refused) and out.kind == "unreachable"
    assert len(server.issue_calls) == 3
    assert len({rid for _, rid, _ in server.issue_calls}) == 1
    assert sleeps == [0.2, 0.5]  # no pause after the last attempt
    assert printer.printed == []
    assert out.title("vi") == "Không kết nối được máy chủ"
    assert "báo cán bộ" in out.text("vi")


@pytest.mark.parametrize(("code", "kind", "title"), [
    ("closed", "closed", "Lĩnh vực đã hết giờ lấy số"),
    ("daily_cap", "daily_cap", "Đã hết số trong ngày"),
    ("hall_full", "hall_full", "Đã đủ số người chờ"),
    ("disk_full", "disk_full", "Máy chủ hết chỗ lưu trữ"),
    ("counter_not_allowed", "refused", "Chưa lấy được số"),
])
def test_server_refusals_map_to_their_screens(make, server, printer, code, kind, title):
    server.script = [refused(code, "Thông điệp tiếng Việt của máy chủ.")]
    out = make().issue("ho-tich")
    assert isinstance(out, Refused) and out.kind == kind
    assert len(server.issue_calls) == 1  # a refusal is an answer: never retried
    assert printer.printed == []
    assert out.title("vi") == title
    assert out.text("vi").startswith("Thông điệp tiếng Việt của máy chủ.")  # the server's words
    assert "Thông điệp" not in out.text("en")


def test_closed_shows_the_fields_hours_today(make_config, server, printer, sleeps):
    cfg = make_config(centre={"name": "UBND xã", "hours": {"wed": ["07:00-11:15", "13:15-16:30"]}})
    server.script = [refused("closed")]
    ctl = KioskController(cfg, server, printer, sleep=sleeps.append,
                          now=lambda: datetime(2026, 11, 25, 12, 0, tzinfo=VN))  # a Wednesday
    out = ctl.issue("ho-tich")
    assert out.kind == "closed" and out.hours == "07:00-11:15, 13:15-16:30"
    assert "Giờ lấy số: 07:00-11:15, 13:15-16:30" in out.text("vi")
    assert "Numbers: 07:00-11:15, 13:15-16:30" in out.text("en")
    # A day without hours says so.
    ctl.now = lambda: datetime(2026, 11, 28, 9, 0, tzinfo=VN)  # Saturday
    assert "Hôm nay không nhận số" in ctl.closed("ho-tich").text("vi")


# -- printing after the ticket exists ------------------------------------------------------------


@pytest.mark.parametrize("error", [PaperOut("paper end"), CoverOpen("cover"),
                                   PrinterOffline("cable pulled"), OSError("I/O error")])
def test_a_print_failure_after_issue_shows_the_number_and_reports(make, server, printer, error):
    printer.fail = error
    faults: list[str] = []
    ctl = make()
    ctl.on_fault = faults.append
    out = ctl.issue("chung-thuc")
    assert isinstance(out, Issued)
    assert not out.printed and out.number == "1005"
    assert out.track_url == "http://127.0.0.1:8080/t/tok1005"  # for the QR code on screen
    assert out.screen == "result"
    assert "1005" in out.fault and type(error).__name__ in out.fault
    assert faults == [out.fault]
    assert ctl.heartbeat_info()["detail"] == out.fault  # reported until printing works again
    printer.fail = None
    assert ctl.issue("ho-tich").printed
    assert ctl.fault == ""


def test_the_printed_ticket_carries_the_servers_answer(make, server, printer):
    server.script = [ticket_json("2003", service_id="chung-thuc", priority=True, waiting_before=4)]
    out = make().issue("chung-thuc", language="en")
    t = printer.printed[0]
    assert (t.number, t.field_name, t.people_ahead, t.priority) == ("2003", "Certification", 4, True)
    assert t.counters == ("Quầy 1", "Quầy 2", "Quầy 5") == out.counters
    assert t.language == "en"
    assert (out.people_ahead, out.priority, out.estimated_wait_s) == (4, True, 1080)


def test_an_answer_that_cannot_be_printed_is_still_shown(make, server, printer):
    server.script = [{"id": 3, "number": "9001", "service_id": "no-such-field",
                      "track_url": "http://x/t/1"}]
    out = make().issue("ho-tich")
    assert isinstance(out, Issued) and not out.printed and out.number == "9001"
    assert printer.printed == []


# -- heartbeat ------------------------------------------------------------------------------------


def test_heartbeat_sends_printer_status_detail_and_version(make, server, printer):
    printer.state = PrinterStatus.PAPER_LOW
    ctl = make()
    assert ctl.send_heartbeat()
    beat = server.heartbeats[-1]
    assert beat["printer_status"] == "paper_low"
    assert "nearly empty" in beat["detail"]
    assert isinstance(beat["version"], str) and beat["version"]
    printer.state = PrinterStatus.OK
    ctl.send_heartbeat()
    assert server.heartbeats[-1]["printer_status"] == "ok"
    assert server.heartbeats[-1]["detail"] is None


def test_heartbeat_failures_are_reported_not_raised(make, server):
    server.heartbeat_error = unreachable()
    assert make().send_heartbeat() is False


def test_heartbeat_thread_beats_and_can_be_kicked():
    beats: list[int] = []
    seen = threading.Condition()

    def send() -> None:
        with seen:
            beats.append(1)
            seen.notify_all()

    hb = Heartbeat(send, interval_s=3600)  # only the first beat and kicks can happen
    hb.start()
    try:
        with seen:
            assert seen.wait_for(lambda: len(beats) >= 1, timeout=10)
        hb.kick()
        with seen:
            assert seen.wait_for(lambda: len(beats) >= 2, timeout=10)
    finally:
        hb.stop()
    assert not hb._thread.is_alive()


# -- home screen data -----------------------------------------------------------------------------


def test_home_uses_the_servers_figures(make, server):
    server.fields_rows = [
        {"id": "ho-tich", "open": True, "waiting": 4, "estimated_wait_s": 1440},
        {"id": "dat-dai", "open": False, "waiting": 0, "estimated_wait_s": 0},
    ]
    state = make().home()
    assert state.online
    assert [t.id for t in state.fields][:3] == ["ho-tich", "chung-thuc", "dat-dai"]
    ht = state.tile("ho-tich")
    assert (ht.open, ht.waiting, ht.estimated_wait_s, ht.icon) == (True, 4, 1440, "ho-tich")
    assert state.tile("dat-dai").open is False
    assert state.tile("dat-dai").hours_today == "00:00-24:00"
    assert state.tile("chung-thuc").waiting is None  # the server did not mention it
    assert state.tile("ho-tich").title("en") == "Justice - Civil status"


def test_home_without_the_server_shows_the_config(make, server):
    server.fields_rows = unreachable()
    state = make().home()
    assert not state.online
    assert all(t.waiting is None and t.open for t in state.fields)  # demo: open 24 h


# -- the real client against the real app: a server process, or the app in this process -----------


def _live(server_url: str, server, **kw) -> KioskController:
    cfg = load_config(server.config_path, env={"MOTCUA_DATA_DIR": str(server.data_dir)})
    client = ServerClient(server_url, KIOSK_TOKEN, timeout_s=5)
    prn = open_printer(cfg.printer, data_dir=cfg.data_path)
    return KioskController(cfg, client, prn, **kw)


@pytest.mark.slow
def test_real_client_and_preview_printer_against_a_live_server(live_server):
    ctl = _live(live_server.url, live_server)
    home = ctl.home()
    assert home.online and home.tile("ho-tich").waiting == 0
    out = ctl.issue("ho-tich")
    assert isinstance(out, Issued) and out.printed, out
    server_side = requests.get(live_server.api(f"/tickets/{out.ticket_id}"), timeout=5).json()
    assert server_side["number"] == out.number
    pngs = list((live_server.data_dir / "tickets").glob(f"*-{out.number}.png"))
    assert len(pngs) == 1 and pngs[0].with_suffix(".bin").stat().st_size > 1000
    assert ctl.home().tile("ho-tich").waiting == 1
    assert ctl.send_heartbeat()


@pytest.mark.slow
def test_real_client_retries_then_gives_the_unreachable_screen(app_server):
    dead = "http://127.0.0.1:9"  # discard port: nothing listens
    sleeps: list[float] = []
    ctl = _live(dead, app_server, sleep=sleeps.append)
    out = ctl.issue("ho-tich")
    assert isinstance(out, Refused) and out.kind == "unreachable"
    assert len(sleeps) == ctl.attempts - 1
    assert not ctl.home().online


@pytest.mark.slow
def test_real_server_refusals(start_app, demo_config_text):
    text = demo_config_text.replace("daily_cap = 200", "daily_cap = 1").replace(
        'name = "Đất đai"', 'name = "Đất đai"\nhours = { mon = [], tue = [], wed = [], thu = [], '
                           'fri = [], sat = [], sun = [] }')
    server = start_app(text)
    ctl = _live(server.url, server)
    assert ctl.issue("ho-tich").printed
    capped = ctl.issue("ho-tich")
    assert capped.kind == "daily_cap" and "hết số" in capped.text("vi")
    closed = ctl.issue("dat-dai")
    assert closed.kind == "closed" and "Hôm nay không nhận số" in closed.text("vi")
    assert ctl.home().tile("dat-dai").open is False

    full = start_app(demo_config_text.replace("max_waiting = 0", "max_waiting = 1"))
    ctl = _live(full.url, full)
    assert ctl.issue("chung-thuc").printed
    out = ctl.issue("kinh-doanh")
    assert out.kind == "hall_full"
    assert out.text("vi") == "Hiện đã đủ số người chờ. Xin vui lòng quay lại sau ít phút."
