"""Call announcements: chime + phrase said ``repeat`` times, one cached WAV per call."""

from __future__ import annotations

import hashlib
import json
import os
import threading
import time
from collections.abc import Iterable
from pathlib import Path

from config.schema import Config, VoiceConfig

from .audio import RATE, Audio, chime, concat, normalize, silence, write_wav
from .engines import Engine, make_engine
from .errors import VoiceError
from .phrase import Phrase, build_phrase

CACHE_VERSION = 1
"""Bump when the audio layout below changes, so old cached files are not reused."""
LEAD_IN_S = 0.25  # some HDMI/USB audio sinks swallow the first fraction of a second
AFTER_CHIME_S = 0.3
BETWEEN_REPEATS_S = 0.9
TAIL_S = 0.3
VOICE_PEAK = 0.8
DEFAULT_CACHE_MAX_BYTES = 256 * 1024 * 1024


class Announcer:
    """Builds and caches call announcements for one voice configuration.

    ``cache_dir`` holds the generated WAVs; relative ``clips_dir`` and ``piper_model`` are
    resolved against ``base_dir`` (the data directory). ``prefixes`` are the ticket prefixes
    in use (e.g. ["A", "B"]): the clips engine's check asks for their letters. Thread-safe.
    """

    def __init__(self, voice: VoiceConfig, cache_dir: Path | str, *,
                 base_dir: Path | str | None = None, prefixes: Iterable[str] = (),
                 engine: Engine | None = None,
                 cache_max_bytes: int = DEFAULT_CACHE_MAX_BYTES):
        self.voice = voice
        self.cache_dir = Path(cache_dir)
        self.prefixes = tuple(p for p in prefixes if p)
        self.engine = engine or make_engine(
            voice, base_dir=Path(base_dir) if base_dir else None, prefixes=self.prefixes
        )
        self.cache_max_bytes = cache_max_bytes
        self._lock = threading.Lock()

    @classmethod
    def from_config(cls, cfg: Config, **kwargs) -> Announcer:
        """The announcer for a loaded centre config (paths under its data directory)."""
        prefixes = [f.numbering.prefix for f in cfg.fields if f.numbering.width is not None]
        return cls(cfg.voice, cfg.resolve_path(cfg.voice.cache_dir), base_dir=cfg.data_path,
                   prefixes=prefixes, **kwargs)

    @property
    def enabled(self) -> bool:
        """False when the engine is "none" (announcements are then the chime alone)."""
        return self.engine.name != "none"

    def phrase(self, number: str, counter_number: int) -> Phrase:
        """The phrase for ticket ``number`` at counter ``counter_number``; VoiceError if bad."""
        try:
            counter = int(counter_number)
            if not 0 <= counter <= 999_999:
                raise ValueError(f"counter number {counter_number!r} is out of range")
            return build_phrase(self.voice.template, str(number), counter,
                                self.voice.number_reading)
        except (TypeError, ValueError) as exc:
            raise VoiceError(str(exc)) from None

    def phrase_text(self, number: str, counter_number: int) -> str:
        """The text said for this call (also what a screen could show as a caption)."""
        return self.phrase(number, counter_number).text

    def cache_path(self, phrase: Phrase) -> Path:
        """Where the announcement for ``phrase`` is (or will be) cached."""
        key = {
            "version": CACHE_VERSION,
            "rate": RATE,
            "engine": self.engine.name,
            "settings": self.engine.settings(phrase),
            "text": phrase.text,
            "clips": phrase.clips,
            "repeat": self.voice.repeat,
            "chime": self.voice.chime,
        }
        blob = json.dumps(key, sort_keys=True, ensure_ascii=False).encode("utf-8")
        return self.cache_dir / f"{hashlib.sha256(blob).hexdigest()[:32]}.wav"

    def render(self, phrase: Phrase) -> Audio:
        """The full announcement audio: lead-in, chime, phrase x repeat, tail."""
        parts = [silence(LEAD_IN_S)]
        if self.voice.chime:
            parts += [chime(), silence(AFTER_CHIME_S)]
        spoken = self.engine.synthesize(phrase)
        if spoken.samples:
            said = normalize(concat([spoken]), VOICE_PEAK)
            for i in range(self.voice.repeat):
                if i:
                    parts.append(silence(BETWEEN_REPEATS_S))
                parts.append(said)
        parts.append(silence(TAIL_S))
        return concat(parts)

    def announcement(self, number: str, counter_number: int) -> Path:
        """Path of the WAV (16-bit mono, 22050 Hz) calling ``number`` to ``counter_number``.

        Generated on first use, then served from the cache. Raises :class:`VoiceError`.
        """
        phrase = self.phrase(number, counter_number)
        path = self.cache_path(phrase)
        if self._touch(path):
            return path
        with self._lock:
            if self._touch(path):
                return path
            audio = self.render(phrase)
            try:
                write_wav(path, audio)
            except OSError as exc:
                raise VoiceError(
                    f"cannot write voice cache {self.cache_dir}: {exc.strerror or exc}"
                ) from None
            self.prune(keep=path)
        return path

    @staticmethod
    def _touch(path: Path) -> bool:
        """True if ``path`` exists; marks it used (access time only, content untouched)."""
        try:
            st = path.stat()
            os.utime(path, ns=(time.time_ns(), st.st_mtime_ns))
        except FileNotFoundError:
            return False
        except OSError:
            return path.exists()
        return True

    def prune(self, keep: Path | None = None) -> int:
        """Delete least recently used cached WAVs above the size cap (never ``keep``)."""
        try:
            entries = [(p, p.stat()) for p in self.cache_dir.glob("*.wav")]
        except OSError:
            return 0
        total = sum(st.st_size for _p, st in entries)
        removed = 0
        for path, st in sorted(entries, key=lambda e: e[1].st_atime_ns):
            if total <= self.cache_max_bytes:
                break
            if path == keep:
                continue
            try:
                path.unlink()
            except OSError:
                continue
            total -= st.st_size
            removed += 1
        return removed

    def check(self) -> list[str]:
        """Problems that stop announcements: missing program, clips, model; unwritable cache."""
        problems = list(self.engine.check())
        try:
            self.cache_dir.mkdir(parents=True, exist_ok=True)
            if not os.access(self.cache_dir, os.W_OK):
                raise PermissionError(13, "permission denied")
        except OSError as exc:
            problems.append(f"cannot write voice cache {self.cache_dir}: {exc.strerror or exc}")
        return problems

    def describe(self) -> str:
        """One line: engine, reading, repeats, chime, cache folder."""
        return (f"{self.engine.describe()}; numbers read as {self.voice.number_reading};"
                f" said {self.voice.repeat}x; chime {'on' if self.voice.chime else 'off'};"
                f" cache {self.cache_dir}")
