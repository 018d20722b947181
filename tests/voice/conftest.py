"""Shared helpers for the voice tests: synthetic WAVs and clip packs."""

from __future__ import annotations

import math
import struct
import wave
from pathlib import Path

import pytest

from config import load_config
from display_server.voice.clips import required_clips

DEMO = Path(__file__).resolve().parents[2] / "config" / "demo.toml"


def write_tone(path: Path, freq: float = 440.0, seconds: float = 0.3, rate: int = 16000,
               channels: int = 1, width: int = 2, level: float = 0.5) -> Path:
    """A sine WAV with 50 ms of silence on both ends (so trimming has work to do)."""
    pad = int(0.05 * rate)
    n = int(seconds * rate)
    top = 2 ** (8 * width - 1) - 1
    frames = bytearray()
    for i in range(pad + n + pad):
        v = level * math.sin(2 * math.pi * freq * i / rate) if pad <= i < pad + n else 0.0
        sample = int(v * top)
        if width == 1:
            raw = struct.pack("<B", sample + 128)
        elif width == 2:
            raw = struct.pack("<h", sample)
        else:
            raw = sample.to_bytes(width, "little", signed=True)
        frames += raw * channels
    with wave.open(str(path), "wb") as w:
        w.setnchannels(channels)
        w.setsampwidth(width)
        w.setframerate(rate)
        w.writeframes(bytes(frames))
    return path


@pytest.fixture
def tone():
    """The :func:`write_tone` helper."""
    return write_tone


@pytest.fixture
def clip_pack(tmp_path: Path):
    """Make a clip pack for ``template`` and ``prefixes``: one short tone per clip."""

    def make(template: str, prefixes=(), skip=()) -> Path:
        folder = tmp_path / "clips"
        folder.mkdir(exist_ok=True)
        for i, name in enumerate(required_clips(template, prefixes)):
            if name not in skip:
                write_tone(folder / f"{name}.wav", freq=300 + 20 * i, seconds=0.15)
        return folder

    return make


@pytest.fixture
def demo_config(tmp_path: Path, monkeypatch):
    """The demo config with its data directory in a temporary folder."""
    monkeypatch.setenv("MOTCUA_DATA_DIR", str(tmp_path / "data"))
    return load_config(DEMO)
