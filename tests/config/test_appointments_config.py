"""The appointments keys: per field slot plans, the centre's arrival policy and retention."""

from __future__ import annotations

from pathlib import Path

import pytest

from config import load_config
from config.summary import summary
from tests.config.test_config import MINIMAL, ROOT, problems, write


def load(tmp_path: Path, text: str):
    return load_config(write(tmp_path, text), env={})


def test_no_appointments_by_default(tmp_path: Path) -> None:
    cfg = load(tmp_path, MINIMAL)
    assert cfg.fields[0].appointments is None
    a = cfg.appointments
    assert (a.retention_days, a.wrong_codes, a.arrival.after_grace, a.arrival.order) == (
        30, 3, "walk_in", "first")


def test_a_field_opts_in_with_defaults_and_office_hours(tmp_path: Path) -> None:
    cfg = load(tmp_path, MINIMAL + "\n[fields.appointments]\ncapacity = 4\n")
    plan = cfg.fields[0].appointments
    assert (plan.slot_minutes, plan.capacity, plan.days_ahead, plan.hours) == (15, 4, 14, None)
    assert cfg.slot_hours(cfg.fields[0]) == cfg.field_hours(cfg.fields[0])  # office hours
    assert "appointments 15 min x 4, 14 days ahead" in summary(cfg)


def test_bad_keys_are_named(tmp_path: Path) -> None:
    text = MINIMAL + """
[appointments]
retention_days = 0

[appointments.arrival]
after_grace = "forget"

[fields.appointments]
slot_minutes = 2
"""
    got = "\n".join(problems(tmp_path, text))
    assert "appointments.retention_days" in got
    assert "appointments.arrival.after_grace" in got
    assert "fields[0].appointments.slot_minutes" in got


def test_a_slot_longer_than_every_span_gives_no_slot(tmp_path: Path) -> None:
    """Not an error (a centre may close every day): the field offers no slot."""
    from datetime import date

    from motcua.core.appointments.slots import slot_times

    cfg = load(tmp_path, MINIMAL + """
[fields.appointments]
slot_minutes = 120
[fields.appointments.hours]
mon = ["07:30-09:00", "13:30-15:00"]
""")
    assert slot_times(cfg, cfg.fields[0], cfg.fields[0].appointments, date(2026, 11, 23)) == []


@pytest.mark.parametrize("name", ["demo.toml", "province.toml"])
def test_examples_take_appointments(name: str) -> None:
    cfg = load_config(ROOT / "config" / name, env={"MOTCUA_DATA_DIR": "/tmp"})
    assert any(f.appointments is not None for f in cfg.fields)
