"""Stdlib audio helpers: reading any PCM WAV, resampling, chime, writing."""

import math
import wave
from array import array

import pytest

from display_server.voice.audio import (
    RATE,
    Audio,
    AudioError,
    chime,
    concat,
    normalize,
    read_wav,
    resample,
    silence,
    trim,
    write_wav,
)


def _power(samples, rate, freq):
    """Goertzel power of ``freq`` in ``samples``."""
    k = 2 * math.cos(2 * math.pi * freq / rate)
    s1 = s2 = 0.0
    for x in samples:
        s1, s2 = x + k * s1 - s2, s1
    return s1 * s1 + s2 * s2 - k * s1 * s2


@pytest.mark.parametrize(
    ("rate", "channels", "width"),
    [(16000, 1, 2), (44100, 2, 2), (48000, 1, 3), (8000, 1, 1), (22050, 2, 4)],
)
def test_read_wav_converts_to_mono_16bit(tmp_path, tone, rate, channels, width):
    path = tone(tmp_path / "t.wav", 440, 0.5, rate, channels, width)
    audio = read_wav(path)
    assert audio.rate == RATE
    assert abs(audio.seconds - 0.6) < 0.01
    assert 0.45 * 32767 < audio.peak <= 0.52 * 32767
    middle = audio.samples[int(0.1 * RATE): int(0.5 * RATE)]
    assert _power(middle, RATE, 440) > 100 * _power(middle, RATE, 1000)


def test_unreadable_wav_is_a_clear_error(tmp_path):
    bad = tmp_path / "bad.wav"
    bad.write_bytes(b"RIFF0000WAVEjunk")
    with pytest.raises(AudioError, match="bad.wav"):
        read_wav(bad)


def test_trim_and_normalize():
    a = concat([silence(0.5), Audio(array("h", [1000, -2000, 1000] * 100)), silence(0.5)])
    t = trim(a, margin=0.0)
    assert len(t.samples) == 300
    assert normalize(t, 0.5).peak == int(0.5 * 32767)
    assert trim(silence(1)).samples == array("h")


def test_resample_length():
    a = Audio(array("h", range(1000)), 11025)
    assert len(resample(a, 22050).samples) == 2000
    assert resample(a, 22050).samples[201] in (100, 101)


def test_chime_is_ding_then_dong():
    c = chime()
    assert 1.5 < c.seconds < 2.2
    assert 0.4 * 32767 < c.peak < 0.7 * 32767
    ding = c.samples[: int(0.35 * RATE)]
    dong = c.samples[int(0.6 * RATE): int(1.0 * RATE)]
    assert _power(ding, RATE, 659.25) > 10 * _power(ding, RATE, 523.25)
    assert _power(dong, RATE, 523.25) > 10 * _power(dong, RATE, 659.25)


def test_write_wav_roundtrip(tmp_path):
    path = tmp_path / "sub" / "x.wav"
    write_wav(path, Audio(array("h", [0, 1, -1, 32767]), RATE))
    with wave.open(str(path)) as w:
        assert (w.getnchannels(), w.getsampwidth(), w.getframerate(), w.getnframes()) == (
            1, 2, RATE, 4)
    assert list(read_wav(path).samples) == [0, 1, -1, 32767]
    assert not list(tmp_path.glob("sub/.tmp-*"))
