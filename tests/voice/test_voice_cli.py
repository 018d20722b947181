"""`motcua voice say|check` through click's CliRunner."""

import shutil
import wave

import pytest
from click.testing import CliRunner
from msgspec.structs import replace

from motcua.cli.voice import voice

needs_espeak = pytest.mark.skipif(shutil.which("espeak-ng") is None,
                                  reason="espeak-ng is not installed (apt install espeak-ng)")


class Root:
    """Stands in for the `motcua` root object: gives the loaded config."""

    def __init__(self, cfg):
        self.cfg = cfg

    def config(self):
        return self.cfg


def run(cfg, *args):
    return CliRunner().invoke(voice, list(args), obj=Root(cfg))


def with_voice(cfg, **changes):
    return replace(cfg, voice=replace(cfg.voice, **changes))


@needs_espeak
def test_say_writes_wav(demo_config, tmp_path):
    out = tmp_path / "out.wav"
    result = run(demo_config, "say", "1005", "3", "-o", str(out))
    assert result.exit_code == 0, result.output
    with wave.open(str(out)) as w:
        assert w.getframerate() == 22050 and w.getnframes() / 22050 > 5
    assert list((demo_config.data_path / "voice-cache").glob("*.wav"))


@needs_espeak
def test_say_counter_by_id_prints_cache_path(demo_config):
    result = run(demo_config, "say", "2001", "quay-2")
    assert result.exit_code == 0, result.output
    assert result.output.strip().endswith(".wav")


def test_say_text_only(demo_config):
    result = run(demo_config, "say", "1005", "3", "--text")
    assert result.exit_code == 0
    assert result.output == (
        "Xin mời công dân có số thứ tự một nghìn không trăm linh năm đến quầy số ba\n")
    assert not (demo_config.data_path / "voice-cache").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["say", "10?5", "3", "--text"], "like 1005 or A005"),
        (["say", "1005", "quay-99"], "unknown counter 'quay-99'"),
        (["say", "1005", "9"], "unknown counter '9' (known: 1 (quay-1), 2 (quay-2)"),
    ],
)
def test_say_bad_input_is_one_line(demo_config, args, message):
    result = run(demo_config, *args)
    assert result.exit_code == 1
    assert message in result.output
    assert "Traceback" not in result.output and result.exception.__class__ is SystemExit


def test_say_unwritable_output(demo_config, tmp_path):
    cfg = with_voice(demo_config, engine="none")
    result = run(cfg, "say", "1005", "3", "-o", str(tmp_path / "no" / "dir" / "x.wav"))
    assert result.exit_code == 1 and "cannot write" in result.output


@needs_espeak
def test_check_ok(demo_config):
    result = run(demo_config, "check")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("voice ok: espeak-ng voice vi")


def test_check_names_missing_clips(demo_config, clip_pack):
    folder = clip_pack(demo_config.voice.template, skip={"tu"})
    result = run(with_voice(demo_config, engine="clips", clips_dir=str(folder)), "check")
    assert result.exit_code == 1
    assert f"problem: missing voice clip {folder / 'tu.wav'}" in result.output
    assert "1 problem(s)" in result.output


def test_check_piper_without_model(demo_config):
    result = run(with_voice(demo_config, engine="piper"), "check")
    assert result.exit_code == 1
    assert "voice.piper_model is not set" in result.output


def test_say_piper_without_model_is_one_line(demo_config, tmp_path):
    cfg = with_voice(demo_config, engine="piper", piper_model="models/vi.onnx")
    result = run(cfg, "say", "1005", "3", "-o", str(tmp_path / "x.wav"))
    assert result.exit_code == 1
    assert result.output.strip() == (
        f"Error: Piper model not found: {demo_config.data_path / 'models' / 'vi.onnx'}")
