"""Admin: the PIN pad (digits only) reached by the hidden gesture, then leave the app."""

from __future__ import annotations

from kivy.properties import StringProperty
from kivy.uix.screenmanager import Screen

from ..i18n import tr
from ..session import PinPad


class AdminScreen(Screen):
    mode = StringProperty("pin")  # "pin", then "menu" once the PIN is right
    shown = StringProperty("")
    message = StringProperty("")
    status = StringProperty("")

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.pad = PinPad("")

    def start(self, pin: str, lang: str) -> None:
        self.pad = PinPad(pin)
        self.mode = "pin"
        self.shown = ""
        self.message = tr("Nhập mã quản trị", lang)

    def press(self, key: str, lang: str) -> bool:
        """A key of the pad; True when the PIN was right."""
        if key == "clear":
            self.pad.clear()
        elif key == "ok":
            if self.pad.check():
                self.mode = "menu"
                self.shown = ""
                return True
            self.message = tr("Sai mã, xin nhập lại", lang)
        else:
            self.pad.press(key)
        self.shown = self.pad.masked
        return False
