"""The Kivy app: screens that show what :class:`~kiosk.controller.KioskController` says.

Import this module only after :func:`kiosk.kivy_env.prepare` (Kivy reads its settings on
import). Network and printer work runs on worker threads; results come back to the UI thread
with ``Clock.schedule_once``.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from kivy.app import App
from kivy.clock import Clock
from kivy.core.window import Window
from kivy.lang import Builder
from kivy.properties import BooleanProperty, NumericProperty, StringProperty
from kivy.uix.screenmanager import NoTransition, ScreenManager

from config.procedures import ProcedureBook
from config.schema import Config

from .controller import (
    CODE_REFUSALS,
    Heartbeat,
    HomeState,
    Issued,
    KioskController,
    Outcome,
    Refused,
)
from .i18n import tr
from .screens import (
    AdminScreen,
    AppointmentScreen,
    ErrorScreen,
    HomeScreen,
    IssuingScreen,
    ProceduresScreen,
    ResultScreen,
)
from .session import CornerTaps, IdleTimer, LoneKeys, ScanReader

log = logging.getLogger(__name__)

KV_DIR = Path(__file__).resolve().parent / "kv"
KV_FILES = ("widgets", "home", "issuing", "result", "procedures", "error", "admin", "appointment")
ENTER_KEYS = (13, 271)  # Enter and the keypad's Enter (a barcode scanner ends a code with one)
BACKSPACE_KEY = 8
REFRESH_S = 10.0  # home screen figures
HEARTBEAT_S = 30.0
ERROR_SECONDS_MIN = 10  # error screens stay at least this long unless touched


def _libc() -> Any:
    import ctypes
    import ctypes.util

    name = ctypes.util.find_library("c")
    try:
        return ctypes.CDLL(name) if name else None
    except OSError:
        return None


_LIBC = _libc()


def release_memory() -> None:
    """Return the C heap's free pages to the system (glibc ``malloc_trim``): drawing tickets
    leaves freed heap behind (about 20 MB measured)."""
    with contextlib.suppress(AttributeError):  # not glibc
        _LIBC.malloc_trim(0)


class KioskApp(App):
    """One kiosk window. ``on_digit_key(digit)`` receives keys 1-4 (the demo's rating keys), each
    pressed alone: not the digits a USB scanner types in a burst (:class:`LoneKeys`)."""

    u = NumericProperty(5.0)  # 1% of the window's shorter side: every size is a multiple
    tu = NumericProperty(5.0)  # text unit: larger in portrait, where screens have room to grow
    lang = StringProperty("vi")
    priority = BooleanProperty(False)
    landscape = BooleanProperty(True)
    allow_priority = BooleanProperty(True)
    centre_name = StringProperty("")
    takes_appointments = BooleanProperty(False)  # a field takes bookings: the "Có lịch hẹn" button

    def __init__(self, config: Config, controller: KioskController, *,
                 procedures: ProcedureBook | None = None,
                 on_digit_key: Callable[[int], Any] | None = None,
                 fullscreen: bool = False, heartbeat_s: float = HEARTBEAT_S,
                 refresh_s: float = REFRESH_S, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.title = "motcua kiosk"
        self.cfg = config
        self.controller = controller
        self.procedures = procedures or ProcedureBook()
        self.on_digit_key = on_digit_key
        self.fullscreen = fullscreen
        self.refresh_s = refresh_s
        self.allow_priority = config.kiosk.allow_priority
        self.centre_name = config.centre.name
        self.takes_appointments = any(f.appointments is not None for f in config.fields)
        self.heartbeat = Heartbeat(self._beat, heartbeat_s)
        controller.on_fault = self.heartbeat.kick
        self.idle = IdleTimer(config.kiosk.idle_seconds, time.monotonic())
        self.taps = CornerTaps()
        self.scan = ScanReader()
        self.lone = LoneKeys()
        self.home_state: HomeState | None = None
        self.last_outcome: Outcome | None = None
        self.busy = False  # a ticket is being issued
        self._refreshing = False
        self._auto_home: Any = None
        self._may_close = not fullscreen

    # Kivy life cycle ----------------------------------------------------------------------
    def build(self) -> ScreenManager:
        for name in KV_FILES:
            Builder.load_file(str(KV_DIR / f"{name}.kv"))
        self._fit_window()
        Window.bind(size=lambda *_: self._fit_window())
        sm = ScreenManager(transition=NoTransition())
        self.screens = {
            "home": HomeScreen(name="home"),
            "issuing": IssuingScreen(name="issuing"),
            "result": ResultScreen(name="result"),
            "procedures": ProceduresScreen(name="procedures"),
            "error": ErrorScreen(name="error"),
            "admin": AdminScreen(name="admin"),
            "appointment": AppointmentScreen(name="appointment"),
        }
        for screen in self.screens.values():
            sm.add_widget(screen)
        self.screens["procedures"].setup(self.cfg, self.procedures)
        self.sm = sm
        # Until the server answers, show the fields from the config.
        self._show_home(self.controller.home_offline())
        return sm

    def on_start(self) -> None:
        Window.bind(on_key_down=self._on_key_down, on_request_close=self._on_request_close)
        Window.fbind("on_touch_down", self._on_any_touch)
        self.heartbeat.start()
        self.refresh()
        Clock.schedule_interval(lambda _dt: self.refresh(), self.refresh_s)
        Clock.schedule_interval(self._check_idle, 1.0)

    def on_stop(self) -> None:
        self.heartbeat.stop(timeout_s=1.0)

    def _beat(self) -> None:
        self.controller.send_heartbeat()
        release_memory()

    def _fit_window(self) -> None:
        w, h = Window.size
        self.landscape = w >= h
        self.u = min(w, h) / 100.0
        self.tu = self.u * (1.0 if self.landscape else 1.35)
        if self.home_state is not None and hasattr(self, "screens"):
            self._show_home(self.home_state)  # columns follow the orientation
        want_portrait = self.cfg.kiosk.orientation == "portrait"
        if self.fullscreen and want_portrait == self.landscape and Window.rotation == 0:
            # A screen mounted the other way round without the OS rotating it.
            Window.rotation = 90

    # Worker threads -----------------------------------------------------------------------
    def run_in_background(self, work: Callable[[], Any], done: Callable[[Any], None],
                          name: str = "kiosk-work") -> None:
        """Run ``work`` on a thread; call ``done(result)`` on the UI thread."""

        def run() -> None:
            try:
                result = work()
            except Exception as exc:  # noqa: BLE001 - shown as an error screen, not a crash
                log.exception("%s failed", name)
                result = Refused("refused", detail=f"{type(exc).__name__}: {exc}")
            Clock.schedule_once(lambda _dt: done(result), 0)

        threading.Thread(target=run, name=name, daemon=True).start()

    # Home -------------------------------------------------------------------------------
    def refresh(self) -> None:
        """Ask the server for the home screen figures, without blocking the UI."""
        if self._refreshing:
            return
        self._refreshing = True

        def done(state: object) -> None:
            self._refreshing = False
            if isinstance(state, HomeState):
                self._show_home(state)

        self.run_in_background(self.controller.home, done, "kiosk-refresh")

    def _show_home(self, state: HomeState) -> None:
        self.home_state = state
        self.screens["home"].show(state, self.lang, self.priority, self.landscape)

    def go_home(self, *_: object) -> None:
        """Back to the start, in Vietnamese, not in priority mode (the next citizen)."""
        self._cancel_auto_home()
        self.lang = "vi"
        self.priority = False
        if self.home_state is not None:
            self._show_home(self.home_state)
        self.sm.current = "home"
        self.idle.touch(time.monotonic())

    def toggle_language(self) -> None:
        self.lang = "en" if self.lang == "vi" else "vi"
        if self.home_state is not None:
            self._show_home(self.home_state)

    def toggle_priority(self) -> None:
        if not self.allow_priority:
            return
        self.priority = not self.priority
        if self.home_state is not None:
            self._show_home(self.home_state)

    def open_procedures(self, field_id: str = "") -> None:
        self.screens["procedures"].show(self.lang, field_id)
        self.sm.current = "procedures"

    # Issuing ------------------------------------------------------------------------------
    def pick_field(self, field_id: str) -> None:
        """A field was touched: issue (off the UI thread) and show the outcome."""
        if self.busy or self.sm.current != "home":
            return
        tile = self.home_state.tile(field_id) if self.home_state else None
        if tile is not None and not tile.open:
            self.show_outcome(self.controller.closed(field_id))
            return
        self.busy = True
        self.sm.current = "issuing"
        priority, lang = self.priority, self.lang

        def work() -> Outcome:
            return self.controller.issue(field_id, priority=priority, language=lang)

        def done(outcome: Outcome) -> None:
            self.busy = False
            self.show_outcome(outcome)
            self.refresh()

        self.run_in_background(work, done, "kiosk-issue")

    def show_outcome(self, outcome: Outcome) -> None:
        self.last_outcome = outcome
        self._cancel_auto_home()
        seconds = self.cfg.kiosk.result_seconds
        if isinstance(outcome, Issued):
            self.screens["result"].show(outcome, self.lang)
            self.sm.current = "result"
            if not outcome.printed:  # time to write the number down or photograph the QR
                seconds = max(seconds * 4, 30)
        else:
            self.screens["error"].show(outcome, self.lang)
            self.sm.current = "error"
            seconds = max(seconds, ERROR_SECONDS_MIN)
        self.idle.touch(time.monotonic())
        self._auto_home = Clock.schedule_once(lambda _dt: self.go_home(), seconds)

    # Appointments -------------------------------------------------------------------------
    def open_appointment(self) -> None:
        """The keypad for a booking's code ("Có lịch hẹn")."""
        if self.busy or not self.takes_appointments:
            return
        self._cancel_auto_home()
        self.screens["appointment"].start(self.lang)
        self.sm.current = "appointment"

    def appointment_key(self, key: str) -> None:
        """A key of the code pad (or the keyboard, or the scanner): checks in a complete code."""
        code = self.screens["appointment"].key(key)
        if code is not None:
            self.check_in(code)

    def check_in(self, code: str) -> None:
        """Check the code in (off the UI thread): its ticket, or the refusal on the pad."""
        if self.busy:
            return
        self.busy = True
        screen, lang = self.screens["appointment"], self.lang
        screen.busy = True
        screen.say(tr("Đang kiểm tra mã…", lang))

        def work() -> Outcome:
            return self.controller.check_in(code, language=lang)

        def done(outcome: Outcome) -> None:
            self.busy = False
            if isinstance(outcome, Refused) and outcome.kind in CODE_REFUSALS:
                screen.refused(outcome, self.lang)
                self.idle.touch(time.monotonic())
            else:
                screen.busy = False
                self.show_outcome(outcome)
                self.refresh()

        self.run_in_background(work, done, "kiosk-check-in")

    def scanned(self, code: str) -> None:
        """A booking code a USB scanner typed on the home screen: the code pad opens with it and
        checks it in, so the answer is the pad's, as if it had been typed there."""
        if self.busy or not self.takes_appointments or self.sm.current != "home":
            return
        self.open_appointment()
        for digit in code:
            self.appointment_key(digit)
        self.appointment_key("ok")

    def _cancel_auto_home(self) -> None:
        if self._auto_home is not None:
            self._auto_home.cancel()
            self._auto_home = None

    # Idle, keys, hidden exit ----------------------------------------------------------------
    def _on_any_touch(self, window: Any, touch: Any) -> bool:
        now = time.monotonic()
        self.idle.touch(now)
        if self.taps.tap(touch.x, touch.y, window.width, window.height, now):
            self.open_admin()
            return True
        return False

    def _check_idle(self, _dt: float) -> None:
        if self.busy or self._auto_home is not None:
            return
        if not self.idle.expired(time.monotonic()):
            return
        at_home = self.sm.current == "home"
        if not at_home or self.lang != "vi" or self.priority:
            log.info("idle: back to the home screen")
            self.go_home()

    def _on_key_down(self, _window: Any, key: int, _scancode: int, codepoint: str | None,
                     _modifiers: list) -> bool:
        self.lone.key(codepoint or "", time.monotonic())
        if self.sm.current == "appointment":  # the keyboard, or a scanner typing a QR code
            self.idle.touch(time.monotonic())
            if key in ENTER_KEYS:
                self.appointment_key("ok")
            elif key == BACKSPACE_KEY:
                self.appointment_key("back")
            elif codepoint:
                self.appointment_key(codepoint)
            return True
        if self.sm.current == "home" and self.takes_appointments:  # a scanner, without the pad
            now = time.monotonic()
            if key in ENTER_KEYS:
                code = self.scan.enter(now)
                if code is not None:
                    self.idle.touch(now)
                    self.scanned(code)
                    return True
            elif codepoint:
                self.scan.key(codepoint, now)
        if codepoint and codepoint in "1234" and len(codepoint) == 1:
            if self.on_digit_key is not None:  # once no other key follows it (not a scan)
                Clock.schedule_once(self._lone_key, self.lone.burst_s + 0.05)
            return True
        return False

    def _lone_key(self, _dt: float) -> None:
        """A rating key pressed alone reaches ``on_digit_key``; one of a burst never does."""
        digit = self.lone.due(time.monotonic())
        if digit is None or self.on_digit_key is None:
            return
        try:
            self.on_digit_key(int(digit))
        except Exception:  # noqa: BLE001 - a broken hook must not stop the kiosk
            log.exception("on_digit_key(%s) failed", digit)

    def _on_request_close(self, *_: object, **__: object) -> bool:
        return not self._may_close  # True blocks closing the fullscreen kiosk

    def open_admin(self) -> None:
        if not self.cfg.kiosk.admin_pin:
            log.warning("exit gesture seen, but kiosk.admin_pin is empty: leaving is disabled")
            return
        self._cancel_auto_home()
        self.screens["admin"].start(self.cfg.kiosk.admin_pin, self.lang)
        self.sm.current = "admin"

    def admin_key(self, key: str) -> None:
        screen = self.screens["admin"]
        if screen.press(key, self.lang):
            log.warning("admin PIN accepted on the kiosk")
            state = self.controller.printer.last_status
            screen.status = tr("Máy chủ: {server} | Máy in: {printer}", self.lang,
                               server="OK" if self.home_state and self.home_state.online else "?",
                               printer=state.value if state else "?")

    def exit_kiosk(self) -> None:
        log.warning("kiosk closed from the admin screen")
        self._may_close = True
        self.stop()

    # For the view ---------------------------------------------------------------------------
    def tr(self, message: str, lang: str, **values: object) -> str:
        """``message`` in ``lang`` (kv rules pass ``app.lang`` so they update on a switch)."""
        return tr(message, lang, **values)
