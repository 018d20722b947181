"""Lay a ticket out and draw it as a 1-bit Pillow image, one dot per printer dot (203 dpi).

Text is drawn anti-aliased in greyscale and then thresholded, which keeps Vietnamese
diacritics crisp on thermal paper. Long text wraps by words, measured with the font;
a word wider than the paper is broken between letters. Nothing is ever clipped.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import qrcode
from PIL import Image, ImageDraw, ImageFont

from motcua.core.i18n import Words, words

from .errors import PrinterError
from .fonts import FontSet, load_font
from .ticket import TicketInfo, format_counters, format_wait

PAPER_DOTS = {58: 384, 80: 576}
"""Printable width in dots of common 58 mm and 80 mm ESC/POS printers at 203 dpi."""

_THRESHOLD = 150  # greyscale level below which a dot is printed black


@dataclass(frozen=True)
class Style:
    """Sizes in dots for one paper width."""

    margin: int
    centre: int
    commune: int
    title: int
    number_max_height: int
    field: int
    counters: int
    info: int
    small: int
    footer: int
    qr_module: int
    logo_max_height: int
    qr_beside_text: bool
    gap: int


STYLES = {
    80: Style(margin=12, centre=28, commune=24, title=30, number_max_height=160, field=32,
              counters=28, info=25, small=21, footer=28, qr_module=5, logo_max_height=96,
              qr_beside_text=True, gap=10),
    58: Style(margin=8, centre=22, commune=19, title=24, number_max_height=120, field=25,
              counters=22, info=21, small=18, footer=22, qr_module=4, logo_max_height=72,
              qr_beside_text=False, gap=8),
}


@dataclass(frozen=True)
class Placed:
    """Where one element landed on the ticket (for tests and debugging)."""

    kind: str
    text: str
    box: tuple[int, int, int, int]  # left, top, right, bottom (exclusive), in dots


# Measuring and wrapping text ---------------------------------------------------------------


@dataclass(frozen=True)
class _Line:
    text: str
    font: ImageFont.FreeTypeFont
    ink_left: int  # bbox of the ink relative to the "la" anchor
    ink_top: int
    ink_right: int
    ink_bottom: int

    @property
    def width(self) -> int:
        return self.ink_right - self.ink_left

    @property
    def top(self) -> int:
        """Offset of the line box top from the anchor: above the ascender for stacked marks."""
        return min(0, self.ink_top)

    @property
    def height(self) -> int:
        ascent, descent = self.font.getmetrics()
        return max(ascent + descent, self.ink_bottom) - self.top


def _measure(text: str, font: ImageFont.FreeTypeFont) -> _Line:
    left, top, right, bottom = font.getbbox(text, anchor="la") if text else (0, 0, 0, 0)
    return _Line(text, font, int(left), int(top), int(right), int(bottom))


def text_width(text: str, font: ImageFont.FreeTypeFont) -> int:
    """Width of the ink of ``text`` in dots."""
    return _measure(text, font).width


def _break_word(word: str, font: ImageFont.FreeTypeFont, max_width: int) -> list[str]:
    pieces: list[str] = []
    current = ""
    for ch in word:
        if current and text_width(current + ch, font) > max_width:
            pieces.append(current)
            current = ch
        else:
            current += ch
    if current:
        pieces.append(current)
    return pieces


def _greedy(words: list[str], font: ImageFont.FreeTypeFont,
            max_width: int) -> tuple[list[str], bool]:
    """Lines filled word by word, and whether a too-long word had to be broken."""
    lines: list[str] = []
    broken = False
    current = ""
    for word in words:
        candidate = f"{current} {word}" if current else word
        if text_width(candidate, font) <= max_width:
            current = candidate
            continue
        if current:
            lines.append(current)
        if text_width(word, font) <= max_width:
            current = word
        else:
            broken = True
            *full, current = _break_word(word, font, max_width)
            lines.extend(full)
    if current:
        lines.append(current)
    return lines, broken


_SPACES = re.compile(r"[^\S\u00a0]+")  # whitespace other than the no-break space


@lru_cache(maxsize=512)
def wrap(text: str, font: ImageFont.FreeTypeFont, max_width: int) -> tuple[str, ...]:
    """Split ``text`` into lines no wider than ``max_width`` dots.

    Lines break at spaces (never at no-break spaces) and are balanced, so a title wraps as
    two even lines rather than a full line and an orphan; a word wider than ``max_width``
    is broken between letters. Explicit newlines are kept.
    """
    lines: list[str] = []
    for paragraph in unicodedata.normalize("NFC", text).splitlines():
        words = _SPACES.sub(" ", paragraph).split(" ")
        words = [w for w in words if w]
        best, broken = _greedy(words, font, max_width)
        if len(best) > 1 and not broken:
            lo = max(text_width(w, font) for w in words)
            hi = max_width
            while lo < hi:  # the narrowest width that still needs no more lines
                mid = (lo + hi) // 2
                trial, _ = _greedy(words, font, mid)
                if len(trial) <= len(best):
                    hi = mid
                else:
                    lo = mid + 1
            best, _ = _greedy(words, font, lo)
        lines.extend(best)
    return tuple(lines) or ("",)


@lru_cache(maxsize=256)
def fit_font(path: Path, text: str, max_width: int, max_height: int) -> ImageFont.FreeTypeFont:
    """The largest size of ``path`` whose ink of ``text`` fits ``max_width`` x ``max_height``."""
    lo, hi = 8, max(9, max_height * 2)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        line = _measure(text, load_font(path, mid))
        if line.width <= max_width and line.ink_bottom - line.ink_top <= max_height:
            lo = mid
        else:
            hi = mid - 1
    return load_font(path, lo)


# Boxes: measured elements that know how to draw themselves ---------------------------------

Draw = Callable[[Image.Image, ImageDraw.ImageDraw, int, int, list[Placed]], None]


@dataclass
class _Box:
    width: int
    height: int
    draw: Draw = field(repr=False)


def _text_box(text: str, font: ImageFont.FreeTypeFont, max_width: int, *, kind: str,
              align: str = "center", spacing: int = 2, ink_only: bool = False) -> _Box:
    """Wrapped text; ``ink_only`` makes the box hug the ink (for the huge number)."""
    lines = [_measure(t, font) for t in wrap(text, font, max_width)]
    if ink_only:
        heights = [ln.ink_bottom - ln.ink_top for ln in lines]
        tops = [ln.ink_top for ln in lines]
    else:
        heights = [ln.height for ln in lines]
        tops = [ln.top for ln in lines]
    width = max(ln.width for ln in lines)
    height = sum(heights) + spacing * (len(lines) - 1)

    def draw(img: Image.Image, d: ImageDraw.ImageDraw, x: int, y: int,
             placed: list[Placed]) -> None:
        for ln, h, top in zip(lines, heights, tops, strict=True):
            lx = x + (width - ln.width) // 2 if align == "center" else x
            d.text((lx - ln.ink_left, y - top), ln.text, font=ln.font, fill=0, anchor="la")
            ink_y = y - top + ln.ink_top
            placed.append(Placed(kind, ln.text, (lx, ink_y, lx + ln.width,
                                                 ink_y + ln.ink_bottom - ln.ink_top)))
            y += h + spacing

    return _Box(width, height, draw)


def _gap(height: int) -> _Box:
    return _Box(0, height, lambda *_: None)


def _rule(width: int, height: int = 12) -> _Box:
    """A dashed separator across the content width."""

    def draw(img: Image.Image, d: ImageDraw.ImageDraw, x: int, y: int,
             placed: list[Placed]) -> None:
        mid = y + height // 2 - 1
        for dx in range(0, width, 12):
            d.rectangle((x + dx, mid, x + min(dx + 7, width - 1), mid + 1), fill=0)
        placed.append(Placed("rule", "", (x, mid, x + width, mid + 2)))

    return _Box(width, height, draw)


def _bar(text: str, font: ImageFont.FreeTypeFont, width: int) -> _Box:
    """White text on a black bar: the priority mark."""
    lines = _lines_of(text, font, width - 16, 0)
    height = sum(ln.height for _, ln in lines) + 2 * (len(lines) - 1) + 12

    def draw(img: Image.Image, d: ImageDraw.ImageDraw, x: int, y: int,
             placed: list[Placed]) -> None:
        d.rounded_rectangle((x, y, x + width - 1, y + height - 1), radius=8, fill=0)
        for ln_y, ln in lines:
            lx = x + (width - ln.width) // 2
            d.text((lx - ln.ink_left, y + 6 + ln_y - ln.top), ln.text, font=font, fill=255,
                   anchor="la")
        placed.append(Placed("priority", text, (x, y, x + width, y + height)))

    return _Box(width, height, draw)


def _lines_of(text: str, font: ImageFont.FreeTypeFont, max_width: int,
              y: int) -> list[tuple[int, _Line]]:
    out: list[tuple[int, _Line]] = []
    for t in wrap(text, font, max_width):
        ln = _measure(t, font)
        out.append((y, ln))
        y += ln.height + 2
    return out


def _image_box(image: Image.Image, kind: str) -> _Box:
    def draw(img: Image.Image, d: ImageDraw.ImageDraw, x: int, y: int,
             placed: list[Placed]) -> None:
        img.paste(image, (x, y))
        placed.append(Placed(kind, "", (x, y, x + image.width, y + image.height)))

    return _Box(image.width, image.height, draw)


def _stack(boxes: list[_Box], width: int, *, align: str = "center") -> _Box:
    """Boxes one under the other, centred (or left-aligned) in ``width``."""
    height = sum(b.height for b in boxes)

    def draw(img: Image.Image, d: ImageDraw.ImageDraw, x: int, y: int,
             placed: list[Placed]) -> None:
        for b in boxes:
            bx = x + (width - b.width) // 2 if align == "center" else x
            b.draw(img, d, bx, y, placed)
            y += b.height

    return _Box(width, height, draw)


def _row(left: _Box, right: _Box, width: int) -> _Box:
    """``left`` at the left edge, ``right`` at the right edge, both centred vertically."""
    height = max(left.height, right.height)

    def draw(img: Image.Image, d: ImageDraw.ImageDraw, x: int, y: int,
             placed: list[Placed]) -> None:
        left.draw(img, d, x, y + (height - left.height) // 2, placed)
        right.draw(img, d, x + width - right.width, y + (height - right.height) // 2, placed)

    return _Box(width, height, draw)


# QR code and logo ----------------------------------------------------------------------------


def qr_image(data: str, module: int, max_width: int) -> Image.Image:
    """A QR code (error correction M) with ``module``-dot modules, shrunk to fit ``max_width``.

    The quiet zone is left to the layout, which keeps 4 modules of white around it.
    """
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=0)
    code.add_data(data)
    code.make(fit=True)
    matrix = code.get_matrix()
    n = len(matrix)
    module = max(2, min(module, max_width // n))
    small = Image.new("L", (n, n), 255)
    small.putdata([0 if cell else 255 for row in matrix for cell in row])
    return small.resize((n * module, n * module), Image.Resampling.NEAREST)


def load_logo(path: Path, max_width: int, max_height: int) -> Image.Image:
    """The logo file, ready to paste: see :func:`prepare_logo`."""
    try:
        with Image.open(path) as src:
            src.load()
            return prepare_logo(src, max_width, max_height)
    except OSError as exc:
        raise PrinterError(f"cannot read logo {path}: {exc}") from None


def prepare_logo(image: Image.Image, max_width: int, max_height: int) -> Image.Image:
    """The logo on white, scaled to fit, dithered to black and white, as a greyscale image."""
    logo = image.convert("RGBA")
    white = Image.new("RGBA", logo.size, (255, 255, 255, 255))
    logo = Image.alpha_composite(white, logo).convert("L")
    logo.thumbnail((max_width, max_height), Image.Resampling.LANCZOS)
    return logo.convert("1").convert("L")


# The ticket ----------------------------------------------------------------------------------


class TicketRenderer:
    """Draws tickets for one paper width with one set of fonts (and an optional logo)."""

    def __init__(self, fonts: FontSet, paper_width_mm: int = 80, *,
                 logo: Image.Image | Path | None = None) -> None:
        if paper_width_mm not in PAPER_DOTS:
            raise ValueError(f"paper_width_mm must be 58 or 80, not {paper_width_mm}")
        self.fonts = fonts
        self.paper_width_mm = paper_width_mm
        self.width = PAPER_DOTS[paper_width_mm]
        self.style = STYLES[paper_width_mm]
        self.content_width = self.width - 2 * self.style.margin
        size = (self.content_width, self.style.logo_max_height)
        if isinstance(logo, Path):
            logo = load_logo(logo, *size)
        elif isinstance(logo, Image.Image):
            logo = prepare_logo(logo, *size)
        self.logo = logo

    def render(self, ticket: TicketInfo) -> Image.Image:
        """The ticket as a mode "1" image, ``self.width`` dots wide."""
        return self.render_with_layout(ticket)[0]

    def render_with_layout(self, ticket: TicketInfo) -> tuple[Image.Image, list[Placed]]:
        """The ticket image and where each element was drawn."""
        s, w = self.style, self.content_width
        say = words(ticket.language)
        reg, bold = self.fonts.regular_at, self.fonts.bold_at
        boxes: list[_Box] = [_gap(s.margin)]
        if self.logo is not None:
            boxes += [_image_box(self.logo, "logo"), _gap(s.gap)]
        boxes.append(_text_box(ticket.centre_name, bold(s.centre), w, kind="centre"))
        if ticket.commune and ticket.commune.casefold() not in ticket.centre_name.casefold():
            boxes.append(_text_box(ticket.commune, reg(s.commune), w, kind="commune"))
        boxes += [_rule(w), _text_box(say.gettext("SỐ THỨ TỰ"), bold(s.title), w, kind="title"),
                  _gap(s.gap)]
        number = unicodedata.normalize("NFC", ticket.number.strip())
        number_font = fit_font(self.fonts.bold, number, w, s.number_max_height)
        boxes += [_text_box(number, number_font, w, kind="number", ink_only=True),
                  _gap(s.gap + 4)]
        if ticket.priority:
            boxes += [_bar(say.gettext("ƯU TIÊN"), bold(s.title), w), _gap(s.gap)]
        boxes.append(_text_box(ticket.field_name, bold(s.field), w, kind="field"))
        if ticket.counters:
            boxes.append(_text_box(format_counters(ticket.counters), reg(s.counters), w,
                                   kind="counters"))
        boxes.append(_rule(w, 16))
        boxes.append(self._info(ticket, say))
        boxes += [_gap(s.gap), _text_box(ticket.footer, bold(s.footer), w, kind="footer"),
                  _gap(s.margin)]
        page = _stack(boxes, w)

        canvas = Image.new("L", (self.width, page.height), 255)
        placed: list[Placed] = []
        page.draw(canvas, ImageDraw.Draw(canvas), s.margin, 0, placed)
        return canvas.point(lambda v: 255 if v >= _THRESHOLD else 0, mode="1"), placed

    def _info(self, ticket: TicketInfo, say: Words) -> _Box:
        """People ahead, expected wait, time of issue and the QR code."""
        s, w = self.style, self.content_width
        reg, bold = self.fonts.regular_at, self.fonts.bold_at
        qr = None
        if ticket.track_url:
            qr = qr_image(ticket.track_url, s.qr_module, w)
        beside = qr is not None and s.qr_beside_text and qr.width <= w // 2
        # 4 modules of quiet zone between the QR code and the text beside it
        col = w - qr.width - 4 * s.qr_module if beside and qr is not None else w
        align = "left" if beside else "center"
        local = ticket.local_issued_at
        ahead = say.gettext("Trước bạn còn\u00a0{n}\u00a0người", n=ticket.people_ahead)
        lines = [_text_box(ahead, bold(s.info), col, kind="ahead", align=align)]
        if ticket.estimated_wait_s is not None:
            wait = format_wait(ticket.estimated_wait_s, ticket.language)
            lines.append(_text_box(say.gettext("Thời\u00a0gian\u00a0chờ\u00a0dự\u00a0kiến: {t}", t=wait),
                                   reg(s.info), col, kind="wait", align=align))
        lines.append(_gap(4))
        time, date = f"{local:%H:%M}", f"{local:%d/%m/%Y}"
        issued = say.gettext("In lúc\u00a0{time} ngày\u00a0{date}", time=time, date=date)
        lines.append(_text_box(issued, reg(s.small), col, kind="issued", align=align))
        if qr is None:
            return _stack(lines, w, align=align)
        scan = _text_box(say.gettext("Quét mã QR để theo dõi lượt gọi số"), reg(s.small), col,
                         kind="scan", align=align)
        qr_box = _image_box(qr, "qr")
        quiet = _gap(4 * s.qr_module)
        if beside:
            text = _stack([*lines, _gap(s.gap), scan], col, align="left")
            return _row(text, _stack([quiet, qr_box, quiet], qr.width), w)
        return _stack([*lines, quiet, qr_box, quiet, scan], w)
