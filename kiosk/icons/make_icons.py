"""Draw the kiosk's icons as white line-art PNGs (the view tints them).

Run from the repository root to regenerate the PNGs next to this file::

    .venv/bin/python -m kiosk.icons.make_icons
"""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path

from PIL import Image, ImageDraw

SIZE = 160  # pixels of the shipped PNG
SCALE = 4  # drawn larger, then scaled down for smooth edges
S = SIZE * SCALE
W = 11 * SCALE  # line width
WHITE = (255, 255, 255, 255)
CLEAR = (0, 0, 0, 0)
HERE = Path(__file__).resolve().parent

Draw = ImageDraw.ImageDraw


def p(x: float, y: float) -> tuple[float, float]:
    """A point in 0..100 units."""
    return (x * S / 100, y * S / 100)


def box(x0: float, y0: float, x1: float, y1: float) -> list[tuple[float, float]]:
    return [p(x0, y0), p(x1, y1)]


def line(d: Draw, *pts: tuple[float, float], width: int = W) -> None:
    d.line([p(*q) for q in pts], fill=WHITE, width=width, joint="curve")
    for q in (pts[0], pts[-1]):
        r = width / 2
        x, y = p(*q)
        d.ellipse([x - r, y - r, x + r, y + r], fill=WHITE)


def rrect(d: Draw, x0: float, y0: float, x1: float, y1: float, r: float = 6, fill: bool = False) -> None:
    d.rounded_rectangle(box(x0, y0, x1, y1), radius=r * S / 100, outline=WHITE,
                        fill=WHITE if fill else None, width=W)


def circle(d: Draw, cx: float, cy: float, r: float, fill: bool = False, width: int = W) -> None:
    d.ellipse(box(cx - r, cy - r, cx + r, cy + r), outline=WHITE, fill=WHITE if fill else None,
              width=width)


def person(d: Draw, cx: float, top: float, scale: float = 1.0) -> None:
    """A head and shoulders."""
    circle(d, cx, top + 10 * scale, 9 * scale, fill=True)
    d.chord(box(cx - 18 * scale, top + 22 * scale, cx + 18 * scale, top + 58 * scale), 180, 360,
            fill=WHITE)


def document(d: Draw, lines: int = 3) -> None:
    rrect(d, 22, 10, 78, 90, r=5)
    for i in range(lines):
        line(d, (33, 30 + i * 14), (67, 30 + i * 14))


def ho_tich(d: Draw) -> None:
    person(d, 24, 14)
    person(d, 76, 14)
    person(d, 50, 50, 0.62)
    line(d, (6, 92), (94, 92))


def chung_thuc(d: Draw) -> None:
    rrect(d, 14, 8, 64, 80, r=5)
    for i in range(3):
        line(d, (24, 26 + i * 13), (54 - i * 8, 26 + i * 13))
    circle(d, 68, 68, 25, fill=True)
    d.ellipse(box(43, 43, 93, 93), outline=CLEAR, width=W // 2)
    circle(d, 68, 68, 20, fill=True)
    d.line([p(58, 68), p(66, 76), p(79, 60)], fill=CLEAR, width=W, joint="curve")


def dat_dai(d: Draw) -> None:
    d.polygon([p(8, 88), p(30, 58), p(92, 58), p(70, 88)], outline=WHITE, width=W)
    line(d, (19, 73), (81, 73))
    line(d, (50, 58), (40, 88))
    circle(d, 62, 24, 14)
    d.polygon([p(50, 30), p(74, 30), p(62, 52)], fill=WHITE)
    circle(d, 62, 24, 5, fill=True)


def kinh_doanh(d: Draw) -> None:
    d.polygon([p(10, 14), p(90, 14), p(96, 40), p(4, 40)], outline=WHITE, width=W)
    for x in (27, 50, 73):
        line(d, (x, 14), (x - 2 if x < 50 else x + 2 if x > 50 else x, 40))
    rrect(d, 14, 40, 86, 88, r=2)
    rrect(d, 24, 56, 44, 88, r=2)
    rrect(d, 54, 54, 76, 70, r=2)


def van_hoa_xa_hoi(d: Draw) -> None:
    heart = []
    for i in range(0, 361, 5):
        t = math.radians(i)
        x = 16 * math.sin(t) ** 3
        y = 13 * math.cos(t) - 5 * math.cos(2 * t) - 2 * math.cos(3 * t) - math.cos(4 * t)
        heart.append(p(50 + x * 2.2, 44 - y * 2.2))
    d.polygon(heart, fill=WHITE)
    line(d, (8, 70), (26, 84), (52, 88), (74, 84), (92, 70))


def tra_ket_qua(d: Draw) -> None:
    rrect(d, 30, 6, 70, 50, r=4)
    line(d, (40, 20), (60, 20))
    line(d, (40, 32), (60, 32))
    line(d, (50, 50), (50, 70))
    line(d, (40, 60), (50, 70), (60, 60))
    line(d, (8, 62), (8, 90), (92, 90), (92, 62))


def generic(d: Draw) -> None:
    document(d, 4)


def priority(d: Draw) -> None:
    """The accessibility figure: a person in a wheelchair."""
    circle(d, 42, 12, 8, fill=True)
    line(d, (40, 26), (40, 56), (66, 56), (76, 82))
    line(d, (40, 38), (62, 38))
    d.arc(box(14, 44, 62, 92), 110, 380, fill=WHITE, width=W)


def procedures(d: Draw) -> None:
    rrect(d, 16, 12, 72, 90, r=5)
    rrect(d, 32, 4, 56, 18, r=3, fill=True)
    for i in range(3):
        y = 36 + i * 17
        line(d, (26, y), (32, y + 5), (40, y - 4))
        line(d, (48, y), (62, y))
    circle(d, 72, 70, 14, width=W)
    line(d, (82, 80), (94, 92))


def language(d: Draw) -> None:
    circle(d, 50, 50, 40)
    d.ellipse(box(32, 10, 68, 90), outline=WHITE, width=W)
    line(d, (50, 10), (50, 90))
    line(d, (12, 36), (88, 36))
    line(d, (12, 64), (88, 64))


def home(d: Draw) -> None:
    line(d, (8, 50), (50, 12), (92, 50))
    d.line([p(20, 42), p(20, 88), p(80, 88), p(80, 42)], fill=WHITE, width=W, joint="curve")
    rrect(d, 42, 60, 58, 88, r=2)


def back(d: Draw) -> None:
    line(d, (86, 50), (16, 50))
    line(d, (40, 24), (14, 50), (40, 76))


def server(d: Draw) -> None:
    """No connection: network waves, struck through."""
    for r in (44, 30, 16):
        d.arc(box(50 - r, 78 - r, 50 + r, 78 + r), 225, 315, fill=WHITE, width=W)
    circle(d, 50, 78, 6, fill=True)
    line(d, (14, 14), (86, 86))


def printer(d: Draw) -> None:
    rrect(d, 26, 8, 74, 34, r=3)
    rrect(d, 8, 34, 92, 74, r=6)
    d.rectangle(box(26, 58, 74, 96), fill=CLEAR)
    rrect(d, 26, 60, 74, 94, r=3)
    line(d, (36, 74), (64, 74))
    line(d, (36, 84), (56, 84))
    circle(d, 80, 46, 3, fill=True)


def clock(d: Draw) -> None:
    circle(d, 50, 50, 40)
    line(d, (50, 24), (50, 50), (68, 62))


def ticket(d: Draw) -> None:
    d.polygon([p(12, 22), p(88, 22), p(88, 40), p(80, 50), p(88, 60), p(88, 78), p(12, 78),
               p(12, 60), p(20, 50), p(12, 40)], outline=WHITE, width=W)
    line(d, (8, 92), (92, 8))


def people(d: Draw) -> None:
    person(d, 22, 22, 0.8)
    person(d, 78, 22, 0.8)
    person(d, 50, 14, 1.0)
    line(d, (6, 90), (94, 90))


def hourglass(d: Draw) -> None:
    line(d, (22, 8), (78, 8))
    line(d, (22, 92), (78, 92))
    d.line([p(28, 8), p(28, 24), p(50, 50), p(28, 76), p(28, 92)], fill=WHITE, width=W, joint="curve")
    d.line([p(72, 8), p(72, 24), p(50, 50), p(72, 76), p(72, 92)], fill=WHITE, width=W, joint="curve")
    d.polygon([p(36, 84), p(64, 84), p(50, 66)], fill=WHITE)


def warning(d: Draw) -> None:
    d.polygon([p(50, 8), p(94, 88), p(6, 88)], outline=WHITE, width=W)
    line(d, (50, 36), (50, 62))
    circle(d, 50, 76, 4, fill=True)


ICONS: dict[str, Callable[[Draw], None]] = {
    "ho-tich": ho_tich, "chung-thuc": chung_thuc, "dat-dai": dat_dai,
    "kinh-doanh": kinh_doanh, "van-hoa-xa-hoi": van_hoa_xa_hoi, "tra-ket-qua": tra_ket_qua,
    "generic": generic, "priority": priority, "procedures": procedures, "language": language,
    "home": home, "back": back, "server": server, "printer": printer, "clock": clock,
    "ticket": ticket, "people": people, "warning": warning, "hourglass": hourglass,
}


def draw(name: str) -> Image.Image:
    img = Image.new("RGBA", (S, S), CLEAR)
    ICONS[name](ImageDraw.Draw(img))
    return img.resize((SIZE, SIZE), Image.Resampling.LANCZOS)


def main(folder: Path = HERE) -> None:
    for name in ICONS:
        draw(name).save(folder / f"{name}.png", optimize=True)
    print(f"{len(ICONS)} icons in {folder}")


if __name__ == "__main__":
    main()
