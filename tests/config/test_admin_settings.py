"""The admin's settings file (config/admin_settings.py, config/admin_save.py): merged over the
config file at load, key by key (the admin's value wins); ignored with a warning when it cannot
be read, sets keys the admin page does not set or makes the config invalid; written whole and at
once, only with the values that differ from the config file's, the result validated first, never
over files that changed since they were read."""

from __future__ import annotations

import logging
import tomllib

import pytest

from config import ConfigError, load_config
from config.admin_save import StaleFile, fingerprint, reset_settings, save_settings
from config.admin_settings import FILE_NAME
from config.loader import load_layers
from config.schema import as_data
from config.summary import summary
from tests.conftest import DEMO_CONFIG


@pytest.fixture
def path(tmp_path):
    p = tmp_path / "etc" / "motcua.toml"
    p.parent.mkdir()
    p.write_text(DEMO_CONFIG.read_text(encoding="utf-8"), encoding="utf-8")
    return p


@pytest.fixture
def env(tmp_path):
    (tmp_path / "data").mkdir()
    return {"MOTCUA_DATA_DIR": str(tmp_path / "data")}


@pytest.fixture
def settings(tmp_path):
    return tmp_path / "data" / FILE_NAME


def test_the_admins_values_win_key_by_key(path, env, settings) -> None:
    settings.write_text(
        "[appointments.arrival]\ngrace_minutes = 20\n"
        "[remote]\nnetworks = ['10.0.0.0/16']\n"
        "[fields.dat-dai]\nappointments = { capacity = 2 }\nremote_daily_cap = 4\n"
        "[fields.ho-tich]\nappointments = false\n", encoding="utf-8")
    main, cfg = load_layers(path, env=env)
    assert main.admin is None and main.appointments.arrival.grace_minutes == 15
    assert cfg.appointments.arrival.grace_minutes == 20
    assert cfg.appointments.arrival.early_minutes == 30  # the file's, beside it
    assert cfg.remote.networks == ("10.0.0.0/16",) and cfg.remote.enabled is True
    assert cfg.field("dat-dai").appointments.capacity == 2
    assert cfg.field("dat-dai").remote_daily_cap == 4
    assert cfg.field("ho-tich").appointments is None  # false: no booking
    assert cfg.admin.path == settings and cfg.admin.problems == ()
    assert cfg.admin.keys == ("appointments.arrival.grace_minutes", "remote.networks",
                              "fields.dat-dai.appointments", "fields.dat-dai.remote_daily_cap",
                              "fields.ho-tich.appointments")
    assert load_config(path, env=env) == cfg
    text = summary(cfg)
    assert (f"  admin settings: {settings} sets appointments.arrival.grace_minutes, "
            "remote.networks, ") in text


@pytest.mark.parametrize(("text", "problem"), [
    ("[queue]\nmax_waiting = 3\n", "queue: not a key the admin page sets"),
    ("[appointments]\nwrong_codes = 9\n", "appointments.wrong_codes: not a key the admin page sets"),
    ("[fields.ho-tich]\nname = 'Khác'\n", "fields.ho-tich.name: not a key the admin page sets"),
    ("[fields.khong-co]\nremote_daily_cap = 1\n", "fields.khong-co: no field 'khong-co' in the config file"),
    ("[remote]\nper_phone_per_day = 0\n",
     "remote.per_phone_per_day: Expected `int` >= 1"),
    ("[remote\n", "not valid TOML"),
])
def test_an_invalid_settings_file_is_ignored_with_a_warning(path, env, settings, caplog, text,
                                                             problem) -> None:
    settings.write_text(text, encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="config.loader"):
        cfg = load_config(path, env=env)
    assert as_data(cfg) == as_data(load_layers(path, env=env)[0])  # the file's values
    assert any(p.startswith(problem) for p in cfg.admin.problems), cfg.admin.problems
    assert f"{settings}: ignored, the values of {path} apply" in caplog.text
    assert f"  admin settings: {settings} is ignored ({problem}" in summary(cfg)


def test_an_unreadable_settings_file_never_stops_the_server(path, env, settings, caplog) -> None:
    settings.mkdir()  # reading it fails
    cfg = load_config(path, env=env)
    assert cfg.admin.problems and cfg.appointments.arrival.grace_minutes == 15
    assert "ignored" in caplog.text


def test_no_settings_file_is_said_in_the_summary(path, env, settings) -> None:
    cfg = load_config(path, env=env)
    assert cfg.admin is None
    assert f"  admin settings: none ({settings} does not exist)" in summary(cfg)


def test_only_values_that_differ_from_the_config_file_are_kept(path, env, settings) -> None:
    before = path.read_bytes()
    cfg = save_settings(path, settings, [
        (("appointments", "arrival", "grace_minutes"), 20),
        (("appointments", "retention_days"), 30),  # the file's value
        (("remote", "networks"), ("10.0.0.0/16",)),
        (("fields", "ho-tich", "appointments"), {"slot_minutes": 30, "capacity": 3, "days_ahead": 14}),
        (("fields", "chung-thuc", "appointments"), None),
        (("fields", "dat-dai", "remote_daily_cap"), None)], env=env)
    assert path.read_bytes() == before
    assert tomllib.loads(settings.read_text(encoding="utf-8")) == {
        "appointments": {"arrival": {"grace_minutes": 20}}, "remote": {"networks": ["10.0.0.0/16"]},
        "fields": {"chung-thuc": {"appointments": False}}}
    assert settings.read_text(encoding="utf-8").startswith("# Written by the admin page")
    assert settings.stat().st_mode & 0o777 == 0o640
    assert as_data(load_config(path, env=env)) == as_data(cfg)
    assert [p.name for p in settings.parent.iterdir()] == [FILE_NAME]  # no temporary file left

    save_settings(path, settings, [(("appointments", "arrival", "grace_minutes"), 15)], env=env)
    assert "appointments" not in tomllib.loads(settings.read_text(encoding="utf-8"))
    reset_settings(path, settings, ("remote",), env=env)
    reset_settings(path, settings, ("fields", "chung-thuc"), env=env)
    assert not settings.exists()  # nothing left to set
    assert load_config(path, env=env).admin is None


def test_an_invalid_result_is_never_written(path, env, settings) -> None:
    settings.write_text("[remote]\nper_phone_per_day = 3\n", encoding="utf-8")
    before = settings.read_bytes()
    with pytest.raises(ConfigError) as info:
        save_settings(path, settings, [(("fields", "ho-tich", "appointments"), {"capacity": 0}),
                                       (("remote", "per_phone_per_day"), 4)], env=env)
    assert info.value.problems == [
        "fields[0].appointments.capacity: Expected `int` >= 1"]
    with pytest.raises(ConfigError, match="no field 'khong-co'"):
        save_settings(path, settings, [(("fields", "khong-co", "remote_daily_cap"), 1)], env=env)
    assert settings.read_bytes() == before


def test_files_changed_since_they_were_read_are_not_overwritten(path, env, settings) -> None:
    seen = fingerprint(path, settings)
    path.write_text(path.read_text(encoding="utf-8") + "\n# sửa tay\n", encoding="utf-8")
    with pytest.raises(StaleFile):
        save_settings(path, settings, [(("remote", "enabled"), False)], expected=seen, env=env)
    assert not settings.exists()
    seen = fingerprint(path, settings)
    save_settings(path, settings, [(("remote", "enabled"), False)], expected=seen, env=env)
    with pytest.raises(StaleFile):
        reset_settings(path, settings, ("remote",), expected=seen, env=env)
    assert load_config(path, env=env).remote.enabled is False
    assert path.read_text(encoding="utf-8").endswith("# sửa tay\n")
