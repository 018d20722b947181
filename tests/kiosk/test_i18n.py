"""Kiosk words: every message of the screens and .kv files in both catalogues, the words chosen
for a code, waits rounded, names that wrap well."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg

from kiosk.i18n import format_wait, hours_line, keep_together, printer_banner, refusal_text, refusal_title, tr
from motcua.core.i18n import words

ROOT = Path(__file__).resolve().parents[2]


def kiosk_messages() -> list[tuple[str, int, str, str | None]]:
    """(file, line, msgid, context) of every message ``pybabel extract -F babel.cfg`` finds in kiosk/."""
    with (ROOT / "babel.cfg").open() as f:
        method_map, options_map = parse_mapping_cfg(f)
    return [(path, line, msg, ctx) for path, line, msg, _c, ctx in extract_from_dir(
        ROOT / "kiosk", method_map, options_map, keywords=DEFAULT_KEYWORDS)]


def test_every_app_tr_of_the_kv_files_is_extracted():
    found = Counter(path for path, *_ in kiosk_messages() if path.endswith(".kv"))
    calls = Counter({f"kv/{p.name}": len(re.findall(r"\bapp\.tr\(", p.read_text()))
                     for p in (ROOT / "kiosk" / "kv").glob("*.kv")})
    assert +calls == found and sum(found.values()) >= 15


def test_every_message_is_in_english_with_the_same_placeholders():
    en = words("en")
    for path, line, msg, ctx in kiosk_messages():
        english = en.pgettext(ctx, msg) if ctx else en.gettext(msg)
        assert english != msg, f"kiosk/{path}:{line}: {msg!r} has no English"
        assert set(re.findall(r"{(\w+)}", english)) == set(re.findall(r"{(\w+)}", msg)), (path, line)


def test_required_wording():
    assert tr("Xin mời nhận phiếu", "en") == "Please take your ticket"
    assert tr("Xin mời nhận phiếu", "xx") == "Xin mời nhận phiếu"  # unknown language: Vietnamese
    assert words("vi").pgettext("result.ahead", "Trước bạn còn {n} người", n=3) == "Trước bạn còn 3 người"
    assert refusal_title("cover_open", "en") == "The printer cover is open"
    assert refusal_title("disk_full", "vi") == "Máy chủ hết chỗ lưu trữ"
    assert refusal_title("teapot", "vi") == "Chưa lấy được số"  # a refusal without its own screen
    assert refusal_text("teapot", "vi") == "Máy chủ từ chối cấp số. Xin vui lòng báo cán bộ."
    assert refusal_text("hall_full", "en") != refusal_text("daily_cap", "en")
    assert printer_banner("paper_out", "vi") == "Máy in hết giấy: tạm ngừng phát số. Xin vui lòng báo cán bộ."
    assert printer_banner("printer_offline", "en").startswith("The printer is not working")
    assert hours_line("07:00-11:30", "vi") == "Giờ lấy số: 07:00-11:30"
    assert hours_line("", "en") == tr("Hôm nay không nhận số", "en") != "Hôm nay không nhận số"


def test_wait_is_rounded_honestly():
    assert format_wait(20) == "dưới 1 phút"  # as the phone page says it
    assert format_wait(60) == "khoảng 1 phút"
    assert format_wait(61) == "khoảng 2 phút"
    assert format_wait(14 * 60) == "khoảng 15 phút"
    assert format_wait(80 * 60) == "khoảng 1 giờ 20 phút"
    assert format_wait(60 * 60, "en") == "about 1 h"
    assert format_wait(59, "en") == "under 1 min"
    assert tr("Chờ {t}", "vi", t=format_wait(20)) == "Chờ dưới 1 phút"


def test_short_parts_of_names_stay_together():
    nb = "\u00a0"
    assert keep_together("Tư pháp - Hộ tịch") == f"Tư{nb}pháp{nb}- Hộ{nb}tịch"
    long = keep_together("Lao động - Thương binh và Xã hội / Văn hóa - Xã hội")
    assert "Thương binh và Xã hội" in long  # too long to keep on one line
    assert long.replace(nb, " ") == "Lao động - Thương binh và Xã hội / Văn hóa - Xã hội"
