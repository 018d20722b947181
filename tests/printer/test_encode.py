"""ESC/POS encoding: exact bytes, structure, and the raster decoded back to the same image."""

from __future__ import annotations

import hashlib

import pytest
from escpos.printer import Dummy
from PIL import Image, ImageDraw, features

from printer.encode import FRAGMENT_ROWS, MIN_FEED_ROWS, encode_image
from printer.fonts import FontSet
from printer.render import TicketRenderer
from printer.ticket import TicketInfo

ESC_INIT = b"\x1b@"
CUT = b"\x1bd\x06\x1dV\x00"  # python-escpos cut(): feed 6 lines, full cut

# The fixed ticket of conftest.py on DejaVu Sans 2.37 (Debian fonts-dejavu-core) drawn by
# FreeType 2.14.3. Other fonts or FreeType versions draw slightly different dots.
FONT_SHA256 = {
    "DejaVuSans.ttf": "abdc775b21b1bc470d50c97e790d276f2054b7504e56e5bd3e64f48d68582322",
    "DejaVuSans-Bold.ttf": "0d977336a6d5fba34eab8e3199eb218327161b5143749f802982c2bc34df0c96",
}
FREETYPE = "2.14.3"
EXPECTED_SHA256 = {
    58: "5e787dd21f5bc54085b86bfec417c144c25f01a961c695691b1ebe7ca2ed10a8",
    80: "d2e22a6978d2d9fbeee4287bfd7e492d871def758f6b259ccfecc328f4b643ce",
}
EXPECTED_SIZE = {58: (384, 639), 80: (576, 661)}


def decode(data: bytes) -> tuple[Image.Image, dict]:
    """Rebuild the printed picture from ESC/POS bytes (GS v 0 rasters and ESC J feeds).

    Returns the picture (mode "1", black = 0) and what else was seen, and fails on any
    command a ticket should not contain (text, code pages ...).
    """
    assert data.startswith(ESC_INIT)
    i = len(ESC_INIT)
    rows: list[bytes | None] = []  # None: a blank row fed before the width was known
    seen: dict = {"rasters": [], "feeds": [], "end": b""}
    width_bytes = None
    while i < len(data):
        if data[i:i + 4] == b"\x1dv0\x00":
            xl, xh, yl, yh = data[i + 4:i + 8]
            wb, h = xl + 256 * xh, yl + 256 * yh
            assert width_bytes in (None, wb), "raster bands of different widths"
            width_bytes = wb
            body = data[i + 8:i + 8 + wb * h]
            assert len(body) == wb * h, "truncated raster"
            rows += [body[r * wb:(r + 1) * wb] for r in range(h)]
            seen["rasters"].append((wb, h))
            i += 8 + wb * h
        elif data[i:i + 2] == b"\x1bJ":
            n = data[i + 2]
            rows += [None] * n
            seen["feeds"].append(n)
            i += 3
        else:
            seen["end"] = data[i:]
            break
    assert width_bytes is not None, "no raster at all"
    blank = bytes(width_bytes)
    inverted = bytes(b ^ 0xFF for row in rows for b in (row or blank))  # ESC/POS: 1 = black
    return Image.frombytes("1", (width_bytes * 8, len(rows)), inverted), seen


def test_exact_bytes_of_a_small_image() -> None:
    image = Image.new("1", (16, 20), 1)
    image.putpixel((0, 0), 0)
    image.putpixel((1, 0), 0)
    image.putpixel((15, 1), 0)
    for x in range(16):
        image.putpixel((x, 19), 0)
    expected = (
        ESC_INIT
        + b"\x1dv0\x00" + bytes([2, 0, 2, 0]) + bytes([0xC0, 0x00, 0x00, 0x01])
        + b"\x1bJ" + bytes([17])  # 17 blank rows become a paper feed
        + b"\x1dv0\x00" + bytes([2, 0, 1, 0]) + bytes([0xFF, 0xFF])
        + CUT
    )
    assert encode_image(image) == expected
    assert encode_image(image, cut=False).endswith(b"\x1bd\x04")
    assert b"\x1dV" not in encode_image(image, cut=False)
    whole = encode_image(image, feed_blank=False)
    assert whole.startswith(ESC_INIT + b"\x1dv0\x00" + bytes([2, 0, 20, 0]))
    assert b"\x1bJ" not in whole


def test_short_blank_runs_stay_in_the_raster() -> None:
    image = Image.new("1", (8, MIN_FEED_ROWS + 1), 1)
    image.putpixel((0, 0), 0)
    image.putpixel((0, MIN_FEED_ROWS), 0)  # MIN_FEED_ROWS - 1 blank rows between
    assert encode_image(image) == (ESC_INIT + b"\x1dv0\x00" + bytes([1, 0, MIN_FEED_ROWS + 1, 0])
                                   + b"\x80" + bytes(MIN_FEED_ROWS - 1) + b"\x80" + CUT)


def test_only_mode_1_images() -> None:
    with pytest.raises(ValueError, match="mode '1'"):
        encode_image(Image.new("L", (8, 8), 255))


@pytest.mark.parametrize("width_mm", [58, 80])
def test_raster_decodes_to_the_rendered_image(fonts: FontSet, ticket: TicketInfo,
                                              width_mm: int) -> None:
    image = TicketRenderer(fonts, width_mm).render(ticket)
    data = encode_image(image)
    decoded, seen = decode(data)
    assert decoded.size == image.size
    assert decoded.tobytes() == image.tobytes()
    assert seen["end"] == CUT
    assert all(wb * 8 == image.width and 0 < h <= FRAGMENT_ROWS for wb, h in seen["rasters"])
    assert seen["feeds"], "blank space is sent as paper feed"
    # The same without feeds: one raster of the whole ticket, split in fragments.
    whole, seen_whole = decode(encode_image(image, feed_blank=False))
    assert whole.tobytes() == image.tobytes() and not seen_whole["feeds"]
    assert sum(h for _, h in seen_whole["rasters"]) == image.height


def test_encoding_matches_python_escpos(fonts: FontSet, ticket: TicketInfo) -> None:
    """Without feeds the bytes are exactly python-escpos's own image printing."""
    image = TicketRenderer(fonts, 80).render(ticket)
    reference = Dummy()
    reference.hw("INIT")
    reference.image(image, impl="bitImageRaster", fragment_height=FRAGMENT_ROWS)
    reference.cut()
    assert encode_image(image, feed_blank=False) == reference.output


def test_a_drawn_picture_survives_encoding() -> None:
    image = Image.new("1", (576, 300), 1)
    draw = ImageDraw.Draw(image)
    draw.ellipse((20, 20, 280, 280), outline=0, width=9)
    draw.text((320, 140), "SỐ", fill=0)
    decoded, _ = decode(encode_image(image))
    assert decoded.tobytes() == image.tobytes()


def _font_matches(fonts: FontSet) -> bool:
    for path in (fonts.regular, fonts.bold):
        want = FONT_SHA256.get(path.name)
        if want and hashlib.sha256(path.read_bytes()).hexdigest() != want:
            return False
    return features.version("freetype2") == FREETYPE


@pytest.mark.parametrize("width_mm", [58, 80])
def test_exact_bytes_of_the_fixed_ticket(fonts: FontSet, ticket: TicketInfo,
                                         width_mm: int) -> None:
    if not _font_matches(fonts):
        pytest.skip("expected bytes were recorded with DejaVu Sans 2.37 and FreeType "
                    f"{FREETYPE}; this machine draws with other versions")
    image = TicketRenderer(fonts, width_mm).render(ticket)
    data = encode_image(image)
    assert image.size == EXPECTED_SIZE[width_mm]
    assert hashlib.sha256(data).hexdigest() == EXPECTED_SHA256[width_mm]
    decoded, seen = decode(data)
    assert decoded.size == EXPECTED_SIZE[width_mm]
    assert seen["end"] == CUT
