"""Ticket rendering and ESC/POS encoding: time per ticket and bytes sent, 58 and 80 mm.

Run: .venv/bin/python bench/printer.py [--runs 50]
Target (80 mm): render + encode under 30 ms, under 40 KB of printer data.
"""

from __future__ import annotations

import argparse
import dataclasses
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from printer.encode import encode_image  # noqa: E402
from printer.fonts import find_fonts  # noqa: E402
from printer.render import TicketRenderer  # noqa: E402
from printer.ticket import TicketInfo  # noqa: E402

TYPICAL = TicketInfo(
    centre_name="Bộ phận Một cửa UBND xã Phú Hòa",
    commune="Xã Phú Hòa",
    number="1005",
    field_name="Tư pháp - Hộ tịch",
    counters=("Quầy 1", "Quầy 2", "Quầy 5"),
    people_ahead=3,
    estimated_wait_s=900,
    issued_at=datetime(2026, 3, 5, 1, 15, tzinfo=UTC),
    track_url="http://192.168.1.10:8080/t/1005",
)
LONG = dataclasses.replace(
    TYPICAL, priority=True, number="A12345",
    field_name="Lao động - Thương binh và Xã hội / Văn hóa - Xã hội",
    centre_name="Trung tâm Phục vụ hành chính công tỉnh Bà Rịa - Vũng Tàu, Chi nhánh số 12",
)


def bench(renderer: TicketRenderer, ticket: TicketInfo, runs: int) -> tuple[list[float], int]:
    """Milliseconds per render + encode (each ticket number different) and bytes of the last."""
    renderer.render(ticket)  # warm the font caches, as a running kiosk has
    times, size = [], 0
    for i in range(runs):
        t = dataclasses.replace(ticket, number=f"{ticket.number[:-3]}{i % 1000:03d}",
                                track_url=f"{ticket.track_url}?n={i}")
        start = time.perf_counter()
        data = encode_image(renderer.render(t))
        times.append((time.perf_counter() - start) * 1000)
        size = len(data)
    return times, size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args()
    fonts = find_fonts()
    print(f"{'ticket':8} {'paper':>5} {'median ms':>10} {'p10-p90 ms':>12} {'max ms':>7} "
          f"{'bytes':>7} {'dots':>10}")
    for name, ticket in (("typical", TYPICAL), ("long", LONG)):
        for width in (58, 80):
            renderer = TicketRenderer(fonts, width)
            times, size = bench(renderer, ticket, args.runs)
            deciles = statistics.quantiles(times, n=10)
            image = renderer.render(ticket)
            print(f"{name:8} {width:>3}mm {statistics.median(times):>10.1f} "
                  f"{deciles[0]:>5.1f}-{deciles[-1]:<6.1f} {max(times):>7.1f} {size:>7} "
                  f"{image.width:>4}x{image.height:<5}")


if __name__ == "__main__":
    main()
