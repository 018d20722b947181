"""Turn a rendered ticket into ESC/POS bytes: raster bit images (GS v 0) and a cut.

Only python-escpos commands are used, through its ``Dummy`` printer; no text and no code
pages are ever sent. Runs of blank rows are sent as paper feeds (ESC J n) instead of
white raster data, which makes tickets about a fifth smaller: that matters on serial links.
ESC J counts in the printer's motion unit, one dot on common 203 dpi printers; where it is
not, only the blank space between lines changes.
"""

from __future__ import annotations

import copy
from functools import lru_cache

from escpos.capabilities import Profile, get_profile
from escpos.printer import Dummy
from PIL import Image

FRAGMENT_ROWS = 256  # rows per GS v 0 command: small enough for cheap printers' buffers
MIN_FEED_ROWS = 4  # blank runs shorter than this stay in the raster
FEED_LINES_BEFORE_CUT = 4  # ESC d n: brings the end of the ticket past the cutter


@lru_cache(maxsize=8)
def profile_for(width_px: int) -> Profile:
    """python-escpos's default profile, told the paper width (it then checks image widths)."""
    data = copy.deepcopy(get_profile("default").profile_data)
    data["media"] = {**data.get("media", {}), "width": {"pixels": width_px}}
    profile = Profile(features=data["features"])
    profile.profile_data = data  # on this instance only, not the shared profile class
    return profile


def _blank_rows(image: Image.Image) -> list[bool]:
    """For each row of a mode "1" image: True if it has no black dot."""
    width, height = image.size
    stride = (width + 7) // 8
    data = image.tobytes()  # 1 bit per dot, 1 = white
    full = bytes([0xFF]) * stride
    pad = (8 - width % 8) % 8
    last_mask = (0xFF << pad) & 0xFF if pad else 0xFF
    rows = []
    for y in range(height):
        row = data[y * stride:(y + 1) * stride]
        rows.append(row[:-1] == full[:-1] and row[-1] & last_mask == last_mask)
    return rows


def bands(image: Image.Image, min_feed: int = MIN_FEED_ROWS) -> list[tuple[int, int, bool]]:
    """The image as (top, bottom, is_feed) bands: ink bands and long blank runs."""
    out: list[tuple[int, int, bool]] = []
    rows = _blank_rows(image)
    y = 0
    while y < len(rows):
        end = y
        while end < len(rows) and rows[end] == rows[y]:
            end += 1
        feed = rows[y] and end - y >= min_feed
        if out and not feed and not out[-1][2]:
            out[-1] = (out[-1][0], end, False)  # merge with the previous raster band
        else:
            out.append((y, end, feed))
        y = end
    return out


def encode_image(image: Image.Image, *, cut: bool = True, feed_blank: bool = True) -> bytes:
    """ESC/POS bytes that print ``image`` (mode "1", at most the paper's width) then cut."""
    if image.mode != "1":
        raise ValueError("encode_image needs a mode '1' image")
    printer = Dummy(profile=profile_for(image.width))
    printer.hw("INIT")
    for top, bottom, feed in bands(image, MIN_FEED_ROWS if feed_blank else image.height + 1):
        if feed:
            rows = bottom - top
            while rows:
                step = min(rows, 255)
                printer._raw(b"\x1bJ" + bytes((step,)))  # ESC J n: feed n dots
                rows -= step
        else:
            printer.image(image.crop((0, top, image.width, bottom)), impl="bitImageRaster",
                          fragment_height=FRAGMENT_ROWS)
    if cut:
        printer.cut()
    else:
        printer.print_and_feed(FEED_LINES_BEFORE_CUT)
    return printer.output
