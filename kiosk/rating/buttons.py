"""The GPIO layer of a rating station: gpiozero buttons in, an LED and/or buzzer out.

Pins are BCM numbers from the config. Buttons connect a GPIO to ground and use the Pi's internal
pull-up (pressed = low). The pin factory is pluggable as in gpiozero itself: the real one on a
Raspberry Pi, gpiozero's :class:`~gpiozero.pins.mock.MockFactory` in tests, in ``motcua demo`` and
on machines without GPIO. This layer reports raw edges only; :mod:`kiosk.rating.debounce` decides.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Callable, Iterable
from pathlib import Path

from gpiozero import LED, Button, Buzzer, Device
from gpiozero.pins import Factory
from gpiozero.pins.mock import MockFactory

from motcua.core.extras import require

log = logging.getLogger(__name__)

EdgeHandler = Callable[[int, bool], None]
"""Called with ``(bcm_pin, pressed)`` on every change of a button's state."""


def pin_factory(mock: bool = False) -> tuple[Factory, bool]:
    """The real pin factory when this machine has GPIO (and ``mock`` is False), else a mock one.

    Returns ``(factory, is_mock)``.
    """
    if not mock:
        if is_raspberry_pi():
            require("lgpio", "gpio")  # else every button would be a mock pin, silently dead
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # gpiozero warns once per factory it cannot load
                Device.ensure_pin_factory()
            return Device.pin_factory, False
        except Exception as exc:  # noqa: BLE001 - BadPinFactory, ImportError, OSError...
            log.warning("no GPIO on this machine (%s): using mock pins, so no physical button "
                        "will work; on a Raspberry Pi install lgpio in the venv", exc)
    return MockFactory(), True


def is_raspberry_pi(model_file: Path = Path("/proc/device-tree/model")) -> bool:
    """True on a Raspberry Pi (its device tree names the model)."""
    try:
        return model_file.read_bytes().startswith(b"Raspberry Pi")
    except OSError:
        return False


class ButtonPanel:
    """One gpiozero :class:`~gpiozero.Button` per pin, pull-up, no gpiozero debounce."""

    def __init__(self, pins: Iterable[int], factory: Factory, on_edge: EdgeHandler):
        self.buttons: dict[int, Button] = {}
        try:
            for pin in pins:
                button = Button(pin, pull_up=True, bounce_time=None, pin_factory=factory)
                button.when_pressed = _bind(on_edge, pin, True)
                button.when_released = _bind(on_edge, pin, False)
                self.buttons[pin] = button
        except Exception:
            self.close()
            raise

    def close(self) -> None:
        for button in self.buttons.values():
            button.close()
        self.buttons.clear()


def _bind(on_edge: EdgeHandler, pin: int, pressed: bool) -> Callable[[], None]:
    def fire() -> None:
        on_edge(pin, pressed)

    return fire


class Confirmer:
    """Tells the citizen a press was recorded: one LED blink and/or one short beep."""

    def __init__(self, factory: Factory, *, led_pin: int | None = None,
                 buzzer_pin: int | None = None, blink_s: float = 0.4, beep_s: float = 0.12):
        self.blink_s = blink_s
        self.beep_s = beep_s
        self.led = LED(led_pin, pin_factory=factory) if led_pin is not None else None
        try:
            self.buzzer = Buzzer(buzzer_pin, pin_factory=factory) if buzzer_pin is not None else None
        except Exception:
            if self.led is not None:
                self.led.close()
            raise

    def confirm(self) -> None:
        """Blink and beep once, in the background."""
        try:
            if self.led is not None:
                self.led.blink(on_time=self.blink_s, off_time=0.05, n=1, background=True)
            if self.buzzer is not None:
                self.buzzer.beep(on_time=self.beep_s, off_time=0.05, n=1, background=True)
        except Exception:  # noqa: BLE001 - feedback must never lose a rating
            log.exception("press confirmation failed")

    def close(self) -> None:
        for device in (self.led, self.buzzer):
            if device is not None:
                device.close()
