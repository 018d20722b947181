"""config/edit.py: a few keys written back into the file, its comments kept, the whole file
validated first, never over a file that changed since it was read."""

from __future__ import annotations

import difflib

import pytest

from config import ConfigError, load_config
from config.edit import StaleFile, edit_config, fingerprint
from tests.conftest import DEMO_CONFIG


@pytest.fixture
def path(tmp_path):
    p = tmp_path / "motcua.toml"
    p.write_text(DEMO_CONFIG.read_text(encoding="utf-8"), encoding="utf-8")
    return p


def test_values_change_and_everything_else_stays_as_it_was(path) -> None:
    before = path.read_text(encoding="utf-8").splitlines()
    cfg = edit_config(path, [(("appointments", "arrival", "grace_minutes"), 20),
                             (("remote", "networks"), ("10.0.0.0/16",)),
                             (("fields", "dat-dai", "appointments"), {"capacity": 2})])
    after = path.read_text(encoding="utf-8").splitlines()
    diff = sorted(line for line in difflib.ndiff(before, after) if line[:1] in "+-")
    assert diff == sorted([
        "- grace_minutes = 15            # until 15 minutes after it starts: then it is late",
        "+ grace_minutes = 20            # until 15 minutes after it starts: then it is late",
        '- networks = []                 # only from these address ranges, e.g. ["192.168.1.0/24"]; '
        "empty: anywhere",
        '+ networks = ["10.0.0.0/16"]    # only from these address ranges, e.g. ["192.168.1.0/24"]; '
        "empty: anywhere",
        "+ [fields.appointments]", "+ capacity = 2", "+ "])
    assert load_config(path) == cfg
    assert cfg.field("dat-dai").appointments.capacity == 2


def test_removing_a_key_gives_its_default(path) -> None:
    cfg = edit_config(path, [(("fields", "chung-thuc", "appointments"),
                              {"slot_minutes": 15, "capacity": 2, "days_ahead": 7})])
    assert cfg.field("chung-thuc").appointments.hours is None
    assert "[fields.appointments.hours]" not in path.read_text(encoding="utf-8")
    assert edit_config(path, [(("fields", "ho-tich", "appointments"), None)]).field(
        "ho-tich").appointments is None


def test_an_invalid_result_is_never_written(path) -> None:
    before = path.read_bytes()
    with pytest.raises(ConfigError) as info:
        edit_config(path, [(("fields", "ho-tich", "appointments"), {"capacity": 0}),
                           (("remote", "per_phone_per_day"), 3)])
    assert info.value.problems == [
        "fields[0].appointments.capacity: Input should be greater than or equal to 1"]
    with pytest.raises(KeyError):
        edit_config(path, [(("fields", "khong-co", "remote_daily_cap"), 1)])
    assert path.read_bytes() == before


def test_a_file_changed_since_it_was_read_is_not_overwritten(path) -> None:
    seen = fingerprint(path.read_bytes())
    path.write_text(path.read_text(encoding="utf-8") + "\n# sửa tay\n", encoding="utf-8")
    before = path.read_bytes()
    with pytest.raises(StaleFile):
        edit_config(path, [(("remote", "enabled"), False)], expected=seen)
    assert path.read_bytes() == before
    edit_config(path, [(("remote", "enabled"), False)], expected=fingerprint(before))
    assert path.read_text(encoding="utf-8").endswith("# sửa tay\n")
    assert [p.name for p in path.parent.iterdir()] == ["motcua.toml"]  # no temporary file left
