"""``motcua rating-station``: run one rating station until SIGTERM or Ctrl-C."""

from __future__ import annotations

import logging
import signal
import sqlite3
import sys
import threading
from typing import NoReturn

import click

log = logging.getLogger("kiosk.rating")


def _fail(message: str) -> NoReturn:
    click.echo(f"error: {message}", err=True)
    sys.exit(1)


@click.command("rating-station")
@click.option("--device", "device_id", metavar="ID",
              help="Rating station id in [[devices]] (default: the first rating_station).")
@click.option("--mock-pins", is_flag=True,
              help="Use gpiozero's mock pins (the default when this machine has no GPIO).")
@click.option("--retry-dead", is_flag=True,
              help="Send again the ratings the server refused (after fixing the config).")
@click.option("--server", "server_url", metavar="URL",
              help="The display server, e.g. http://192.168.1.10:8080 (default: kiosk.server_url).")
def rating_station(device_id: str | None, mock_pins: bool, retry_dead: bool,
                   server_url: str | None) -> None:
    """Run a rating station: GPIO buttons -> local outbox -> server."""
    from gpiozero.exc import GPIOZeroError

    from kiosk.rating.buttons import pin_factory
    from kiosk.rating.station import RatingStation, StationError, outbox_path, rating_device

    from .kiosk import device_config

    if not logging.getLogger().handlers:
        logging.basicConfig(level=logging.INFO, stream=sys.stdout,
                            format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    config = device_config(server_url)
    try:
        device = rating_device(config, device_id)
    except StationError as exc:
        _fail(str(exc))
    factory, is_mock = pin_factory(mock_pins)
    try:
        station = RatingStation.from_config(config, device.id, factory=factory)
    except GPIOZeroError as exc:
        _fail(f"GPIO of device {device.id!r}: {exc} (check its pins in [[devices]])")
    except (OSError, sqlite3.Error) as exc:
        _fail(f"cannot open the outbox {outbox_path(config, device.id)}: {exc}")
    if retry_dead:
        log.info("requeued %d refused ratings", station.outbox.requeue_dead())

    stop = threading.Event()
    # both signals only set the event: a KeyboardInterrupt raised between two statements
    # (say, just after the "ready" line) would escape to click and exit 1
    previous = {sig: signal.signal(sig, lambda *_: stop.set())
                for sig in (signal.SIGTERM, signal.SIGINT)}
    station.start()
    pins = ", ".join(f"{b.pin}={b.counter}/{b.level}" for b in station.device.buttons)
    log.info("rating station %s ready (%s pins: %s); server %s; outbox %s (%d waiting)",
             station.device.id, "mock" if is_mock else "GPIO", pins, config.kiosk.server_url,
             station.outbox.path, station.outbox.backlog())
    try:
        while not stop.wait(1.0):
            pass
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        log.info("stopping rating station %s", station.device.id)
        station.close()
        log.info("rating station stopped")
