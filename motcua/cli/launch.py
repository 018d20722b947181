"""The ``motcua`` console script's first step: ``motcua server`` patches the standard library
for gevent before any other module is imported (:mod:`display_server.green`), then the click
command line runs as for every other subcommand."""

from __future__ import annotations

import sys

SERVING = ("server",)
"""Subcommands that serve HTTP with gevent."""
VALUED_OPTIONS = ("--config",)
"""The top-level options that take a value (``motcua --config FILE server``)."""


def subcommand(argv: list[str]) -> str | None:
    """The subcommand in ``argv`` (the arguments after the program's name), or None."""
    skip = False
    for arg in argv:
        if skip:
            skip = False
        elif arg in VALUED_OPTIONS:
            skip = True
        elif not arg.startswith("-"):
            return arg
    return None


def main() -> None:
    if subcommand(sys.argv[1:]) in SERVING:
        from display_server.green import patch

        try:
            patch()
        except ImportError as exc:  # MissingExtra: one line naming the extra
            sys.exit(f"error: {exc}")
    from .main import main as run

    run()
