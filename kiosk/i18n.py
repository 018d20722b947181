"""Words on the kiosk screen, in Vietnamese (default) and English. No Kivy here."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping

LANGUAGES = ("vi", "en")

STRINGS: dict[str, dict[str, str]] = {
    "vi": {
        "home.title": "Mời chọn lĩnh vực để lấy số thứ tự",
        "home.title_priority": "LẤY SỐ ƯU TIÊN: mời chọn lĩnh vực",
        "home.priority": "Ưu tiên: người cao tuổi, người khuyết tật, phụ nữ mang thai",
        "home.priority_cancel": "Quay lại lấy số thường",
        "home.procedures": "Tra cứu thủ tục",
        "home.language": "English",
        "home.offline": "Mất kết nối máy chủ: số người chờ chưa cập nhật",
        "home.paper_out": "Máy in hết giấy: tạm ngừng phát số. Xin vui lòng báo cán bộ.",
        "home.cover_open": "Nắp máy in đang mở: tạm ngừng phát số. Xin vui lòng báo cán bộ.",
        "home.printer_offline": "Máy in không hoạt động: tạm ngừng phát số. Xin vui lòng báo cán bộ.",
        "field.paused": "Tạm ngừng phát số",
        "field.waiting": "Đang chờ: {n} người",
        "field.wait": "Chờ {t}",
        "field.no_wait": "Không phải chờ",
        "field.closed": "Hết giờ lấy số",
        "field.hours": "Giờ lấy số: {hours}",
        "field.day_off": "Hôm nay không nhận số",
        "issuing.title": "Đang lấy số, xin vui lòng chờ trong giây lát...",
        "result.title": "SỐ THỨ TỰ CỦA BẠN",
        "result.priority": "SỐ ƯU TIÊN",
        "result.take": "Xin mời nhận phiếu",
        "result.counters": "Mời đến: {counters}",
        "result.ahead": "Trước bạn còn {n} người",
        "result.wait": "Thời gian chờ dự kiến: {t}",
        "result.not_printed": "Máy in đang gặp sự cố, phiếu chưa in được.",
        "result.remember": "Xin ghi nhớ số này hoặc chụp ảnh mã QR để theo dõi lượt gọi.",
        "result.done": "Xong",
        "procedures.title": "Tra cứu thủ tục hành chính",
        "procedures.documents": "Hồ sơ cần chuẩn bị",
        "procedures.time": "Thời hạn giải quyết",
        "procedures.fee": "Phí, lệ phí",
        "procedures.none": "Chưa có thông tin thủ tục của lĩnh vực này. Xin hỏi cán bộ tại quầy.",
        "procedures.choose": "Chọn lĩnh vực",
        "back": "Về trang chủ",
        "error.unreachable.title": "Không kết nối được máy chủ",
        "error.unreachable": "Máy lấy số tạm thời không kết nối được máy chủ. "
                             "Xin vui lòng báo cán bộ hoặc thử lại sau ít phút.",
        "error.paper_out.title": "Máy in hết giấy",
        "error.paper_out": "Máy in hết giấy nên chưa lấy số được. Xin vui lòng báo cán bộ.",
        "error.cover_open.title": "Nắp máy in đang mở",
        "error.cover_open": "Nắp máy in đang mở nên chưa lấy số được. Xin vui lòng báo cán bộ.",
        "error.printer_offline.title": "Máy in không hoạt động",
        "error.printer_offline": "Máy in đang tắt hoặc mất kết nối nên chưa lấy số được. "
                                 "Xin vui lòng báo cán bộ.",
        "error.closed.title": "Lĩnh vực đã hết giờ lấy số",
        "error.closed": "Lĩnh vực này hiện không nhận số. Xin quay lại trong giờ làm việc.",
        "error.daily_cap.title": "Đã hết số trong ngày",
        "error.daily_cap": "Lĩnh vực này đã hết số trong ngày hôm nay.",
        "error.hall_full.title": "Đã đủ số người chờ",
        "error.hall_full": "Hiện đã đủ số người chờ. Xin vui lòng quay lại sau ít phút.",
        "error.disk_full.title": "Máy chủ hết chỗ lưu trữ",
        "error.disk_full": "Máy chủ hết chỗ trống trên ổ đĩa nên chưa cấp được số. "
                           "Xin vui lòng báo cán bộ.",
        "error.refused.title": "Chưa lấy được số",
        "error.refused": "Máy chủ từ chối cấp số. Xin vui lòng báo cán bộ.",
        "admin.title": "Nhập mã quản trị",
        "admin.wrong": "Sai mã, xin nhập lại",
        "admin.clear": "Xóa",
        "admin.cancel": "Hủy",
        "admin.ok": "Đồng ý",
        "admin.menu": "Quản trị máy lấy số",
        "admin.exit": "Thoát ứng dụng",
        "admin.status": "Máy chủ: {server} | Máy in: {printer}",
        "under_minute": "dưới 1 phút",
        "about": "khoảng {t}",
        "minutes": "{m} phút",
        "hours": "{h} giờ",
        "hours_minutes": "{h} giờ {m} phút",
    },
    "en": {
        "home.title": "Please choose a field to get your number",
        "home.title_priority": "PRIORITY NUMBER: please choose a field",
        "home.priority": "Priority: elderly, people with disabilities, pregnant women",
        "home.priority_cancel": "Back to normal numbers",
        "home.procedures": "Look up procedures",
        "home.language": "Tiếng Việt",
        "home.offline": "No connection to the server: waiting figures are not up to date",
        "home.paper_out": "The printer is out of paper: no numbers for now. Please tell a member "
                          "of staff.",
        "home.cover_open": "The printer cover is open: no numbers for now. Please tell a member "
                           "of staff.",
        "home.printer_offline": "The printer is not working: no numbers for now. Please tell a "
                                "member of staff.",
        "field.paused": "No numbers for now",
        "field.waiting": "Waiting: {n}",
        "field.wait": "Wait: {t}",
        "field.no_wait": "No wait",
        "field.closed": "Closed for numbers",
        "field.hours": "Numbers: {hours}",
        "field.day_off": "No numbers today",
        "issuing.title": "Getting your number, please wait a moment...",
        "result.title": "YOUR NUMBER",
        "result.priority": "PRIORITY NUMBER",
        "result.take": "Please take your ticket",
        "result.counters": "Please go to: {counters}",
        "result.ahead": "People ahead of you: {n}",
        "result.wait": "Estimated wait: {t}",
        "result.not_printed": "The printer has a problem: the ticket could not be printed.",
        "result.remember": "Please remember this number or photograph the QR code to follow your turn.",
        "result.done": "Done",
        "procedures.title": "Administrative procedures",
        "procedures.documents": "Documents to bring",
        "procedures.time": "Processing time",
        "procedures.fee": "Fee",
        "procedures.none": "No procedures listed for this field yet. Please ask at the counter.",
        "procedures.choose": "Choose a field",
        "back": "Back to start",
        "error.unreachable.title": "No connection to the server",
        "error.unreachable": "The kiosk cannot reach the server right now. "
                             "Please tell a staff member or try again in a few minutes.",
        "error.paper_out.title": "The printer is out of paper",
        "error.paper_out": "The printer is out of paper, so no number can be given. "
                           "Please tell a staff member.",
        "error.cover_open.title": "The printer cover is open",
        "error.cover_open": "The printer cover is open, so no number can be given. "
                            "Please tell a staff member.",
        "error.printer_offline.title": "The printer is not working",
        "error.printer_offline": "The printer is off or disconnected, so no number can be given. "
                                 "Please tell a staff member.",
        "error.closed.title": "This field is closed",
        "error.closed": "This field is not giving numbers now. Please come back during opening hours.",
        "error.daily_cap.title": "No more numbers today",
        "error.daily_cap": "This field has given all its numbers for today.",
        "error.hall_full.title": "The hall is full",
        "error.hall_full": "Enough people are waiting already. Please come back in a few minutes.",
        "error.disk_full.title": "The server's disk is full",
        "error.disk_full": "The server has no storage space left, so no number can be given. "
                           "Please tell a staff member.",
        "error.refused.title": "No number given",
        "error.refused": "The server refused to give a number. Please tell a staff member.",
        "admin.title": "Enter the admin PIN",
        "admin.wrong": "Wrong PIN, please try again",
        "admin.clear": "Clear",
        "admin.cancel": "Cancel",
        "admin.ok": "OK",
        "admin.menu": "Kiosk administration",
        "admin.exit": "Exit the kiosk",
        "admin.status": "Server: {server} | Printer: {printer}",
        "under_minute": "under 1 min",
        "about": "about {t}",
        "minutes": "{m} min",
        "hours": "{h} h",
        "hours_minutes": "{h} h {m} min",
    },
}


def strings(language: str) -> Mapping[str, str]:
    """All strings of ``language`` (Vietnamese for an unknown one)."""
    return STRINGS.get(language, STRINGS["vi"])


def tr(language: str, key: str, **values: object) -> str:
    """One string, formatted; a missing English string falls back to Vietnamese."""
    text = STRINGS.get(language, STRINGS["vi"]).get(key) or STRINGS["vi"][key]
    return text.format(**values) if values else text


def keep_together(name: str, max_len: int = 14) -> str:
    """Join the words of each short part of a name with no-break spaces, so that
    "Tư pháp - Hộ tịch" wraps after the dash, never inside "Hộ tịch"."""
    out = []
    for part in re.split(r"( [-/] )", name):
        if part.strip() in ("-", "/"):
            out.append(f"\u00a0{part.strip()} ")  # the dash stays at the end of the line
        elif len(part) > max_len:
            out.append(part)
        else:
            out.append(part.replace(" ", "\u00a0"))
    return "".join(out)


def format_wait(seconds: int, language: str = "vi") -> str:
    """A rough wait: "dưới 1 phút", "khoảng 15 phút", "khoảng 1 giờ 20 phút" (whole minutes up,
    5-minute steps from 10), as the ticket and the phone page say it."""
    if seconds < 60:
        return tr(language, "under_minute")
    return tr(language, "about", t=_duration(seconds, language))


def _duration(seconds: int, language: str) -> str:
    minutes = math.ceil(seconds / 60)
    if minutes >= 10:
        minutes = int(5 * round(minutes / 5))
    h, m = divmod(minutes, 60)
    if h and m:
        return tr(language, "hours_minutes", h=h, m=m)
    if h:
        return tr(language, "hours", h=h)
    return tr(language, "minutes", m=m)
