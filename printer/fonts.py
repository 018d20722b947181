"""Find the TrueType fonts the ticket is drawn with (full Vietnamese coverage needed)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from PIL import ImageFont

from .errors import FontMissing

REGULAR = "DejaVuSans.ttf"
BOLD = "DejaVuSans-Bold.ttf"
FONT_DIRS = (
    Path("/usr/share/fonts/truetype/dejavu"),  # Debian, Raspberry Pi OS, Ubuntu
    Path("/usr/share/fonts/dejavu"),  # Fedora
    Path("/usr/share/fonts/TTF"),  # Arch
    Path("/usr/share/fonts/dejavu-sans-fonts"),
    Path("/usr/local/share/fonts"),
    Path("~/.local/share/fonts").expanduser(),
    Path("~/.fonts").expanduser(),
    Path("/Library/Fonts"),
)
FIX = "install DejaVu Sans with `sudo apt-get install fonts-dejavu-core`"


@dataclass(frozen=True)
class FontSet:
    """The regular and bold font files of the ticket."""

    regular: Path
    bold: Path

    def regular_at(self, size: int) -> ImageFont.FreeTypeFont:
        return load_font(self.regular, size)

    def bold_at(self, size: int) -> ImageFont.FreeTypeFont:
        return load_font(self.bold, size)


@lru_cache(maxsize=128)
def load_font(path: Path, size: int) -> ImageFont.FreeTypeFont:
    """The font at ``path`` in pixel ``size`` (cached: loading costs more than drawing)."""
    try:
        return ImageFont.truetype(str(path), size)
    except OSError as exc:
        raise FontMissing(f"cannot load font {path}: {exc}; {FIX}") from None


def _system_font(name: str, dirs: tuple[Path, ...]) -> Path:
    for d in dirs:
        if (d / name).is_file():
            return d / name
    looked = ", ".join(str(d) for d in dirs)
    raise FontMissing(f"font file {name} not found (looked in {looked}); {FIX}")


def _configured(value: str, key: str, base_dir: Path | None) -> Path:
    path = Path(value).expanduser()
    if not path.is_absolute() and base_dir is not None:
        path = base_dir / path
    if not path.is_file():
        raise FontMissing(
            f"font file {path} (printer.{key}) not found; fix the path or leave it empty "
            f"to use DejaVu Sans ({FIX})"
        )
    return path


def find_fonts(regular: str = "", bold: str = "", *, base_dir: Path | None = None,
               dirs: tuple[Path, ...] = FONT_DIRS) -> FontSet:
    """Configured font paths (relative ones against ``base_dir``), else DejaVu Sans.

    A configured regular font without a bold one is used for both. Raises
    :class:`FontMissing` naming the missing file.
    """
    reg = _configured(regular, "font", base_dir) if regular else _system_font(REGULAR, dirs)
    if bold:
        bld = _configured(bold, "font_bold", base_dir)
    elif regular:
        bld = reg
    else:
        bld = _system_font(BOLD, dirs)
    return FontSet(reg, bld)
