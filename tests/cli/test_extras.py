"""motcua.core.extras: a missing optional package is one line naming its extra and the command that
installs it."""

from __future__ import annotations

import json
import sys
from importlib import metadata

import pytest

from motcua.core import extras
from motcua.core.extras import EXTRAS, MissingExtra, require


def test_require_gives_the_module_when_installed() -> None:
    assert require("json", "postgres") is json


def test_a_missing_module_names_its_extra(monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, "psycopg", None)
    with pytest.raises(MissingExtra) as info:
        require("psycopg", "postgres")
    message = str(info.value)
    assert message.startswith("a PostgreSQL database needs the 'postgres' extra")
    assert "(no module 'psycopg')" in message and "\n" not in message
    assert isinstance(info.value, ImportError) and info.value.extra is EXTRAS["postgres"]


class _Dist:
    def __init__(self, direct_url: dict | None):
        self.direct_url = direct_url

    def read_text(self, name: str) -> str | None:
        return None if self.direct_url is None else json.dumps(self.direct_url)


@pytest.mark.parametrize(("direct_url", "expected"), [
    ({"url": "file:///home/it/motcua", "dir_info": {"editable": True}},
     "bin/pip install -e '/home/it/motcua[usb]'"),  # ./install.sh and dev: the checkout's venv
    ({"url": "file:///tmp/motcua-install-src", "dir_info": {}},
     "run 'sudo ./install.sh kiosk' again from the motcua checkout"),  # a centre machine
    (None, "run 'sudo ./install.sh kiosk' again"),
])
def test_the_install_command_fits_the_installation(monkeypatch, direct_url, expected) -> None:
    monkeypatch.setattr(metadata, "distribution", lambda name: _Dist(direct_url))
    assert expected in extras.install_command(EXTRAS["usb"])
