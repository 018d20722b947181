"""Errors: an icon, a plain title and what to do, and the way back home."""

from __future__ import annotations

from kivy.properties import StringProperty
from kivy.uix.screenmanager import Screen

from ..controller import Refused
from . import theme


class ErrorScreen(Screen):
    kind = StringProperty("")
    icon = StringProperty("")
    title = StringProperty("")
    message = StringProperty("")

    def show(self, refused: Refused, lang: str) -> None:
        self.kind = refused.kind
        self.icon = theme.icon(theme.ERROR_ICONS.get(refused.kind, "warning"))
        self.title = refused.title(lang)
        self.message = refused.text(lang)
