"""Kiosk strings: both languages complete, waits rounded, names that wrap well."""

from __future__ import annotations

import re

from kiosk.i18n import STRINGS, format_wait, keep_together, tr


def test_both_languages_have_the_same_keys_and_placeholders():
    assert STRINGS["vi"].keys() == STRINGS["en"].keys()
    for key, vi in STRINGS["vi"].items():
        assert set(re.findall(r"{(\w+)}", vi)) == set(re.findall(r"{(\w+)}", STRINGS["en"][key])), key


def test_required_vietnamese_wording():
    assert tr("vi", "home.priority") == "Ưu tiên: người cao tuổi, người khuyết tật, phụ nữ mang thai"
    assert tr("vi", "result.take") == "Xin mời nhận phiếu"
    assert tr("vi", "result.ahead", n=3) == "Trước bạn còn 3 người"
    assert tr("xx", "result.take") == "Xin mời nhận phiếu"  # unknown language: Vietnamese


def test_wait_is_rounded_honestly():
    assert format_wait(20) == "dưới 1 phút"  # as the phone page says it
    assert format_wait(60) == "khoảng 1 phút"
    assert format_wait(61) == "khoảng 2 phút"
    assert format_wait(14 * 60) == "khoảng 15 phút"
    assert format_wait(80 * 60) == "khoảng 1 giờ 20 phút"
    assert format_wait(60 * 60, "en") == "about 1 h"
    assert format_wait(59, "en") == "under 1 min"
    assert tr("vi", "field.wait", t=format_wait(20)) == "Chờ dưới 1 phút"


def test_short_parts_of_names_stay_together():
    nb = "\u00a0"
    assert keep_together("Tư pháp - Hộ tịch") == f"Tư{nb}pháp{nb}- Hộ{nb}tịch"
    long = keep_together("Lao động - Thương binh và Xã hội / Văn hóa - Xã hội")
    assert "Thương binh và Xã hội" in long  # too long to keep on one line
    assert long.replace(nb, " ") == "Lao động - Thương binh và Xã hội / Văn hóa - Xã hội"
