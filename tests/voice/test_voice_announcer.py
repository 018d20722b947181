"""Engines and announcements: espeak-ng, recorded clips, Piper (without a model), none."""

import shutil
import sys
import wave
from pathlib import Path

import pytest

from config.schema import VoiceConfig
from display_server.voice import Announcer, VoiceError
from display_server.voice.audio import RATE, chime
from display_server.voice.engines import (
    ClipsEngine,
    EspeakEngine,
    NullEngine,
    PiperEngine,
    make_engine,
)

needs_espeak = pytest.mark.skipif(shutil.which("espeak-ng") is None,
                                  reason="espeak-ng is not installed (apt install espeak-ng)")


def wav_info(path: Path) -> tuple[int, int, int, float]:
    with wave.open(str(path)) as w:
        return w.getnchannels(), w.getsampwidth(), w.getframerate(), w.getnframes() / w.getframerate()


class Counting(EspeakEngine):
    """espeak-ng that counts how often it is asked to speak."""

    calls = 0

    def synthesize(self, phrase):
        self.calls += 1
        return super().synthesize(phrase)


def test_factory_picks_engine(tmp_path):
    assert isinstance(make_engine(VoiceConfig()), EspeakEngine)
    clips = make_engine(VoiceConfig(engine="clips"), base_dir=tmp_path)
    assert isinstance(clips, ClipsEngine) and clips.clips_dir == tmp_path / "voice-clips"
    piper = make_engine(VoiceConfig(engine="piper", piper_model="m/vi.onnx"), base_dir=tmp_path)
    assert isinstance(piper, PiperEngine) and piper.model == tmp_path / "m" / "vi.onnx"
    assert isinstance(make_engine(VoiceConfig(engine="none")), NullEngine)


@needs_espeak
def test_espeak_announcement_is_real_and_cached(tmp_path):
    engine = Counting("vi", 160)
    announcer = Announcer(VoiceConfig(), tmp_path / "cache", engine=engine)
    path = announcer.announcement("1005", 3)
    channels, width, rate, seconds = wav_info(path)
    assert (channels, width, rate) == (1, 2, RATE)
    # chime + the phrase twice: each "Xin mời ... đến quầy số ba" takes seconds
    assert 6 < seconds < 25
    assert path.parent == tmp_path / "cache"
    mtime = path.stat().st_mtime_ns
    again = announcer.announcement("1005", 3)
    assert again == path and engine.calls == 1
    assert path.stat().st_mtime_ns == mtime
    other = announcer.announcement("1006", 3)
    assert other != path and engine.calls == 2


@needs_espeak
def test_espeak_repeat_and_chime_change_length(tmp_path):
    once = Announcer(VoiceConfig(repeat=1, chime=False), tmp_path).announcement("7", 1)
    twice = Announcer(VoiceConfig(repeat=2, chime=False), tmp_path).announcement("7", 1)
    chimed = Announcer(VoiceConfig(repeat=1, chime=True), tmp_path).announcement("7", 1)
    assert len({once, twice, chimed}) == 3
    s1, s2, s3 = (wav_info(p)[3] for p in (once, twice, chimed))
    assert s1 > 0.5
    assert s2 > 2 * s1 - 0.6
    assert s3 > s1 + chime().seconds


@needs_espeak
def test_espeak_check_ok_and_bad_voice(tmp_path):
    assert Announcer(VoiceConfig(), tmp_path).check() == []
    problems = Announcer(VoiceConfig(espeak_voice="xx-nope"), tmp_path).check()
    assert problems and "no voice 'xx-nope'" in problems[0]


def test_espeak_missing_binary(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    announcer = Announcer(VoiceConfig(), tmp_path / "cache")
    assert announcer.check() == ["espeak-ng is not installed (Debian: apt install espeak-ng)"]
    with pytest.raises(VoiceError, match="espeak-ng is not installed"):
        announcer.announcement("1005", 3)


def test_clips_announcement(tmp_path, clip_pack):
    voice = VoiceConfig(engine="clips", clips_dir=str(clip_pack(VoiceConfig().template)))
    announcer = Announcer(voice, tmp_path / "cache")
    assert announcer.check() == []
    path = announcer.announcement("1005", 3)
    channels, width, rate, seconds = wav_info(path)
    assert (channels, width, rate) == (1, 2, RATE)
    # 9 clips of 0.15 s (+ margins and gaps), twice, after the chime
    assert 2 * 9 * 0.15 + chime().seconds < seconds < 12
    mtime = path.stat().st_mtime_ns
    assert announcer.announcement("1005", 3) == path
    assert path.stat().st_mtime_ns == mtime


def test_clips_rerecorded_clip_makes_new_announcement(tmp_path, clip_pack, tone):
    folder = clip_pack(VoiceConfig().template)
    announcer = Announcer(VoiceConfig(engine="clips", clips_dir=str(folder)), tmp_path / "c")
    first = announcer.announcement("5", 2)
    tone(folder / "nam.wav", freq=500, seconds=0.3, rate=44100, channels=2)
    second = announcer.announcement("5", 2)
    assert second != first and wav_info(second)[3] > wav_info(first)[3]


def test_clips_check_names_missing_clips(tmp_path, clip_pack):
    folder = clip_pack(VoiceConfig().template, skip={"lam", "den-quay-so"})
    voice = VoiceConfig(engine="clips", clips_dir=str(folder))
    announcer = Announcer(voice, tmp_path / "cache", prefixes=["A"])
    problems = announcer.check()
    assert problems == [
        f"missing voice clip {folder / 'den-quay-so.wav'}",
        f"missing voice clip {folder / 'lam.wav'}",
        f"missing voice clip {folder / 'chu-a.wav'}",
    ]
    with pytest.raises(VoiceError, match=r"missing voice clips in .*: den-quay-so.wav"):
        announcer.announcement("1005", 3)
    # a call that needs none of the missing clips still works
    with pytest.raises(VoiceError, match="lam.wav"):
        announcer.announcement("15", 3)


def test_clips_folder_missing(tmp_path):
    voice = VoiceConfig(engine="clips", clips_dir=str(tmp_path / "nowhere"))
    announcer = Announcer(voice, tmp_path / "cache")
    assert announcer.check() == [f"voice clips folder not found: {tmp_path / 'nowhere'}"
                                 " (voice.clips_dir)"]
    with pytest.raises(VoiceError, match="no voice clips in"):
        announcer.announcement("1", 1)


def test_piper_without_model_setting(tmp_path):
    announcer = Announcer(VoiceConfig(engine="piper"), tmp_path / "cache")
    problems = announcer.check()
    assert problems[0].startswith("voice.piper_model is not set")
    with pytest.raises(VoiceError, match="piper_model is not set"):
        announcer.announcement("1005", 3)


def test_piper_model_file_missing(tmp_path):
    voice = VoiceConfig(engine="piper", piper_model="vi_VN-vais1000-medium.onnx")
    announcer = Announcer(voice, tmp_path / "cache", base_dir=tmp_path)
    model = tmp_path / "vi_VN-vais1000-medium.onnx"
    assert announcer.check()[0] == f"Piper model not found: {model}"
    with pytest.raises(VoiceError, match="Piper model not found"):
        announcer.announcement("1005", 3)
    model.write_bytes(b"not really onnx")
    assert announcer.check()[0] == f"Piper model config not found: {model}.json"


def test_piper_not_installed(tmp_path, monkeypatch):
    model = tmp_path / "vi.onnx"
    model.write_bytes(b"x")
    Path(f"{model}.json").write_text("{}")
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    monkeypatch.setattr(PiperEngine, "_module", staticmethod(lambda: None))
    engine = PiperEngine(model)
    assert engine.check() == ["Piper is not installed: install the piper-tts Python package"
                              " or put the 'piper' program on PATH"]
    with pytest.raises(VoiceError, match="Piper is not installed"):
        engine.synthesize(Announcer(VoiceConfig(), tmp_path).phrase("1", 1))


FAKE_PIPER = """#!{python}
import math, struct, sys, wave
args = sys.argv[1:]
assert args[args.index("--model") + 1].endswith("vi.onnx")
out = args[args.index("--output_file") + 1]
text = sys.stdin.read()
with open(out + ".txt", "w", encoding="utf-8") as fh:
    fh.write(text)
with wave.open(out, "wb") as w:
    w.setnchannels(1); w.setsampwidth(2); w.setframerate(16000)
    w.writeframes(b"".join(struct.pack("<h", int(8000 * math.sin(i / 5))) for i in range(16000)))
"""


def test_piper_program_is_called_with_model(tmp_path, monkeypatch):
    model = tmp_path / "vi.onnx"
    model.write_bytes(b"x")
    Path(f"{model}.json").write_text("{}")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake = bin_dir / "piper"
    fake.write_text(FAKE_PIPER.format(python=sys.executable))
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", str(bin_dir))
    monkeypatch.setattr(PiperEngine, "_module", staticmethod(lambda: None))
    voice = VoiceConfig(engine="piper", piper_model=str(model), chime=False, repeat=1)
    announcer = Announcer(voice, tmp_path / "cache")
    assert announcer.check() == []
    path = announcer.announcement("1005", 3)
    assert 1.0 < wav_info(path)[3] < 2.0


def test_piper_module_is_preferred(tmp_path, monkeypatch):
    model = tmp_path / "vi.onnx"
    model.write_bytes(b"x")
    Path(f"{model}.json").write_text("{}")
    said = []

    class FakeVoice:
        @classmethod
        def load(cls, path, config_path=None):
            assert path == str(model) and config_path == f"{model}.json"
            return cls()

        def synthesize_wav(self, text, wav):
            said.append(text)
            wav.setnchannels(1)
            wav.setsampwidth(2)
            wav.setframerate(22050)
            wav.writeframes(b"\x00\x40" * 22050)

    monkeypatch.setattr(PiperEngine, "_module", staticmethod(lambda: FakeVoice))
    announcer = Announcer(VoiceConfig(engine="piper", piper_model=str(model)), tmp_path / "c")
    announcer.announcement("A005", 2)
    assert said == ["Xin mời công dân có số thứ tự A, không, không, năm đến quầy số hai"]


def test_none_engine_gives_chime_only(tmp_path):
    announcer = Announcer(VoiceConfig(engine="none"), tmp_path)
    assert not announcer.enabled and announcer.check() == []
    seconds = wav_info(announcer.announcement("1005", 3))[3]
    assert chime().seconds < seconds < chime().seconds + 1.5


@pytest.mark.parametrize(("number", "counter"), [("10?5", 3), ("", 3), ("1005", -1)])
def test_bad_call_is_voice_error(tmp_path, number, counter):
    with pytest.raises(VoiceError):
        Announcer(VoiceConfig(engine="none"), tmp_path).announcement(number, counter)


def test_phrase_text_uses_config(tmp_path):
    voice = VoiceConfig(template="Mời số {number} tới quầy {counter}", number_reading="digits")
    assert Announcer(voice, tmp_path).phrase_text("2010", 15) == (
        "Mời số hai, không, một, không tới quầy mười lăm")


def test_from_config_paths_and_prefixes(demo_config):
    announcer = Announcer.from_config(demo_config)
    assert announcer.cache_dir == demo_config.data_path / "voice-cache"
    assert announcer.prefixes == ()


def test_prune_keeps_cache_under_cap(tmp_path):
    announcer = Announcer(VoiceConfig(engine="none", chime=False), tmp_path, cache_max_bytes=1)
    first = announcer.announcement("1", 1)
    second = announcer.announcement("2", 1)
    assert second.exists() and not first.exists()


def test_clips_timing_gaps_and_pauses(clip_pack):
    from display_server.voice.engines import CLIP_GAP_S, PAUSE_S
    from display_server.voice.phrase import build_phrase

    engine = ClipsEngine(clip_pack("{number}", ["B"]), "{number}", ["B"])
    phrase = build_phrase("{number}", "B07", 1)  # chu-b , khong , bay
    clip = 0.15 + 2 * 0.02  # tone + trim margins
    expected = 3 * clip + 2 * PAUSE_S + 2 * CLIP_GAP_S
    assert abs(engine.synthesize(phrase).seconds - expected) < 0.02
