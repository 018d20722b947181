"""``motcua kiosk``: setup errors are one English line and exit status 1."""

from __future__ import annotations

from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from msgspec.structs import force_setattr, replace

from config import Config
from kiosk.launch import KioskSetupError, build_controller, device_token, window_spec
from motcua.cli.kiosk import kiosk


class _Ctx:
    def __init__(self, config: Config):
        self._config = config

    def config(self) -> Config:
        return self._config


def invoke(config: Config, *args: str):
    @click.group()
    @click.pass_context
    def root(ctx: click.Context) -> None:
        ctx.obj = _Ctx(config)

    root.add_command(kiosk)
    return CliRunner().invoke(root, ["kiosk", *args])


def one_line_error(result) -> str:
    assert result.exit_code == 1, result.output
    lines = [x for x in result.output.splitlines() if x.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: "), result.output
    assert "Traceback" not in result.output
    return lines[0]


def test_no_device_id(make_config):
    line = one_line_error(invoke(make_config(kiosk={"device_id": ""})))
    assert "kiosk.device_id is empty" in line


def test_bad_size(config):
    assert "--size" in one_line_error(invoke(config, "--size", "big"))


def test_missing_font(make_config):
    line = one_line_error(invoke(make_config(printer={"font": "nowhere/Font.ttf"})))
    assert line.startswith("error: printer: font file") and "Font.ttf" in line


def test_bad_procedures_file(tmp_path: Path, demo_config_text):
    from config import load_config

    cfg_path = tmp_path / "c.toml"
    cfg_path.write_text(demo_config_text, encoding="utf-8")
    (tmp_path / "c.procedures.toml").write_text('[[procedures]]\nfield = "x"\nname = "A"\n',
                                                encoding="utf-8")
    cfg = load_config(cfg_path, env={"MOTCUA_DATA_DIR": str(tmp_path / "data")})
    line = one_line_error(invoke(cfg, "--offscreen"))
    assert "c.procedures.toml: procedures[0].field: unknown field 'x'" in line


def test_help_lists_the_options(config):
    out = invoke(config, "--help").output
    for option in ("--fullscreen / --windowed", "--offscreen", "--size"):
        assert option in out


def test_the_device_token_comes_from_the_devices_list(config):
    assert device_token(config) == "demo-kiosk-1-token-not-secret"
    ctl = build_controller(config)
    assert ctl.server.base_url == config.kiosk.server_url
    assert ctl.server.http.headers["Authorization"] == "Bearer demo-kiosk-1-token-not-secret"


def test_a_rating_station_is_not_a_kiosk(make_config):
    cfg = make_config()  # set unchecked, as the config's own check refuses it
    force_setattr(cfg, "kiosk", replace(cfg.kiosk, device_id="danh-gia-1"))
    with pytest.raises(KioskSetupError, match="no kiosk device 'danh-gia-1'"):
        device_token(cfg)


def test_window_spec(make_config):
    cfg = make_config(kiosk={"orientation": "portrait", "fullscreen": True})
    spec = window_spec(cfg)
    assert spec.fullscreen and spec.size == (720, 1280)
    spec = window_spec(cfg, offscreen=True, size=(800, 480))
    assert not spec.fullscreen and spec.offscreen and spec.size == (800, 480)
    assert not window_spec(cfg, fullscreen=False).fullscreen
