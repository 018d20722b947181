"""Ticket layout: wrapping, nothing clipped or overlapping, the big number, QR code, words."""

from __future__ import annotations

import dataclasses
from itertools import combinations

import pytest
import qrcode
from PIL import Image

from config import Config
from printer.fonts import FontSet
from printer.render import PAPER_DOTS, STYLES, Placed, TicketRenderer, text_width, wrap
from printer.ticket import (
    TicketInfo,
    counter_labels,
    format_counters,
    format_wait,
    sample_ticket,
    ticket_from_api,
)

NBSP = "\u00a0"
LONG_FIELD = ("Lao động - Thương binh và Xã hội / Văn hóa - Xã hội / Đăng ký kinh doanh "
              "hộ gia đình và hợp tác xã")
LONG_WORD = "Chứngthựcbảnsaotừbảnchínhgiấytờvănbảndocơquancóthẩmquyềncấp"
LONG_CENTRE = "Trung tâm Phục vụ hành chính công tỉnh Bà Rịa - Vũng Tàu, Chi nhánh số 12"


def _ink_columns(image: Image.Image) -> tuple[int, int]:
    """First and last column holding a black dot."""
    inverted = Image.eval(image.convert("L"), lambda v: 255 - v)
    left, _, right, _ = inverted.getbbox()
    return left, right


def _overlaps(a: Placed, b: Placed) -> bool:
    ax0, ay0, ax1, ay1 = a.box
    bx0, by0, bx1, by1 = b.box
    return ax0 < bx1 and bx0 < ax1 and ay0 < by1 and by0 < ay1


@pytest.mark.parametrize("width_mm", [58, 80])
@pytest.mark.parametrize("priority", [False, True])
def test_long_text_stays_inside_the_paper(fonts: FontSet, ticket: TicketInfo, width_mm: int,
                                          priority: bool) -> None:
    long = dataclasses.replace(ticket, centre_name=LONG_CENTRE, priority=priority,
                               field_name=f"{LONG_FIELD} {LONG_WORD}", number="A12345",
                               estimated_wait_s=4 * 3600 + 1200, people_ahead=1234)
    renderer = TicketRenderer(fonts, width_mm)
    image, placed = renderer.render_with_layout(long)
    width, margin = PAPER_DOTS[width_mm], STYLES[width_mm].margin

    assert image.mode == "1" and image.width == width
    # Every element lies inside the printable area, inside the margins ...
    for p in placed:
        x0, y0, x1, y1 = p.box
        assert margin <= x0 < x1 <= width - margin, p
        assert 0 <= y0 < y1 <= image.height, p
    # ... no two elements overlap, so no diacritic is drawn over a neighbouring line ...
    for a, b in combinations(placed, 2):
        assert not _overlaps(a, b), (a, b)
    # ... and the image agrees: no ink in the margins.
    left, right = _ink_columns(image)
    assert left >= margin and right <= width - margin

    # Long text wraps instead of shrinking; every letter is still there.
    field_lines = [p.text for p in placed if p.kind == "field"]
    assert len(field_lines) >= 3
    assert "".join(field_lines).replace(" ", "") == long.field_name.replace(" ", "")
    centre_lines = [p.text for p in placed if p.kind == "centre"]
    assert len(centre_lines) >= 2
    assert " ".join(centre_lines) == LONG_CENTRE
    field_font = fonts.bold_at(STYLES[width_mm].field)
    for line in field_lines:
        assert text_width(line, field_font) <= width - 2 * margin


@pytest.mark.parametrize("width_mm", [58, 80])
def test_wrap_by_words_and_break_only_overlong_words(fonts: FontSet, width_mm: int) -> None:
    font = fonts.bold_at(STYLES[width_mm].field)
    max_width = PAPER_DOTS[width_mm] - 2 * STYLES[width_mm].margin
    lines = wrap(LONG_FIELD, font, max_width)
    assert len(lines) > 1
    assert " ".join(lines) == LONG_FIELD  # broke only at spaces
    assert all(text_width(line, font) <= max_width for line in lines)
    # Balanced: the last line is not a lonely word when the text could be spread evenly.
    widths = [text_width(line, font) for line in lines]
    assert min(widths) > max(widths) * 0.4

    pieces = wrap(LONG_WORD, font, max_width)
    assert len(pieces) > 1 and "".join(pieces) == LONG_WORD
    assert all(text_width(p, font) <= max_width for p in pieces)

    assert wrap(f"khoảng 15{NBSP}phút", font, text_width("khoảng 15", font)) == (
        "khoảng", f"15{NBSP}phút")  # never splits a no-break space


def test_wrap_normalises_decomposed_vietnamese(fonts: FontSet) -> None:
    decomposed = "Ho\u0302\u0323 ti\u0323ch"  # "Hộ tịch" typed with combining marks
    assert wrap(decomposed, fonts.regular_at(24), 500) == ("Hộ tịch",)


@pytest.mark.parametrize("width_mm", [58, 80])
def test_number_is_huge(fonts: FontSet, ticket: TicketInfo, width_mm: int) -> None:
    _, placed = TicketRenderer(fonts, width_mm).render_with_layout(ticket)
    (number,) = [p for p in placed if p.kind == "number"]
    x0, y0, x1, y1 = number.box
    width = PAPER_DOTS[width_mm]
    assert number.text == "1005"
    assert x1 - x0 >= 0.8 * (width - 2 * STYLES[width_mm].margin)  # fills the paper ...
    assert y1 - y0 >= 0.22 * width  # ... and is over 1.5 cm tall
    title = next(p for p in placed if p.kind == "title")
    assert title.text == "SỐ THỨ TỰ" and title.box[3] <= y0


def test_reading_order_and_words(fonts: FontSet, ticket: TicketInfo) -> None:
    _, placed = TicketRenderer(fonts, 80).render_with_layout(ticket)
    order = [p.kind for p in placed if p.kind != "rule"]
    firsts = list(dict.fromkeys(order))
    assert firsts == ["centre", "commune", "title", "number", "field", "counters", "ahead",
                      "wait", "issued", "scan", "qr", "footer"]
    text = {p.kind: " ".join(q.text for q in placed if q.kind == p.kind) for p in placed}
    assert text["commune"] == "Phường Phú Hòa"
    assert text["counters"] == f"Quầy{NBSP}1, 2"
    assert text["ahead"] == f"Trước bạn còn{NBSP}3{NBSP}người"
    assert text["wait"].replace(NBSP, " ") == "Thời gian chờ dự kiến: khoảng 15 phút"
    assert text["issued"].replace(NBSP, " ") == "In lúc 08:15 ngày 05/03/2026"  # local time
    assert text["footer"] == "Cảm ơn Quý khách!"
    assert "priority" not in text


def test_priority_mark_and_english(fonts: FontSet, ticket: TicketInfo) -> None:
    en = dataclasses.replace(ticket, priority=True, language="en", estimated_wait_s=None,
                             footer="Thank you!")
    image, placed = TicketRenderer(fonts, 58).render_with_layout(en)
    (bar,) = [p for p in placed if p.kind == "priority"]
    assert bar.text == "PRIORITY"
    x0, y0, x1, y1 = bar.box
    inside = image.crop((x0, y0, x1, y1)).convert("L")
    assert inside.histogram()[0] > 0.5 * inside.width * inside.height  # mostly black
    kinds = {p.kind for p in placed}
    assert "wait" not in kinds
    assert next(p.text for p in placed if p.kind == "title") == "YOUR NUMBER"
    assert next(p.text for p in placed if p.kind == "issued").replace(NBSP, " ") == (
        "Issued at 08:15 on 05/03/2026")


def test_commune_already_in_the_name_is_not_repeated(fonts: FontSet, ticket: TicketInfo) -> None:
    same = dataclasses.replace(ticket, centre_name="Bộ phận Một cửa UBND xã Phú Hòa",
                               commune="Xã Phú Hòa")
    _, placed = TicketRenderer(fonts, 80).render_with_layout(same)
    assert "commune" not in {p.kind for p in placed}


@pytest.mark.parametrize("width_mm", [58, 80])
def test_qr_code_is_intact(fonts: FontSet, ticket: TicketInfo, width_mm: int) -> None:
    image, placed = TicketRenderer(fonts, width_mm).render_with_layout(ticket)
    (qr,) = [p for p in placed if p.kind == "qr"]
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=0)
    code.add_data(ticket.track_url)
    code.make(fit=True)
    matrix = code.get_matrix()
    x0, y0, x1, _ = qr.box
    module = (x1 - x0) // len(matrix)
    assert module == STYLES[width_mm].qr_module
    px = image.load()
    sampled = [[px[x0 + c * module + module // 2, y0 + r * module + module // 2] == 0
                for c in range(len(matrix))] for r in range(len(matrix))]
    assert sampled == matrix
    # A quiet zone of 4 modules: nothing else within it.
    zone = (x0 - 4 * module, y0 - 4 * module, x1 + 4 * module, qr.box[3] + 4 * module)
    for p in placed:
        if p is not qr and p.kind != "rule":
            assert not _overlaps(p, Placed("zone", "", zone)), p


def test_no_qr_without_url(fonts: FontSet, ticket: TicketInfo) -> None:
    _, placed = TicketRenderer(fonts, 80).render_with_layout(
        dataclasses.replace(ticket, track_url=""))
    assert not {"qr", "scan"} & {p.kind for p in placed}


def test_logo_on_top(fonts: FontSet, ticket: TicketInfo) -> None:
    logo = Image.new("RGB", (400, 400), "white")
    logo.paste((200, 0, 0), (100, 100, 300, 300))
    image, placed = TicketRenderer(fonts, 58, logo=logo).render_with_layout(ticket)
    assert placed[0].kind == "logo"
    x0, y0, x1, y1 = placed[0].box
    assert y1 - y0 <= STYLES[58].logo_max_height and placed[1].box[1] >= y1


def test_paper_width_is_checked(fonts: FontSet) -> None:
    with pytest.raises(ValueError, match="58 or 80"):
        TicketRenderer(fonts, 76)


def test_format_wait() -> None:
    assert format_wait(30) == f"dưới{NBSP}1{NBSP}phút"  # the kiosk and the phone say the same
    assert format_wait(7 * 60 + 5) == f"khoảng{NBSP}8{NBSP}phút"
    assert format_wait(14 * 60) == f"khoảng{NBSP}15{NBSP}phút"
    assert format_wait(80 * 60) == f"khoảng{NBSP}1{NBSP}giờ{NBSP}20{NBSP}phút"
    assert format_wait(120 * 60) == f"khoảng{NBSP}2{NBSP}giờ"
    assert format_wait(900, "en") == f"about{NBSP}15{NBSP}min"
    assert format_wait(0, "en") == f"under{NBSP}1{NBSP}min"


def test_format_counters() -> None:
    assert format_counters(["Quầy 1", "Quầy 2", "Quầy 12"]) == f"Quầy{NBSP}1, 2, 12"
    assert format_counters(["Quầy 1", "Bàn 2"]) == "Quầy 1, Bàn 2"
    assert format_counters(["Quầy trả kết quả"]) == "Quầy trả kết quả"
    assert format_counters([]) == ""


def test_ticket_needs_an_aware_time(ticket: TicketInfo) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        dataclasses.replace(ticket, issued_at=ticket.issued_at.replace(tzinfo=None))


def test_ticket_from_api(demo: Config) -> None:
    t = ticket_from_api(
        {"id": 7, "number": "1005", "service_id": "ho-tich",
         "issued_at": "2026-03-05T01:15:00+00:00", "waiting_before": 2,
         "estimated_wait_s": 600, "track_url": "/t/7", "priority": True},
        demo)
    assert t.centre_name == demo.centre.name and t.field_name == "Tư pháp - Hộ tịch"
    assert t.counters == counter_labels(demo, "ho-tich") == ("Quầy 1", "Quầy 2", "Quầy 5")
    assert t.track_url == "http://127.0.0.1:8080/t/7"
    assert t.people_ahead == 2 and t.estimated_wait_s == 600 and t.priority
    assert t.local_issued_at.strftime("%H:%M") == "08:15"
    with pytest.raises(ValueError, match="unknown service_id"):
        ticket_from_api({"number": "1", "service_id": "nope", "issued_at": t.issued_at}, demo)


def test_sample_ticket_in_english_uses_english_field_names(demo: Config) -> None:
    t = sample_ticket(demo, field_id="dat-dai", language="en")
    assert t.field_name == "Land" and t.counters == ("Quầy 3", "Quầy 5")
