"""Words on the kiosk screen, in Vietnamese (default) and English, from the gettext catalogues
(:mod:`motcua.core.i18n`; stdlib gettext, no Flask). No Kivy here.

Call sites carry the message: ``tr("Xin mời nhận phiếu", lang)`` in the screens,
``app.tr("Tra cứu thủ tục", app.lang)`` in the .kv files (``babel.cfg`` extracts both)."""

from __future__ import annotations

import math
import re

from motcua.core.i18n import words


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
