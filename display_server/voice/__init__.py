"""Vietnamese call announcements ("Xin mời công dân có số thứ tự ... đến quầy số ...").

Usage from the display server::

    announcer = Announcer.from_config(cfg)          # once, at start-up
    wav_path = announcer.announcement("1005", 3)    # per call; cached WAV file

No Flask here; engines: espeak-ng (default), recorded clips, Piper, none.
"""

from .announcer import Announcer
from .clips import required_clips
from .engines import ClipsEngine, Engine, EspeakEngine, NullEngine, PiperEngine, make_engine
from .errors import VoiceError
from .numbers import read_digits, read_number, read_ticket
from .phrase import Phrase, build_phrase, phrase_text

__all__ = [
    "Announcer",
    "ClipsEngine",
    "Engine",
    "EspeakEngine",
    "NullEngine",
    "Phrase",
    "PiperEngine",
    "VoiceError",
    "build_phrase",
    "make_engine",
    "phrase_text",
    "read_digits",
    "read_number",
    "read_ticket",
    "required_clips",
]
