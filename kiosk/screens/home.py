"""Home: one big button per field, the priority button, procedures, language."""

from __future__ import annotations

import math

from kivy.properties import BooleanProperty, StringProperty
from kivy.uix.screenmanager import Screen

from ..controller import FieldTile, HomeState
from ..i18n import format_wait, hours_line, keep_together, printer_banner, refusal_title, tr
from . import theme
from .widgets import FieldButton


def columns(n: int, landscape: bool) -> int:
    """Grid columns for ``n`` fields: wide screens get more columns than tall ones."""
    if landscape:
        return max(1, min(n, 2 if n <= 4 else 3 if n <= 9 else 4))
    return 1 if n <= 3 else 2 if n <= 10 else 3


def tile_lines(tile: FieldTile, lang: str, online: bool,
               printer_fault: str | None = None) -> tuple[str, str]:
    """The two lines under a field's name."""
    if printer_fault and tile.open:
        return tr("Tạm ngừng phát số", lang), refusal_title(printer_fault, lang)
    if not tile.open:
        return tr("Hết giờ lấy số", lang), hours_line(tile.hours_today, lang)
    if not online or tile.waiting is None:
        return "", ""
    if tile.waiting == 0:
        return tr("Đang chờ: {n} người", lang, n=0), tr("Không phải chờ", lang)
    wait = format_wait(tile.estimated_wait_s or 0, lang)
    return tr("Đang chờ: {n} người", lang, n=tile.waiting), tr("Chờ {t}", lang, t=wait)


class HomeScreen(Screen):
    """Shows a :class:`HomeState`; touches go to ``app.pick_field``."""

    online = BooleanProperty(True)
    centre = StringProperty("")
    fault = StringProperty("")  # a printer that cannot print, said at once (empty: none)

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.state: HomeState | None = None
        self.buttons: dict[str, FieldButton] = {}

    def show(self, state: HomeState, lang: str, priority: bool, landscape: bool) -> None:
        grid = self.ids.grid
        self.state = state
        self.online = state.online
        self.fault = printer_banner(state.printer_fault, lang) if state.printer_fault else ""
        ids = [t.id for t in state.fields]
        if list(self.buttons) != ids:
            grid.clear_widgets()
            self.buttons = {}
            for t in state.fields:
                b = FieldButton(field_id=t.id, icon=theme.icon(t.icon))
                b.bind(on_release=self._picked)
                grid.add_widget(b)
                self.buttons[t.id] = b
        grid.cols = columns(len(ids), landscape)
        grid.rows = math.ceil(len(ids) / grid.cols) if ids else 1
        for t in state.fields:
            b = self.buttons[t.id]
            b.title = keep_together(t.title(lang))
            b.line1, b.line2 = tile_lines(t, lang, state.online, state.printer_fault)
            b.is_open = t.open and state.printer_fault is None  # a touch still re-checks it
            b.priority = priority

    def _picked(self, button: FieldButton) -> None:
        from kivy.app import App

        App.get_running_app().pick_field(button.field_id)
