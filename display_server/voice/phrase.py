"""Build the spoken call phrase from the template: its text (for TTS) and its clips."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from .clips import PAUSE, WORD_CLIPS, letter_clip, slug, template_parts
from .numbers import LETTER_NAMES, digit_words, number_words, split_ticket, ticket_reads_digits

Reading = Literal["words", "digits"]
_PUNCT_BEFORE = re.compile(r"^\s*[,.;:!?]")
_PUNCT_AFTER = re.compile(r"[,.;:!?]\s*$")


@dataclass(frozen=True)
class Phrase:
    """One call phrase: ``text`` for speech engines, ``clips`` (names, ``PAUSE``) for clips."""

    text: str
    clips: tuple[str, ...]


def _ticket_units(number: str, reading: Reading) -> list[tuple[str, str]]:
    """(spoken text, clip name) units of a ticket number; pauses are (",", PAUSE)."""
    prefix, digits = split_ticket(number)
    units = [(LETTER_NAMES[c], letter_clip(c)) for c in prefix]
    if ticket_reads_digits(number, reading):
        units += [(w, WORD_CLIPS[w]) for w in digit_words(digits)]
        spaced: list[tuple[str, str]] = []
        for unit in units:
            if spaced:
                spaced.append((",", PAUSE))
            spaced.append(unit)
        return spaced
    if units:
        units.append((",", PAUSE))
    return units + [(w, WORD_CLIPS[w]) for w in number_words(int(digits))]


def _join(units: list[tuple[str, str]]) -> str:
    text = ""
    for word, _clip in units:
        text += word if word == "," or not text else " " + word
    return text


def build_phrase(template: str, number: str, counter: int, reading: Reading = "words") -> Phrase:
    """The phrase calling ticket ``number`` to counter ``counter``.

    ``template`` uses ``{number}`` and ``{counter}``; the ticket number is read per
    ``reading`` (see :func:`numbers.read_ticket`), the counter always in words.
    Raises ValueError for a malformed ticket number or counter.
    """
    number_units = _ticket_units(number, reading)
    counter_units = [(w, WORD_CLIPS[w]) for w in number_words(int(counter))]
    text = template.format(number=_join(number_units), counter=_join(counter_units))
    clips: list[str] = []
    for literal, field in template_parts(template):
        name = slug(literal)
        if name and _PUNCT_BEFORE.match(literal):
            clips.append(PAUSE)
        if name:
            clips.append(name)
        if _PUNCT_AFTER.search(literal) and (name or _PUNCT_BEFORE.match(literal)):
            clips.append(PAUSE)
        if field == "number":
            clips += [c for _w, c in number_units]
        elif field == "counter":
            clips += [c for _w, c in counter_units]
    return Phrase(text=" ".join(text.split()), clips=tuple(clips))


def phrase_text(template: str, number: str, counter: int, reading: Reading = "words") -> str:
    """Just the text: "Xin mời công dân có số thứ tự một nghìn ... đến quầy số ba"."""
    return build_phrase(template, number, counter, reading).text
