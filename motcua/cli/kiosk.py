"""``motcua kiosk``: the ticket kiosk window."""

from __future__ import annotations

import importlib.util
import logging
import sys

import click

from kiosk.kivy_env import parse_size
from motcua.core.extras import MissingExtra


def _fail(message: str) -> None:
    click.echo(f"error: {message}", err=True)
    sys.exit(1)


def device_config(server_url: str | None):
    """The config of the command line, with ``--server`` applied."""
    config = click.get_current_context().find_root().obj.config()
    if server_url is None:
        return config
    try:
        return config.with_server_url(server_url)
    except ValueError as exc:
        _fail(f"--server: {exc}")


@click.command("kiosk")
@click.option("--fullscreen/--windowed", default=None,
              help="Fullscreen (the kiosk) or a window (trying it out); default: kiosk.fullscreen.")
@click.option("--offscreen", is_flag=True,
              help="Render without a display (tests, CI); implies --windowed.")
@click.option("--size", metavar="WxH",
              help="Window size for --windowed/--offscreen, e.g. 800x480 or 1080x1920.")
@click.option("--server", "server_url", metavar="URL",
              help="The display server, e.g. http://192.168.1.10:8080 (default: kiosk.server_url).")
@click.option("-v", "--verbose", is_flag=True, help="Log more.")
def kiosk(fullscreen: bool | None, offscreen: bool, size: str | None, server_url: str | None,
          verbose: bool) -> None:
    """Run the touch kiosk that issues and prints tickets."""
    from kiosk.launch import KioskSetupError, run_kiosk, window_spec

    logging.basicConfig(level=logging.DEBUG if verbose else logging.INFO, stream=sys.stdout,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s", force=True)
    config = device_config(server_url)
    try:
        wanted = parse_size(size) if size else None
    except ValueError as exc:
        _fail(f"--size: {exc}")
    if importlib.util.find_spec("kivy") is None:  # not imported yet: Kivy reads settings on import
        _fail(str(MissingExtra("kiosk", "kivy")))
    try:
        run_kiosk(config, window_spec(config, fullscreen=fullscreen, offscreen=offscreen,
                                      size=wanted))
    except KioskSetupError as exc:
        _fail(str(exc))
