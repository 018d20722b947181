"""Colours and icons of the kiosk: high contrast, white on deep blue, amber for priority."""

from __future__ import annotations

from pathlib import Path

ICONS = Path(__file__).resolve().parent.parent / "icons"

BG = (0.04, 0.10, 0.22, 1)  # page background, near-black navy
BAR = (0.02, 0.06, 0.15, 1)  # header
TILE = (0.05, 0.32, 0.68, 1)  # field button: white text at about 7:1
TILE_DOWN = (0.03, 0.22, 0.50, 1)
TILE_CLOSED = (0.22, 0.24, 0.28, 1)
PRIORITY = (0.98, 0.74, 0.04, 1)  # amber, with black text
PRIORITY_DOWN = (0.80, 0.58, 0.00, 1)
ACTION = (0.02, 0.45, 0.32, 1)  # green: procedures, done
ACTION_DOWN = (0.01, 0.32, 0.22, 1)
NEUTRAL = (0.16, 0.20, 0.30, 1)  # secondary buttons
NEUTRAL_DOWN = (0.10, 0.13, 0.20, 1)
DANGER = (0.70, 0.08, 0.10, 1)
CARD = (0.09, 0.16, 0.30, 1)
WHITE = (1, 1, 1, 1)
BLACK = (0, 0, 0, 1)
MUTED = (0.80, 0.84, 0.90, 1)
YELLOW = (1.0, 0.86, 0.30, 1)

ERROR_ICONS = {
    "unreachable": "server", "paper_out": "printer", "cover_open": "printer",
    "printer_offline": "printer", "closed": "clock", "daily_cap": "ticket",
    "hall_full": "people", "disk_full": "server", "refused": "warning",
}


def icon(name: str) -> str:
    """The PNG of icon ``name``; a generic document for a name without its own picture."""
    path = ICONS / f"{name}.png"
    return str(path if path.is_file() else ICONS / "generic.png")
