"""Appointment check-in: a keypad for the six-digit booking code; a USB scanner types the QR
code's digits and Enter like a keyboard. The check-in itself is the controller's."""

from __future__ import annotations

from kivy.properties import BooleanProperty, StringProperty
from kivy.uix.screenmanager import Screen

from ..controller import Refused
from ..i18n import tr
from ..session import CodeEntry


class AppointmentScreen(Screen):
    shown = StringProperty("")
    message = StringProperty("")
    error = BooleanProperty(False)  # the message is a refusal
    busy = BooleanProperty(False)  # the code is being checked in

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.entry = CodeEntry()

    def start(self, lang: str) -> None:
        self.entry.clear()
        self.busy = False
        self.say(tr("Nhập mã lịch hẹn 6 chữ số hoặc quét mã QR", lang))

    def say(self, text: str, error: bool = False) -> None:
        self.message = text
        self.error = error
        self.shown = self.entry.shown

    def key(self, key: str) -> str | None:
        """A key of the pad or the keyboard: a digit, ``back``, ``clear`` or ``ok``; the code to
        check in when ``ok`` comes with all its digits."""
        if self.busy:
            return None
        if key == "ok":
            return self.entry.entered if self.entry.complete else None
        if key == "back":
            self.entry.back()
        elif key == "clear":
            self.entry.clear()
        else:
            self.entry.type(key)
        self.shown = self.entry.shown
        return None

    def refused(self, outcome: Refused, lang: str) -> None:
        """A wrong code (or the pause after too many): said here, the pad cleared for another."""
        self.busy = False
        self.entry.clear()
        self.say(outcome.text(lang), error=True)
