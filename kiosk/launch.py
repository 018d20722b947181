"""Put a kiosk together from the config: server client, printer, controller, window."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from config.procedures import ProcedureBook, ProceduresError, procedures_for
from config.schema import Config
from printer import PrinterError, open_printer

from .client import ServerClient
from .controller import KioskController
from .kivy_env import WindowSpec, default_size

log = logging.getLogger(__name__)

ISSUE_TIMEOUT_S = 4.0  # per attempt; the controller retries with the same request_id


class KioskSetupError(Exception):
    """The kiosk cannot start; the message is one English line naming what to fix."""


def device_token(config: Config) -> str:
    """The token of the ``[[devices]]`` entry named by ``kiosk.device_id``."""
    device_id = config.kiosk.device_id
    if not device_id:
        raise KioskSetupError(
            'kiosk.device_id is empty: set it to the id of a [[devices]] entry with kind = "kiosk"')
    device = next((d for d in config.devices if d.id == device_id), None)
    if device is None or device.kind != "kiosk":
        raise KioskSetupError(f"kiosk.device_id: no kiosk device {device_id!r} in [[devices]]")
    return device.token


def build_controller(config: Config) -> KioskController:
    """The controller with the configured server and printer (does not contact either)."""
    client = ServerClient(config.kiosk.server_url, device_token(config), timeout_s=ISSUE_TIMEOUT_S)
    try:
        printer = open_printer(config.printer, data_dir=config.data_path)
    except PrinterError as exc:
        raise KioskSetupError(f"printer: {exc}") from None
    return KioskController(config, client, printer)


def load_book(config: Config) -> ProcedureBook:
    try:
        return procedures_for(config)
    except ProceduresError as exc:
        raise KioskSetupError(str(exc)) from None


def window_spec(config: Config, *, fullscreen: bool | None = None, offscreen: bool = False,
                size: tuple[int, int] | None = None) -> WindowSpec:
    full = config.kiosk.fullscreen if fullscreen is None else fullscreen
    if offscreen:
        full = False
    return WindowSpec(fullscreen=full, size=size or default_size(config.kiosk.orientation),
                      offscreen=offscreen)


def make_app(config: Config, spec: WindowSpec, *, controller: KioskController | None = None,
             on_digit_key: Callable[[int], Any] | None = None, kivy_home: Path | None = None,
             **app_kwargs: Any) -> Any:
    """The (not yet running) :class:`~kiosk.app.KioskApp`; sets Kivy up first."""
    controller = controller or build_controller(config)
    book = load_book(config)
    from .kivy_env import prepare, register_fonts

    prepare(spec, kivy_home=kivy_home)
    try:
        register_fonts()
    except PrinterError as exc:  # FontMissing: DejaVu Sans is needed for Vietnamese
        raise KioskSetupError(str(exc)) from None
    from .app import KioskApp

    return KioskApp(config, controller, procedures=book, on_digit_key=on_digit_key,
                    fullscreen=spec.fullscreen, **app_kwargs)


def run_kiosk(config: Config, spec: WindowSpec, *,
              on_digit_key: Callable[[int], Any] | None = None) -> None:
    """Run the kiosk window until it is closed (from the admin screen)."""
    app = make_app(config, spec, on_digit_key=on_digit_key)
    log.info("kiosk %s for %s, server %s", config.kiosk.device_id, config.centre.name,
             config.kiosk.server_url)
    app.run()
