"""The Kivy kiosk, offscreen (SDL's offscreen driver with Mesa), against a real server.

Each test runs ``driver.py`` in its own process (a Kivy app runs once per process); the driver
touches the screen with real touch events and reports what the screens showed. Screenshots go
to ``test-artifacts/kiosk/`` (look at them: 800x480, 1920x1080 and portrait 1080x1920).
"""

from __future__ import annotations

import importlib.util
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parents[2]
DRIVER = Path(__file__).resolve().parent / "driver.py"
ARTIFACTS = ROOT / "test-artifacts" / "kiosk"
KIOSK = {"Authorization": "Bearer demo-kiosk-1-token-not-secret"}

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module", autouse=True)
def _kivy_available():
    # Not imported here: Kivy sets itself up on import (the driver does it with its own settings).
    if importlib.util.find_spec("kivy") is None:
        pytest.skip("the kiosk UI tests need Kivy (pip install kivy==2.3.1)")


def run_driver(live, tmp_path: Path, *, size: str, steps: str, prefix: str,
               field: str = "ho-tich", extra: tuple[str, ...] = ()) -> dict:
    """Run the kiosk against ``live`` and return the driver's report."""
    shutil.copy(ROOT / "config" / "demo.procedures.toml",
                live.config_path.with_name(live.config_path.stem + ".procedures.toml"))
    out = tmp_path / f"{prefix}.json"
    r = subprocess.run(
        [sys.executable, str(DRIVER), "--config", str(live.config_path), "--data-dir",
         str(live.data_dir), "--out", str(out), "--shots", str(ARTIFACTS), "--prefix", prefix,
         "--size", size, "--steps", steps, "--field", field, *extra],
        env={**live.env}, capture_output=True, text=True, timeout=300)
    assert out.exists(), f"driver wrote no report (exit {r.returncode}):\n{r.stderr[-4000:]}"
    report = json.loads(out.read_text(encoding="utf-8"))
    assert report["errors"] == [], report["errors"]
    assert r.returncode == 0, r.stderr[-4000:]
    return report


@pytest.mark.parametrize("size", ["800x480", "1920x1080", "1080x1920"])
def test_touch_a_field_and_get_the_number_the_server_issued(live_server, tmp_path, size):
    steps = "home,issue,priority,procedures,english,noprint,error,issuing,keys,idle,exit"
    rep = run_driver(live_server, tmp_path, size=size, steps=steps, prefix=f"kiosk-{size}")

    # Home: every field from the server, with people waiting.
    assert rep["home"]["ho-tich"] == ["Tư\u00a0pháp\u00a0- Hộ\u00a0tịch", "Đang chờ: 0 người",
                                      "Không phải chờ", True]
    assert len(rep["home"]) == 6

    # Result: the number the server has, and the ticket in the preview printer's folder.
    issue = rep["issue"]
    assert issue["screen"] == "result" and issue["printed"]
    ticket = requests.get(live_server.api(f"/tickets/{issue['ticket_id']}"), timeout=5).json()
    assert issue["number"] == ticket["number"] == "1001"
    assert issue["take"] == "Xin mời nhận phiếu"
    assert issue["counters"] == "Mời đến: Quầy 1, 2, 5"
    assert issue["ahead"] == "Trước bạn còn 0 người"
    assert any(name.endswith("-1001.png") for name in rep["preview"])

    # Priority: a priority ticket, said so on screen and on the server.
    prio = rep["priority"]
    ticket = requests.get(live_server.api(f"/tickets/{prio['ticket_id']}"), timeout=5).json()
    assert ticket["priority"] is True and prio["number"] == ticket["number"]

    # Procedures: the look-up screen lists the field's procedures, and switches field by touch.
    assert rep["procedures"] == {"field": "ho-tich", "cards": 5}
    assert rep["procedures_second"] == {"field": "chung-thuc", "cards": 3}
    assert rep["english"] == "en"

    # A printer that fails after the ticket exists: the number and its QR code on screen.
    noprint = rep["noprint"]
    assert noprint["screen"] == "result" and not noprint["printed"] and noprint["has_qr"]
    assert "chụp ảnh mã QR" in noprint["take"]
    assert requests.get(live_server.api(f"/tickets/{noprint['ticket_id']}"),
                        timeout=5).json()["number"] == noprint["number"]

    # A printer that is off: refused before any number is taken.
    assert rep["error"]["screen"] == "error"
    assert rep["error"]["error_kind"] == "printer_offline"
    assert rep["error"]["error_title"] == "Máy in không hoạt động"

    # Keys 1-4 reach the rating hook; others do not.
    assert rep["digits"] == [1, 2, 3, 4]
    assert rep["idle"] == "home"
    assert rep["exited"] is True

    for name in ("home", "issue-result", "procedures", "noprint-result", "error-error",
                 "home-en", "issuing", "admin"):
        assert (ARTIFACTS / f"kiosk-{size}-{name}.png").stat().st_size > 5000


def test_out_of_paper_is_said_on_the_home_screen_at_once(live_server, tmp_path):
    rep = run_driver(live_server, tmp_path, size="1280x720", steps="home,paperout",
                     prefix="kiosk-paperout")
    home = rep["paperout_home"]
    assert home["banner"] == "Máy in hết giấy: tạm ngừng phát số. Xin vui lòng báo cán bộ."
    assert home["banner_height"] > 0
    open_fields = {fid for fid, tile in rep["home"].items() if tile[-1] is True}
    for fid, (line1, line2, is_open) in home["tiles"].items():
        assert is_open is False, fid  # no field invites a touch
        if fid in open_fields:
            assert (line1, line2) == ("Tạm ngừng phát số", "Máy in hết giấy"), fid
    touched = rep["paperout"]  # a touch anyway: the printer's error, and no number taken
    assert touched["screen"] == "error" and touched["error_kind"] == "paper_out"
    assert requests.get(live_server.api("/services"), timeout=5).json()[0]["waiting"] == 0
    assert rep["paperout_back"] == {fid: fid in open_fields for fid in rep["paperout_back"]}


def test_hall_full_shows_the_servers_message(start_server, demo_config_text, tmp_path):
    live = start_server(demo_config_text.replace("max_waiting = 0", "max_waiting = 1"))
    r = requests.post(live.api("/tickets"), json={"service_id": "dat-dai"}, headers=KIOSK, timeout=5)
    assert r.status_code == 201
    rep = run_driver(live, tmp_path, size="1280x720", steps="home,issue", prefix="kiosk-hall-full")
    issue = rep["issue"]
    assert issue["screen"] == "error" and issue["error_kind"] == "hall_full"
    assert issue["error_title"] == "Đã đủ số người chờ"
    assert issue["error_message"] == "Hiện đã đủ số người chờ. Xin vui lòng quay lại sau ít phút."
    assert rep["preview"] == []


def test_a_closed_field_is_shown_closed_with_its_hours(start_server, demo_config_text, tmp_path):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    now = datetime.now(ZoneInfo("Asia/Ho_Chi_Minh"))
    span = "13:00-16:30" if now.hour < 12 else "07:00-11:30"  # a span that excludes now
    hours = ", ".join(f'{d} = "{span}"' for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun"))
    live = start_server(demo_config_text.replace(
        'name = "Đất đai"', f'name = "Đất đai"\nhours = {{ {hours} }}'))
    rep = run_driver(live, tmp_path, size="1920x1080", steps="home,closed",
                     prefix="kiosk-closed")
    assert rep["home"]["dat-dai"] == ["Đất\u00a0đai", "Hết giờ lấy số", f"Giờ lấy số: {span}", False]
    closed = rep["closed"]
    assert closed["screen"] == "error" and closed["error_kind"] == "closed"
    assert closed["error_title"] == "Lĩnh vực đã hết giờ lấy số"
    assert closed["error_message"].endswith(f"Giờ lấy số: {span}")
    assert rep["preview"] == []


def test_server_down_shows_the_unreachable_screen(live_server, tmp_path):
    """No server at the kiosk's server_url: after its retries the kiosk says so."""
    text = live_server.config_path.read_text(encoding="utf-8")
    live_server.config_path.write_text(
        text.replace(f'server_url = "{live_server.url}"', 'server_url = "http://127.0.0.1:9"'),
        encoding="utf-8")
    rep = run_driver(live_server, tmp_path, size="1280x720", steps="issue",
                     prefix="kiosk-unreachable")
    assert rep["issue"]["screen"] == "error"
    assert rep["issue"]["error_kind"] == "unreachable"
    assert rep["issue"]["error_title"] == "Không kết nối được máy chủ"


def book_today(live) -> str:
    """A booking in today's next ho-tich slot (its check-in is open from 30 minutes before)."""
    today = requests.get(live.api("/appointments/slots"),
                         params={"service_id": "ho-tich", "days": "0"}, timeout=5).json()["days"][0]
    if not today["slots"]:
        pytest.skip("no slot left today (just before midnight)")
    r = requests.post(live.api("/appointments"), timeout=5, json={
        "service_id": "ho-tich", "day": today["day"], "slot": today["slots"][0]["start"],
        "name": "Phạm Thị Mai", "phone": "0987654321"})
    assert r.status_code == 201, r.text
    return r.json()["appointment"]["code"]


@pytest.mark.parametrize("size", ["1280x720", "1080x1920"])
def test_check_in_a_booking_by_keypad_or_scanner(live_server, tmp_path, size):
    code = book_today(live_server)
    rep = run_driver(live_server, tmp_path, size=size, steps="home,appointment",
                     prefix=f"kiosk-{size}", extra=("--code", code))
    assert rep["appointment_prompt"] == "Nhập mã lịch hẹn 6 chữ số hoặc quét mã QR"
    assert rep["appointment_wrong"] == {
        "message": "Mã lịch hẹn không đúng. Xin kiểm tra lại và nhập lại.", "error": True,
        "shown": "__ __ __", "screen": "appointment"}
    done = rep["appointment"]  # the scanner's code: a booked ticket, printed as a walk-in's
    assert done["screen"] == "result" and done["printed"] and done["take"] == "Xin mời nhận phiếu"
    ticket = requests.get(live_server.api(f"/tickets/{done['ticket_id']}"), timeout=5).json()
    assert ticket["number"] == done["number"] == "1001" and ticket["booked"] is True
    assert any(name.endswith("-1001.png") for name in rep["preview"])
    for name in ("appointment", "appointment-wrong", "appointment-result"):
        assert (ARTIFACTS / f"kiosk-{size}-{name}.png").stat().st_size > 5000


def test_a_scanner_checks_in_from_the_home_screen(live_server, tmp_path):
    """The USB scanner works without touching "Có lịch hẹn" first: the pad opens with the code,
    with the pad's own messages."""
    code = book_today(live_server)
    rep = run_driver(live_server, tmp_path, size="1920x1080", steps="home,homescan",
                     prefix="kiosk-homescan", extra=("--code", code))
    assert rep["homescan_wrong"] == {
        "message": "Mã lịch hẹn không đúng. Xin kiểm tra lại và nhập lại.", "error": True,
        "shown": "__ __ __", "screen": "appointment"}
    done = rep["homescan"]
    assert done["screen"] == "result" and done["printed"] and done["take"] == "Xin mời nhận phiếu"
    ticket = requests.get(live_server.api(f"/tickets/{done['ticket_id']}"), timeout=5).json()
    assert ticket["number"] == done["number"] == "1001" and ticket["booked"] is True
    for name in ("homescan-wrong", "homescan-result"):
        assert (ARTIFACTS / f"kiosk-homescan-{name}.png").stat().st_size > 5000
    # The scanned digits 1-4 are not the demo's rating keys; a key pressed alone still is.
    assert rep["homescan_digits"] == []
    assert rep["digits"] == [3]


def test_too_many_wrong_codes_pause_the_keypad(live_server, tmp_path):
    rep = run_driver(live_server, tmp_path, size="1280x720", steps="home,wrongcodes",
                     prefix="kiosk-wrongcodes", extra=("--wrong", "4"))
    wrong = "Mã lịch hẹn không đúng. Xin kiểm tra lại và nhập lại."
    assert rep["wrongcodes"][:2] == [wrong] * 2
    for message in rep["wrongcodes"][2:]:  # the third wrong code in a row pauses the kiosk
        assert message == "Nhập sai mã quá nhiều lần. Xin thử lại sau 5 phút hoặc nhờ cán bộ hỗ trợ."
    assert rep["preview"] == []
