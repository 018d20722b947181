"""The rating station: buttons -> press filter -> durable outbox -> background sender.

Each press that the filter accepts is written to the outbox first (durable), then confirmed to the
citizen (LED blink / beep), then handed to the sender. ``press_key`` lets keys 1-3 (1-4 with the
neutral level) of the demo kiosk act as the buttons of the station's first counter, through the
same path.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from pathlib import Path

from gpiozero.pins import Factory

from config import Config, DeviceConfig
from kiosk.client import ServerClient

from .buttons import ButtonPanel, Confirmer, pin_factory
from .debounce import BOUNCE_S, LOCKOUT_S, PressFilter
from .outbox import Outbox, OutboxItem, utc_now
from .sender import DEFAULT_BACKOFF, Backoff, RatingClient, Sender

log = logging.getLogger(__name__)


class StationError(ValueError):
    """The config does not describe a usable rating station; the message says why."""


def rating_device(config: Config, device_id: str | None = None) -> DeviceConfig:
    """The rating station ``device_id``, or the first one in the config."""
    stations = [d for d in config.devices if d.kind == "rating_station"]
    if device_id is None:
        if not stations:
            raise StationError("the config has no device with kind = \"rating_station\"")
        device = stations[0]
    else:
        device = next((d for d in stations if d.id == device_id), None)
        if device is None:
            known = ", ".join(d.id for d in stations) or "none"
            raise StationError(f"no rating station {device_id!r} in [[devices]] (known: {known})")
    if not device.buttons:
        raise StationError(f"rating station {device.id!r} has no buttons")
    return device


def outbox_path(config: Config, device_id: str) -> Path:
    return config.data_path / f"rating-outbox-{device_id}.db"


class RatingStation:
    """One device's buttons for one or more counters, with its outbox and sender.

    ``pin_factory`` None means no GPIO at all (only :meth:`press_key`); ``client`` None means no
    sender (presses are only stored). ``monotonic`` drives the press filter; ``now`` stamps
    ``pressed_at`` (aware UTC).
    """

    def __init__(self, device: DeviceConfig, outbox: Outbox, client: RatingClient | None, *,
                 levels: Sequence[str], pin_factory: Factory | None = None,
                 bounce_s: float = BOUNCE_S, lockout_s: float = LOCKOUT_S,
                 monotonic: Callable[[], float] = time.monotonic,
                 now: Callable[[], datetime] = utc_now, backoff: Backoff = DEFAULT_BACKOFF,
                 heartbeat_s: float = 30.0, keep_sent: timedelta = timedelta(days=7)):
        self.device = device
        self.outbox = outbox
        self.levels = tuple(levels)
        self.now = now
        self.filter = PressFilter(bounce_s=bounce_s, lockout_s=lockout_s, clock=monotonic)
        self.sender = (Sender(outbox, client, backoff=backoff, heartbeat_s=heartbeat_s,
                              keep_sent=keep_sent) if client is not None else None)
        self._buttons = {b.pin: b for b in device.buttons}
        self._lock = threading.Lock()
        self.panel: ButtonPanel | None = None
        self.confirmer: Confirmer | None = None
        if pin_factory is not None:
            self.panel = ButtonPanel(self._buttons, pin_factory, self._edge)
            try:
                if device.led_pin is not None or device.buzzer_pin is not None:
                    self.confirmer = Confirmer(pin_factory, led_pin=device.led_pin,
                                               buzzer_pin=device.buzzer_pin)
            except Exception:
                self.panel.close()
                raise

    @classmethod
    def from_config(cls, config: Config, device_id: str | None = None, *, mock_pins: bool = False,
                    factory: Factory | None = None, client: RatingClient | None = None,
                    **options: object) -> RatingStation:
        """The station ``device_id`` (default: the first) with real or mock pins, the server
        client from ``kiosk.server_url`` and its outbox in the data directory."""
        device = rating_device(config, device_id)
        if factory is None:
            factory, _ = pin_factory(mock_pins)
        if client is None:
            client = ServerClient(config.kiosk.server_url, device.token)
        outbox = Outbox(outbox_path(config, device.id))
        try:
            return cls(device, outbox, client, pin_factory=factory,
                       levels=[lv.id for lv in config.ratings.effective_levels], **options)
        except Exception:
            outbox.close()
            raise

    # -- presses -----------------------------------------------------------------------------
    @property
    def first_counter(self) -> str:
        return self.device.buttons[0].counter

    def press_key(self, digit: int) -> bool:
        """Key ``digit`` (1 = first level in config order) as a button of the first counter."""
        if not 1 <= digit <= len(self.levels):
            return False
        return self._press(("key", digit), self.first_counter, self.levels[digit - 1], tap=True)

    def _edge(self, pin: int, pressed: bool) -> None:
        button = self._buttons[pin]
        self._press(pin, button.counter, button.level, pressed=pressed)

    def _press(self, button: object, counter: str, level: str, *, pressed: bool = True,
               tap: bool = False) -> bool:
        with self._lock:
            f = self.filter
            if not (f.tap(button, counter) if tap else f.edge(button, counter, pressed)):
                return False
            item = self._store(counter, level)
        if item is None:
            return False
        if self.confirmer is not None:
            self.confirmer.confirm()
        if self.sender is not None:
            self.sender.wake()
        return True

    def _store(self, counter: str, level: str) -> OutboxItem | None:
        try:
            item = self.outbox.add(counter, level, self.now())
        except Exception:  # noqa: BLE001 - log it loudly; the button thread must survive
            log.exception("could not store a press of %s / %s", counter, level)
            return None
        log.info("press %s: %s %s", item.rating_id, counter, level)
        return item

    # -- life cycle --------------------------------------------------------------------------
    def start(self) -> None:
        """Start delivering in the background."""
        if self.sender is not None:
            self.sender.start()

    def close(self, timeout: float = 10.0) -> None:
        """Stop the sender (after its request in flight), release the pins, close the outbox."""
        if self.sender is not None:
            self.sender.stop(timeout)
        if self.panel is not None:
            self.panel.close()
        if self.confirmer is not None:
            self.confirmer.close()
        self.outbox.close()

    def __enter__(self) -> RatingStation:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
