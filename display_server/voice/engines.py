"""Speech engines behind one small base, chosen in config (like gpiozero's pin factories).

- :class:`EspeakEngine`: the ``espeak-ng`` program (default; instant, robotic);
- :class:`ClipsEngine`: a folder of WAV clips recorded by the centre (see docs/voice-clips.md);
- :class:`PiperEngine`: Piper neural TTS with a model file the centre supplies (optional);
- :class:`NullEngine`: no voice (engine "none").

Nothing here downloads anything.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import threading
import wave
from abc import ABC, abstractmethod
from collections.abc import Iterable
from pathlib import Path
from typing import Any, ClassVar

from config.schema import VoiceConfig

from .audio import Audio, concat, read_wav, silence, trim
from .clips import PAUSE, clip_index, missing_clips
from .errors import VoiceError
from .phrase import Phrase

CLIP_GAP_S = 0.06
"""Silence between two recorded clips."""
PAUSE_S = 0.2
"""Silence for a pause (between digits read one by one, at commas of the template)."""
_TIMEOUT_S = 120


class Engine(ABC):
    """Turns a :class:`Phrase` into audio."""

    name: ClassVar[str]

    @abstractmethod
    def synthesize(self, phrase: Phrase) -> Audio:
        """The spoken phrase (any rate; the caller resamples). Raises :class:`VoiceError`."""

    def settings(self, phrase: Phrase) -> dict[str, Any]:
        """Everything besides the phrase that changes the audio (part of the cache key)."""
        return {}

    def check(self) -> list[str]:
        """Problems that stop this engine from speaking, as one-line messages."""
        return []

    def describe(self) -> str:
        return self.name


class NullEngine(Engine):
    """No voice: announcements are the chime alone (or a short silence)."""

    name = "none"

    def synthesize(self, phrase: Phrase) -> Audio:
        return Audio()


def _run(args: list[str], text: str, what: str) -> None:
    try:
        done = subprocess.run(
            args, input=text.encode("utf-8"), capture_output=True, timeout=_TIMEOUT_S, check=False
        )
    except OSError as exc:
        raise VoiceError(f"cannot run {what}: {exc.strerror or exc}") from None
    except subprocess.TimeoutExpired:
        raise VoiceError(f"{what} did not finish within {_TIMEOUT_S} s") from None
    if done.returncode:
        err = done.stderr.decode("utf-8", "replace").strip().splitlines()
        detail = err[-1] if err else f"exit status {done.returncode}"
        raise VoiceError(f"{what} failed: {detail}")


class EspeakEngine(Engine):
    """Speech with the ``espeak-ng`` program (Debian package espeak-ng)."""

    name = "espeak"

    def __init__(self, voice: str = "vi", speed_wpm: int = 140, program: str = "espeak-ng"):
        self.voice = voice
        self.speed_wpm = speed_wpm
        self.program = program

    def _binary(self) -> str:
        found = shutil.which(self.program)
        if not found:
            raise VoiceError(f"{self.program} is not installed (Debian: apt install espeak-ng)")
        return found

    def synthesize(self, phrase: Phrase) -> Audio:
        binary = self._binary()
        with tempfile.TemporaryDirectory(prefix="motcua-espeak-") as tmp:
            out = Path(tmp) / "phrase.wav"
            args = [binary, "-v", self.voice, "-s", str(self.speed_wpm), "-b", "1",
                    "-w", str(out), "--stdin"]
            _run(args, phrase.text, self.program)
            return trim(read_wav(out))

    def settings(self, phrase: Phrase) -> dict[str, Any]:
        return {"voice": self.voice, "speed_wpm": self.speed_wpm, "program": self.program}

    def voices(self) -> set[str]:
        """Names espeak-ng accepts for ``-v`` (languages and voice files)."""
        done = subprocess.run([self._binary(), "--voices"], capture_output=True, timeout=30,
                              check=False)
        names: set[str] = set()
        for line in done.stdout.decode("utf-8", "replace").splitlines()[1:]:
            cols = line.split()
            if len(cols) >= 5:
                names.update({cols[1].lower(), cols[3].lower(), cols[4].split("/")[-1].lower()})
        return names

    def check(self) -> list[str]:
        try:
            known = self.voices()
        except VoiceError as exc:
            return [str(exc)]
        except (OSError, subprocess.SubprocessError) as exc:
            return [f"cannot run {self.program}: {exc}"]
        base = self.voice.split("+")[0].lower()
        if known and base not in known:
            return [f"{self.program} has no voice {self.voice!r} (Vietnamese voices: vi,"
                    " vi-vn-x-central, vi-vn-x-south)"]
        return []

    def describe(self) -> str:
        return f"espeak-ng voice {self.voice} at {self.speed_wpm} wpm"


class ClipsEngine(Engine):
    """Concatenates WAV clips recorded by the centre, one per word or fixed phrase."""

    name = "clips"

    def __init__(self, clips_dir: Path, template: str, prefixes: Iterable[str] = ()):
        self.clips_dir = Path(clips_dir)
        self.template = template
        self.prefixes = tuple(prefixes)
        self._cache: dict[tuple[str, int, int], Audio] = {}
        self._lock = threading.Lock()

    def _files(self, phrase: Phrase) -> dict[str, Path]:
        index = clip_index(self.clips_dir)
        if not index:
            raise VoiceError(f"no voice clips in {self.clips_dir} (see docs/voice-clips.md)")
        missing = sorted({f"{c}.wav" for c in phrase.clips if c != PAUSE and c not in index})
        if missing:
            raise VoiceError(f"missing voice clips in {self.clips_dir}: {', '.join(missing)}")
        return {c: index[c] for c in phrase.clips if c != PAUSE}

    def _clip(self, path: Path) -> Audio:
        st = path.stat()
        key = (str(path), st.st_mtime_ns, st.st_size)
        with self._lock:
            if key not in self._cache:
                self._cache[key] = trim(read_wav(path))
            return self._cache[key]

    def synthesize(self, phrase: Phrase) -> Audio:
        files = self._files(phrase)
        parts: list[Audio] = []
        for name in phrase.clips:
            if name == PAUSE:
                parts.append(silence(PAUSE_S))
                continue
            if parts:
                parts.append(silence(CLIP_GAP_S))
            parts.append(self._clip(files[name]))
        return concat(parts)

    def settings(self, phrase: Phrase) -> dict[str, Any]:
        files = self._files(phrase)
        stamps = {}
        for name, path in sorted(files.items()):
            st = path.stat()
            stamps[name] = [str(path), st.st_size, st.st_mtime_ns]
        return {"clips": stamps, "gap": CLIP_GAP_S, "pause": PAUSE_S}

    def missing(self) -> list[str]:
        """Required clip files (``name.wav``) the folder lacks."""
        return missing_clips(self.clips_dir, self.template, self.prefixes)

    def check(self) -> list[str]:
        if not self.clips_dir.is_dir():
            return [f"voice clips folder not found: {self.clips_dir} (voice.clips_dir)"]
        missing = self.missing()
        if missing:
            return [f"missing voice clip {self.clips_dir / name}" for name in missing]
        return []

    def describe(self) -> str:
        return f"recorded clips from {self.clips_dir}"


class PiperEngine(Engine):
    """Piper neural TTS with a local model (``.onnx`` + ``.onnx.json``); never downloads.

    Uses the ``piper`` Python module (package piper-tts) when importable, else the ``piper``
    program on PATH.
    """

    name = "piper"

    def __init__(self, model: Path | None, program: str = "piper"):
        self.model = Path(model) if model else None
        self.program = program
        self._voice: Any = None
        self._lock = threading.Lock()

    def _model_config(self) -> Path | None:
        if self.model is None:
            return None
        for candidate in (Path(f"{self.model}.json"), self.model.with_suffix(".json")):
            if candidate.is_file():
                return candidate
        return None

    @staticmethod
    def _module() -> Any:
        try:
            from piper import PiperVoice  # type: ignore[import-not-found]
        except Exception:  # absent or broken install: fall back to the program
            return None
        return PiperVoice

    def _model_problems(self) -> list[str]:
        if self.model is None:
            return ["voice.piper_model is not set: give the path of a Piper voice model (.onnx)"]
        if not self.model.is_file():
            return [f"Piper model not found: {self.model}"]
        if self._model_config() is None:
            return [f"Piper model config not found: {self.model}.json"]
        return []

    def check(self) -> list[str]:
        problems = self._model_problems()
        if self._module() is None and not shutil.which(self.program):
            problems.append(
                "Piper is not installed: install the piper-tts Python package or put the"
                " 'piper' program on PATH"
            )
        return problems

    def synthesize(self, phrase: Phrase) -> Audio:
        problems = self.check()
        if problems:
            raise VoiceError(problems[0])
        with tempfile.TemporaryDirectory(prefix="motcua-piper-") as tmp:
            out = Path(tmp) / "phrase.wav"
            module = self._module()
            if module is not None:
                self._synthesize_module(module, phrase.text, out)
            else:
                args = [shutil.which(self.program) or self.program, "--model", str(self.model),
                        "--output_file", str(out)]
                _run(args, phrase.text, "piper")
            return trim(read_wav(out))

    def _synthesize_module(self, module: Any, text: str, out: Path) -> None:
        with self._lock:
            try:
                if self._voice is None:
                    self._voice = module.load(str(self.model), config_path=str(self._model_config()))
                with wave.open(str(out), "wb") as wav:
                    if hasattr(self._voice, "synthesize_wav"):  # piper-tts >= 1.3
                        self._voice.synthesize_wav(text, wav)
                    else:
                        self._voice.synthesize(text, wav)
            except Exception as exc:  # report any model failure in one line
                raise VoiceError(f"Piper failed with model {self.model}: {exc}") from None

    def settings(self, phrase: Phrase) -> dict[str, Any]:
        st = self.model.stat() if self.model and self.model.is_file() else None
        return {"model": str(self.model), "size": st.st_size if st else None,
                "mtime": st.st_mtime_ns if st else None}

    def describe(self) -> str:
        return f"Piper model {self.model}"


def make_engine(voice: VoiceConfig, *, base_dir: Path | None = None,
                prefixes: Iterable[str] = ()) -> Engine:
    """The engine ``voice.engine`` names; relative paths are resolved against ``base_dir``."""
    base = Path(base_dir) if base_dir else Path.cwd()

    def resolve(value: str) -> Path:
        p = Path(value).expanduser()
        return p if p.is_absolute() else base / p

    if voice.engine == "espeak":
        return EspeakEngine(voice.espeak_voice, voice.speed_wpm)
    if voice.engine == "clips":
        return ClipsEngine(resolve(voice.clips_dir or "voice-clips"), voice.template, prefixes)
    if voice.engine == "piper":
        return PiperEngine(resolve(voice.piper_model) if voice.piper_model else None)
    return NullEngine()
