"""Names of the WAV clips a centre records for the ``clips`` engine.

File names are plain ASCII (they survive USB sticks, zip files and any OS):

- number words: the word without accents (``khong.wav`` = "không"); the two pairs that
  would clash add the tone name: ``mot.wav`` = "một" / ``mot-sac.wav`` = "mốt",
  ``muoi.wav`` = "mười" / ``muoi-ngang.wav`` = "mươi";
- letters of a ticket prefix: ``chu-`` + the letter in Telex (``chu-a.wav``, ``chu-dd.wav`` = Đ);
- each fixed part of the template: its words without accents, joined by ``-``
  (``xin-moi-cong-dan-co-so-thu-tu.wav``, ``den-quay-so.wav``).

See docs/voice-clips.md for the full list and recording advice.
"""

from __future__ import annotations

import re
import string
import unicodedata
from collections.abc import Iterable
from pathlib import Path

from .numbers import LETTER_NAMES

PAUSE = ","
"""A pseudo clip name: a short pause (between digits read one by one)."""

WORD_CLIPS: dict[str, str] = {
    "không": "khong", "một": "mot", "mốt": "mot-sac", "hai": "hai", "ba": "ba",
    "bốn": "bon", "tư": "tu", "năm": "nam", "lăm": "lam", "sáu": "sau", "bảy": "bay",
    "tám": "tam", "chín": "chin", "mười": "muoi", "mươi": "muoi-ngang", "trăm": "tram",
    "linh": "linh", "nghìn": "nghin", "triệu": "trieu", "tỷ": "ty",
}
"""Number word -> clip name."""

NUMBER_CLIPS: tuple[str, ...] = tuple(
    name for name in WORD_CLIPS.values() if name not in ("trieu", "ty")
)
"""Clips every pack needs: all words of numbers up to 999,999 (ticket and counter numbers)."""

_TELEX = {"Ă": "aw", "Â": "aa", "Đ": "dd", "Ê": "ee", "Ô": "oo", "Ơ": "ow", "Ư": "uw"}


def letter_clip(letter: str) -> str:
    """Clip name of a prefix letter: "A" -> "chu-a", "Đ" -> "chu-dd"."""
    letter = letter.upper()
    if letter not in LETTER_NAMES:
        raise ValueError(f"{letter!r} is not a letter a ticket prefix can use")
    return "chu-" + _TELEX.get(letter, letter.lower())


def slug(text: str) -> str:
    """ASCII clip name of a fixed phrase: "đến quầy số" -> "den-quay-so"."""
    text = text.replace("đ", "d").replace("Đ", "D")
    text = unicodedata.normalize("NFD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def template_parts(template: str) -> list[tuple[str, str | None]]:
    """Split a template into (literal text, field name or None) pairs, in order."""
    return [(lit, field) for lit, field, _spec, _conv in string.Formatter().parse(template)]


def template_clips(template: str) -> list[str]:
    """Clip names of the template's fixed parts (parts without letters need no clip)."""
    names = [slug(lit) for lit, _field in template_parts(template)]
    return [n for n in names if n]


def required_clips(template: str, prefixes: Iterable[str] = ()) -> list[str]:
    """Every clip a pack must hold for ``template`` and ticket ``prefixes`` (e.g. ["A", "B"])."""
    names = list(template_clips(template)) + list(NUMBER_CLIPS)
    for prefix in prefixes:
        names += [letter_clip(c) for c in prefix if c.strip()]
    return list(dict.fromkeys(names))


def clip_index(clips_dir: Path) -> dict[str, Path]:
    """Clip name (file stem, lower case) -> file, for the ``.wav`` files in ``clips_dir``."""
    if not clips_dir.is_dir():
        return {}
    return {
        p.stem.lower(): p
        for p in sorted(clips_dir.iterdir())
        if p.suffix.lower() == ".wav" and p.is_file()
    }


def missing_clips(clips_dir: Path, template: str, prefixes: Iterable[str] = ()) -> list[str]:
    """Required clip file names (``name.wav``) not found in ``clips_dir``."""
    have = clip_index(clips_dir)
    return [f"{n}.wav" for n in required_clips(template, prefixes) if n not in have]
