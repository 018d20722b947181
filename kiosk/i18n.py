"""Words on the kiosk screen, in Vietnamese (default) and English, from the gettext catalogues
(:mod:`motcua.core.i18n`; stdlib gettext, no Flask). No Kivy here."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping

from motcua.core.i18n import LANGUAGES, N_, NP_, Msg, raw, text, translations

# The kiosk's messages by key (the .kv files and screens name them by key); words in the catalogues.
MESSAGES: dict[str, Msg] = {
    "home.title": N_("Mời chọn lĩnh vực để lấy số thứ tự"),
    "home.title_priority": N_("LẤY SỐ ƯU TIÊN: mời chọn lĩnh vực"),
    "home.priority": N_("Ưu tiên: người cao tuổi, người khuyết tật, phụ nữ mang thai"),
    "home.priority_cancel": N_("Quay lại lấy số thường"),
    "home.procedures": N_("Tra cứu thủ tục"),
    "home.language": N_("English"),
    "home.offline": N_("Mất kết nối máy chủ: số người chờ chưa cập nhật"),
    "home.paper_out": N_("Máy in hết giấy: tạm ngừng phát số. Xin vui lòng báo cán bộ."),
    "home.cover_open": N_("Nắp máy in đang mở: tạm ngừng phát số. Xin vui lòng báo cán bộ."),
    "home.printer_offline": N_("Máy in không hoạt động: tạm ngừng phát số. Xin vui lòng báo cán bộ."),
    "field.paused": N_("Tạm ngừng phát số"),
    "field.waiting": N_("Đang chờ: {n} người"),
    "field.wait": N_("Chờ {t}"),
    "field.no_wait": N_("Không phải chờ"),
    "field.closed": N_("Hết giờ lấy số"),
    "field.hours": N_("Giờ lấy số: {hours}"),
    "field.day_off": N_("Hôm nay không nhận số"),
    "issuing.title": N_("Đang lấy số, xin vui lòng chờ trong giây lát..."),
    "result.title": N_("SỐ THỨ TỰ CỦA BẠN"),
    "result.priority": N_("SỐ ƯU TIÊN"),
    "result.take": N_("Xin mời nhận phiếu"),
    "result.counters": N_("Mời đến: {counters}"),
    "result.ahead": NP_("result.ahead", "Trước bạn còn {n} người"),
    "result.wait": N_("Thời gian chờ dự kiến: {t}"),
    "result.not_printed": N_("Máy in đang gặp sự cố, phiếu chưa in được."),
    "result.remember": N_("Xin ghi nhớ số này hoặc chụp ảnh mã QR để theo dõi lượt gọi."),
    "result.done": N_("Xong"),
    "procedures.title": N_("Tra cứu thủ tục hành chính"),
    "procedures.documents": N_("Hồ sơ cần chuẩn bị"),
    "procedures.time": N_("Thời hạn giải quyết"),
    "procedures.fee": N_("Phí, lệ phí"),
    "procedures.none": N_("Chưa có thông tin thủ tục của lĩnh vực này. Xin hỏi cán bộ tại quầy."),
    "procedures.choose": N_("Chọn lĩnh vực"),
    "back": N_("Về trang chủ"),
    "error.unreachable.title": N_("Không kết nối được máy chủ"),
    "error.unreachable": N_("Máy lấy số tạm thời không kết nối được máy chủ. Xin vui lòng báo cán bộ "
                            "hoặc thử lại sau ít phút."),
    "error.paper_out.title": N_("Máy in hết giấy"),
    "error.paper_out": N_("Máy in hết giấy nên chưa lấy số được. Xin vui lòng báo cán bộ."),
    "error.cover_open.title": NP_("error.cover_open.title", "Nắp máy in đang mở"),
    "error.cover_open": N_("Nắp máy in đang mở nên chưa lấy số được. Xin vui lòng báo cán bộ."),
    "error.printer_offline.title": N_("Máy in không hoạt động"),
    "error.printer_offline": N_("Máy in đang tắt hoặc mất kết nối nên chưa lấy số được. Xin vui lòng báo "
                                "cán bộ."),
    "error.closed.title": N_("Lĩnh vực đã hết giờ lấy số"),
    "error.closed": N_("Lĩnh vực này hiện không nhận số. Xin quay lại trong giờ làm việc."),
    "error.daily_cap.title": N_("Đã hết số trong ngày"),
    "error.daily_cap": N_("Lĩnh vực này đã hết số trong ngày hôm nay."),
    "error.hall_full.title": N_("Đã đủ số người chờ"),
    "error.hall_full": N_("Hiện đã đủ số người chờ. Xin vui lòng quay lại sau ít phút."),
    "error.disk_full.title": N_("Máy chủ hết chỗ lưu trữ"),
    "error.disk_full": N_("Máy chủ hết chỗ trống trên ổ đĩa nên chưa cấp được số. Xin vui lòng báo cán bộ."),
    "error.refused.title": N_("Chưa lấy được số"),
    "error.refused": N_("Máy chủ từ chối cấp số. Xin vui lòng báo cán bộ."),
    "admin.title": N_("Nhập mã quản trị"),
    "admin.wrong": N_("Sai mã, xin nhập lại"),
    "admin.clear": N_("Xóa"),
    "admin.cancel": N_("Hủy"),
    "admin.ok": N_("Đồng ý"),
    "admin.menu": N_("Quản trị máy lấy số"),
    "admin.exit": N_("Thoát ứng dụng"),
    "admin.status": N_("Máy chủ: {server} | Máy in: {printer}"),
    "under_minute": N_("dưới 1 phút"),
    "about": N_("khoảng {t}"),
    "minutes": N_("{m} phút"),
    "hours": N_("{h} giờ"),
    "hours_minutes": N_("{h} giờ {m} phút"),
}

# Every string of each language, placeholders left in (read-only view of the catalogues).
STRINGS: dict[str, dict[str, str]] = {
    lang: {key: raw(msg, translations(lang)) for key, msg in MESSAGES.items()} for lang in LANGUAGES
}


def strings(language: str) -> Mapping[str, str]:
    """All strings of ``language`` (Vietnamese for an unknown one)."""
    return STRINGS.get(language, STRINGS["vi"])


def tr(language: str, key: str, **values: object) -> str:
    """One string, formatted (a count chosen by ``n``); an unknown language gets Vietnamese."""
    return text(MESSAGES[key], language, **values)


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
