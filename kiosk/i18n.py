"""Words on the kiosk screen, in Vietnamese (default) and English, from the gettext catalogues
(:mod:`motcua.core.i18n`; stdlib gettext, no Flask). No Kivy here.

Call sites carry the message: ``tr("Xin mời nhận phiếu", lang)`` in the screens,
``app.tr("Tra cứu thủ tục", app.lang)`` in the .kv files (``babel.cfg`` extracts both)."""

from __future__ import annotations

import math
import re

from motcua.core.i18n import N_, words


def tr(message: str, language: str, **values: object) -> str:
    """``message`` (its Vietnamese msgid) in ``language``, formatted with ``values``; an unknown
    language gets Vietnamese. The .kv rules call it as ``app.tr("...", app.lang)``."""
    return words(language).gettext(message, **values)


def refusal_title(kind: str, language: str) -> str:
    """The error screen's title for a refusal ``kind`` (``kiosk.controller.ErrorKind``), also a
    field's line while the printer cannot print."""
    say = words(language)
    titles = {
        "unreachable": say.gettext("Không kết nối được máy chủ"),
        "paper_out": say.gettext("Máy in hết giấy"),
        "cover_open": say.pgettext("error.cover_open.title", "Nắp máy in đang mở"),
        "printer_offline": say.gettext("Máy in không hoạt động"),
        "closed": say.gettext("Lĩnh vực đã hết giờ lấy số"),
        "daily_cap": say.gettext("Đã hết số trong ngày"),
        "hall_full": say.gettext("Đã đủ số người chờ"),
        "disk_full": say.gettext("Máy chủ hết chỗ lưu trữ"),
        "wrong_code": say.gettext("Mã lịch hẹn không đúng"),
        "too_many_codes": say.gettext("Tạm khóa nhập mã"),
        "appointment": say.gettext("Chưa nhận số được cho lịch hẹn này"),
    }
    return titles.get(kind) or say.gettext("Chưa lấy được số")


def refusal_text(kind: str, language: str) -> str:
    """What the error screen says to do for a refusal ``kind``."""
    say = words(language)
    texts = {
        "unreachable": say.gettext("Máy lấy số tạm thời không kết nối được máy chủ. Xin vui lòng báo "
                                   "cán bộ hoặc thử lại sau ít phút."),
        "paper_out": say.gettext("Máy in hết giấy nên chưa lấy số được. Xin vui lòng báo cán bộ."),
        "cover_open": say.gettext("Nắp máy in đang mở nên chưa lấy số được. Xin vui lòng báo cán bộ."),
        "printer_offline": say.gettext("Máy in đang tắt hoặc mất kết nối nên chưa lấy số được. Xin vui "
                                       "lòng báo cán bộ."),
        "closed": say.gettext("Lĩnh vực này hiện không nhận số. Xin quay lại trong giờ làm việc."),
        "daily_cap": say.gettext("Lĩnh vực này đã hết số trong ngày hôm nay."),
        "hall_full": say.gettext("Hiện đã đủ số người chờ. Xin vui lòng quay lại sau ít phút."),
        "disk_full": say.gettext("Máy chủ hết chỗ trống trên ổ đĩa nên chưa cấp được số. Xin vui lòng "
                                 "báo cán bộ."),
    }
    return texts.get(kind) or say.gettext("Máy chủ từ chối cấp số. Xin vui lòng báo cán bộ.")


# A check-in's refusals in other languages than the server's Vietnamese: the appointment book's
# own msgids (motcua/core/appointments/errors.py), filled with the values the server sent.
CHECK_IN_REASONS = {
    "wrong_code": N_("Mã lịch hẹn không đúng. Xin kiểm tra lại và nhập lại."),
    "too_many_codes": N_("Nhập sai mã quá nhiều lần. Xin thử lại sau {minutes} phút hoặc nhờ cán bộ "
                      "hỗ trợ."),
    "not_today": N_("Lịch hẹn này là của ngày {day}, không phải hôm nay."),
    "too_early": N_("Chưa đến giờ nhận số cho lịch hẹn này. Xin quay lại từ {time}."),
    "no_show": N_("Đã quá giờ hẹn {slot}, lịch hẹn không còn hiệu lực. Xin lấy số thường tại máy lấy "
               "số."),
}


def check_in_text(code: str, message: str, details: dict, language: str) -> str:
    """What the keypad screen says when a check-in is refused: the server's Vietnamese message,
    or the same reason in ``language``."""
    if language == "vi" and message:
        return message
    reason = CHECK_IN_REASONS.get(code)
    if reason is not None:
        try:
            return words(language).gettext(reason, **details)
        except (KeyError, IndexError, ValueError):
            pass
    return message or tr("Mã lịch hẹn không đúng. Xin kiểm tra lại và nhập lại.", language)


def printer_banner(fault: str, language: str) -> str:
    """The home screen's banner while the printer cannot print (``paper_out``, ``cover_open``,
    ``printer_offline``)."""
    say = words(language)
    if fault == "paper_out":
        return say.gettext("Máy in hết giấy: tạm ngừng phát số. Xin vui lòng báo cán bộ.")
    if fault == "cover_open":
        return say.gettext("Nắp máy in đang mở: tạm ngừng phát số. Xin vui lòng báo cán bộ.")
    return say.gettext("Máy in không hoạt động: tạm ngừng phát số. Xin vui lòng báo cán bộ.")


def hours_line(hours: str, language: str) -> str:
    """Today's ticket hours of a closed field ("07:00-11:30, 13:30-17:00"; "" on a day off)."""
    if not hours:
        return tr("Hôm nay không nhận số", language)
    return tr("Giờ lấy số: {hours}", language, hours=hours)


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
        return tr("dưới 1 phút", language)
    return tr("khoảng {t}", language, t=_duration(seconds, language))


def _duration(seconds: int, language: str) -> str:
    minutes = math.ceil(seconds / 60)
    if minutes >= 10:
        minutes = int(5 * round(minutes / 5))
    h, m = divmod(minutes, 60)
    if h and m:
        return tr("{h} giờ {m} phút", language, h=h, m=m)
    if h:
        return tr("{h} giờ", language, h=h)
    return tr("{m} phút", language, m=m)
