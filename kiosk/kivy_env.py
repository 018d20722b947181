"""Set Kivy up before it is imported: window size and mode, offscreen rendering, the font.

Kivy reads its settings when first imported, so :func:`prepare` must run before any
``import kivy...`` (the app module imports Kivy at the top).

Offscreen (tests, CI, benchmarks) uses SDL's ``offscreen`` video driver, which renders with
Mesa through EGL without any display; ``SDL_VIDEODRIVER=dummy`` must not be used (no GL).
"""

from __future__ import annotations

import logging
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

LANDSCAPE = (1280, 720)  # windowed default; fullscreen takes the screen's own size


@dataclass(frozen=True)
class WindowSpec:
    fullscreen: bool
    size: tuple[int, int]
    offscreen: bool = False


def parse_size(text: str) -> tuple[int, int]:
    """ "800x480" -> (800, 480); raises ValueError with a readable message."""
    try:
        w, h = (int(v) for v in text.lower().split("x"))
    except ValueError:
        raise ValueError(f"size {text!r} is not like 800x480") from None
    if not (200 <= w <= 8000 and 200 <= h <= 8000):
        raise ValueError(f"size {text!r} is out of range")
    return w, h


def default_size(orientation: str) -> tuple[int, int]:
    w, h = LANDSCAPE
    return (h, w) if orientation == "portrait" else (w, h)


def prepare(spec: WindowSpec, *, kivy_home: Path | None = None) -> None:
    """Environment and ``kivy.config`` settings; call once, before importing the app."""
    os.environ.setdefault("KIVY_NO_ARGS", "1")  # our CLI owns the command line
    os.environ.setdefault("KIVY_NO_CONSOLELOG", "1")
    os.environ.setdefault("KIVY_LOG_MODE", "PYTHON")  # Kivy logs through `logging`
    if kivy_home is None and "KIVY_HOME" not in os.environ:
        kivy_home = Path(tempfile.gettempdir()) / f"motcua-kivy-{os.getuid()}"
    if kivy_home is not None:
        kivy_home.mkdir(parents=True, exist_ok=True)
        os.environ["KIVY_HOME"] = str(kivy_home)
    if spec.offscreen:
        os.environ["SDL_VIDEODRIVER"] = "offscreen"
        os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
        os.environ.setdefault("KIVY_AUDIO", "")

    from kivy.config import Config

    Config.set("kivy", "exit_on_escape", "0")
    Config.set("kivy", "keyboard_mode", "system")  # never pop up a virtual keyboard
    Config.set("kivy", "log_level", "warning")
    logging.getLogger("kivy").setLevel(logging.WARNING)  # its start-up chatter is INFO
    Config.set("graphics", "resizable", "0" if spec.fullscreen else "1")
    Config.set("graphics", "borderless", "1" if spec.fullscreen else "0")
    Config.set("graphics", "show_cursor", "0" if spec.fullscreen else "1")
    Config.set("input", "mouse", "mouse,disable_multitouch")  # no red dots on right click
    if spec.fullscreen and not spec.offscreen:
        Config.set("graphics", "fullscreen", "auto")
    else:
        Config.set("graphics", "fullscreen", "0")
        Config.set("graphics", "width", str(spec.size[0]))
        Config.set("graphics", "height", str(spec.size[1]))


def register_fonts() -> None:
    """Make DejaVu Sans (full Vietnamese coverage) Kivy's default font, regular and bold."""
    from kivy.core.text import DEFAULT_FONT, LabelBase

    from printer.fonts import find_fonts

    fonts = find_fonts()
    LabelBase.register(DEFAULT_FONT, fn_regular=str(fonts.regular), fn_bold=str(fonts.bold))
