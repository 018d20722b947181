"""The remote-ticket keys (lấy số từ xa): off by default, the limits, address ranges checked and
named by their key, a field's own cap; ``motcua config check`` says what is set."""

from __future__ import annotations

from pathlib import Path

from config import load_config
from config.summary import summary
from tests.config.test_config import MINIMAL, problems, write


def test_off_by_default_with_safe_limits(tmp_path: Path) -> None:
    cfg = load_config(write(tmp_path, MINIMAL), env={})
    r = cfg.remote
    assert (r.enabled, r.per_phone_per_day, r.address_limit, r.networks) == (False, 2, 2, ())
    assert r.field_cap(cfg.fields[0]) == 0
    assert "remote tickets: off" in summary(cfg)


def test_limits_networks_and_a_fields_own_cap(tmp_path: Path) -> None:
    text = MINIMAL.replace('numbering = { prefix = "A", width = 3 }',
                           'numbering = { prefix = "A", width = 3 }\nremote_daily_cap = 7') + """
[remote]
enabled = true
per_phone_per_day = 1
per_address_per_day = 30
networks = ["192.168.1.7/24", "fd00::/8"]
daily_cap_per_field = 40
"""
    cfg = load_config(write(tmp_path, text), env={})
    r = cfg.remote
    assert r.networks == ("192.168.1.0/24", "fd00::/8") and r.address_limit == 30
    assert r.field_cap(cfg.fields[0]) == 7
    said = summary(cfg)
    assert "/lay-so from 192.168.1.0/24, fd00::/8; a day: 1 per phone, 30 per address" in said
    assert "not set: server.public_url" in said


def test_bad_keys_are_named(tmp_path: Path) -> None:
    text = MINIMAL + """
[remote]
per_phone_per_day = 0
networks = ["192.168.1.300/24"]
"""
    got = "\n".join(problems(tmp_path, text))
    assert "remote.per_phone_per_day" in got
    assert "remote.networks" in got and "192.168.1.300/24" in got
