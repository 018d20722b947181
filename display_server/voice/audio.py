"""16-bit mono PCM audio with the standard library only: read, convert, mix, write WAV."""

from __future__ import annotations

import math
import os
import shutil
import subprocess
import sys
import tempfile
import wave
from array import array
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from .errors import VoiceError

RATE = 22050
"""Sample rate of every announcement (espeak-ng's and Piper's native rate)."""
FULL_SCALE = 32767


class AudioError(VoiceError):
    """A WAV file cannot be read or converted."""


@dataclass
class Audio:
    """Mono signed 16-bit samples at ``rate`` Hz."""

    samples: array = field(default_factory=lambda: array("h"))
    rate: int = RATE

    @property
    def seconds(self) -> float:
        return len(self.samples) / self.rate

    @property
    def peak(self) -> int:
        return max((abs(s) for s in self.samples), default=0)


def silence(seconds: float, rate: int = RATE) -> Audio:
    return Audio(array("h", bytes(2 * round(seconds * rate))), rate)


def concat(parts: list[Audio], rate: int = RATE) -> Audio:
    """Join ``parts`` (resampled to ``rate`` where needed)."""
    out = array("h")
    for part in parts:
        out.extend(resample(part, rate).samples)
    return Audio(out, rate)


def resample(audio: Audio, rate: int) -> Audio:
    """Linear-interpolation resampling, with a box low-pass when going down."""
    if audio.rate == rate or not audio.samples:
        return Audio(array("h", audio.samples), rate)
    src = audio.samples
    step = audio.rate / rate
    if step > 1.5:  # average neighbours first to limit aliasing
        width = round(step)
        acc = [0] * len(src)
        total = 0
        for i, s in enumerate(src):
            total += s
            if i >= width:
                total -= src[i - width]
            acc[i] = total // width
        src = array("h", acc)
    n = int(len(src) / step)
    last = len(src) - 1
    out = array("h", bytes(2 * n))
    for i in range(n):
        pos = i * step
        j = int(pos)
        frac = pos - j
        a = src[j]
        b = src[j + 1] if j < last else a
        out[i] = int(a + (b - a) * frac)
    return Audio(out, rate)


def trim(audio: Audio, threshold: float = 0.02, margin: float = 0.02) -> Audio:
    """Cut leading and trailing silence below ``threshold`` x full scale, keeping ``margin`` s."""
    limit = int(threshold * FULL_SCALE)
    s = audio.samples
    start = next((i for i, v in enumerate(s) if abs(v) > limit), None)
    if start is None:
        return Audio(array("h"), audio.rate)
    end = next(i for i in range(len(s) - 1, -1, -1) if abs(s[i]) > limit)
    keep = int(margin * audio.rate)
    return Audio(s[max(0, start - keep): end + 1 + keep], audio.rate)


def normalize(audio: Audio, peak: float = 0.8) -> Audio:
    """Scale so the loudest sample is ``peak`` x full scale (silence is left as is)."""
    top = audio.peak
    if not top:
        return audio
    gain = peak * FULL_SCALE / top
    return Audio(array("h", (int(v * gain) for v in audio.samples)), audio.rate)


def _bell(freq: float, seconds: float, rate: int) -> list[float]:
    """A soft bell-like tone: a few partials with a short attack and exponential decay."""
    partials = ((1.0, 1.0, 1.0), (2.0, 0.25, 1.6), (3.0, 0.08, 2.4))  # ratio, level, decay x
    attack = 0.006 * rate
    out = []
    for i in range(int(seconds * rate)):
        t = i / rate
        v = sum(
            level * math.exp(-t * 4.0 * dx) * math.sin(2 * math.pi * freq * ratio * t)
            for ratio, level, dx in partials
        )
        out.append(v * min(1.0, i / attack))
    return out


@lru_cache(maxsize=4)
def _chime_samples(rate: int) -> array:
    ding = _bell(659.25, 1.0, rate)  # E5
    dong = _bell(523.25, 1.4, rate)  # C5
    offset = int(0.42 * rate)
    mix = [0.0] * (offset + len(dong))
    for i, v in enumerate(ding):
        mix[i] += v
    for i, v in enumerate(dong):
        mix[offset + i] += v
    top = max(abs(v) for v in mix)
    return array("h", (int(v / top * 0.55 * FULL_SCALE) for v in mix))


def chime(rate: int = RATE) -> Audio:
    """A pleasant two-tone "ding-dong" (E5 then C5), about 1.8 s."""
    return Audio(array("h", _chime_samples(rate)), rate)


def _pcm16(frames: bytes, width: int) -> array:
    """Raw little-endian PCM of ``width`` bytes per sample -> signed 16-bit samples."""
    if width == 1:
        return array("h", ((b - 128) << 8 for b in frames))
    if width == 2:
        out = array("h", frames)
    elif width in (3, 4):
        hi = bytearray(len(frames) // width * 2)
        hi[0::2] = frames[width - 2::width]
        hi[1::2] = frames[width - 1::width]
        out = array("h", bytes(hi))
    else:
        raise AudioError(f"unsupported sample width {width * 8} bits")
    if sys.byteorder == "big":
        out.byteswap()
    return out


def _read_pcm(path: Path) -> Audio:
    with wave.open(str(path), "rb") as w:
        channels, width, rate = w.getnchannels(), w.getsampwidth(), w.getframerate()
        frames = w.readframes(w.getnframes())
    samples = _pcm16(frames, width)
    if channels > 1:
        chans = [samples[k::channels] for k in range(channels)]
        samples = array("h", (sum(t) // channels for t in zip(*chans, strict=False)))
    return Audio(samples, rate)


def read_wav(path: Path, rate: int = RATE) -> Audio:
    """Read any PCM WAV (8/16/24/32-bit, mono or stereo, any rate) as 16-bit mono at ``rate``.

    Formats the ``wave`` module cannot read (float, WAVE_FORMAT_EXTENSIBLE) are converted
    with sox when it is installed; otherwise :class:`AudioError` says how to re-export.
    """
    try:
        audio = _read_pcm(path)
    except (wave.Error, EOFError) as exc:
        sox = shutil.which("sox")
        if not sox:
            raise AudioError(
                f"{path.name}: cannot read this WAV ({exc}); save it as WAV 16-bit PCM"
            ) from None
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / "clip.wav"
            done = subprocess.run(
                [sox, str(path), "-b", "16", "-c", "1", "-r", str(rate), "-e", "signed", str(out)],
                capture_output=True, timeout=60, check=False,
            )
            if done.returncode:
                raise AudioError(
                    f"{path.name}: not a readable WAV file; save it as WAV 16-bit PCM"
                ) from None
            audio = _read_pcm(out)
    except OSError as exc:
        raise AudioError(f"{path.name}: cannot read ({exc.strerror or exc})") from None
    return resample(audio, rate)


def write_wav(path: Path, audio: Audio) -> None:
    """Write 16-bit mono WAV atomically (a temporary file renamed into place)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=".wav", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh, wave.open(fh, "wb") as w:
            w.setnchannels(1)
            w.setsampwidth(2)
            w.setframerate(audio.rate)
            data = audio.samples
            if sys.byteorder == "big":
                data = array("h", data)
                data.byteswap()
            w.writeframes(data.tobytes())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
