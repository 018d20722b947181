"""Optional extras: which pip extra brings an optional package, and one clear error without it.

Each role installs only the extras it needs (``./install.sh ROLE``, see ``deploy/install-helper.py``),
so a module of an extra is imported only where it is used, through :func:`require`. A missing one
raises :class:`MissingExtra`, whose message is one line naming the extra and the command that
installs it; the CLI prints it instead of a traceback.
"""

from __future__ import annotations

import importlib
import json
import sys
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from types import ModuleType


@dataclass(frozen=True)
class Extra:
    name: str
    """The extra in pyproject.toml (``pip install 'motcua[NAME]'``)."""
    needed_for: str
    role: str
    """The ``install.sh`` role that installs it."""


EXTRAS = {
    "server": Extra("server", "the display server (gevent)", "server"),
    "postgres": Extra("postgres", "a PostgreSQL database", "server"),
    "usb": Extra("usb", "a USB ticket printer", "kiosk"),
    "serial": Extra("serial", "a serial ticket printer", "kiosk"),
    "kiosk": Extra("kiosk", "the kiosk window (Kivy)", "kiosk"),
    "gpio": Extra("gpio", "the GPIO pins of a Raspberry Pi (lgpio)", "rating-station"),
}


class MissingExtra(ImportError):
    """An optional package is not installed; the message names the extra and how to add it."""

    def __init__(self, extra: str, module: str = ""):
        self.extra = EXTRAS[extra]
        super().__init__(f"{self.extra.needed_for} needs the '{extra}' extra, which is not "
                         f"installed{f' (no module {module!r})' if module else ''}: "
                         f"{install_command(self.extra)}", name=module or None)


def require(module: str, extra: str) -> ModuleType:
    """Import ``module`` of ``extra``, or raise :class:`MissingExtra`."""
    try:
        return importlib.import_module(module)
    except ImportError:
        raise MissingExtra(extra, module) from None


def install_command(extra: Extra) -> str:
    """How to add ``extra`` to this installation: pip in a checkout's virtual environment,
    install.sh on a centre machine."""
    source = _editable_source()
    if source is not None:
        return f"{Path(sys.prefix) / 'bin' / 'pip'} install -e '{source}[{extra.name}]'"
    return f"run 'sudo ./install.sh {extra.role}' again from the motcua checkout"


def _editable_source() -> str | None:
    """The checkout motcua is installed from in editable mode (``./install.sh``, ``dev``)."""
    try:
        text = metadata.distribution("motcua").read_text("direct_url.json")
        info = json.loads(text or "{}")
    except (metadata.PackageNotFoundError, ValueError):
        return None
    url = info.get("url", "")
    if info.get("dir_info", {}).get("editable") and url.startswith("file://"):
        return url.removeprefix("file://")
    return None
