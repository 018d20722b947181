"""Touch widgets shared by the screens (their look is in ``kv/widgets.kv``)."""

from __future__ import annotations

from kivy.clock import Clock
from kivy.properties import (
    BooleanProperty,
    ColorProperty,
    NumericProperty,
    StringProperty,
)
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.label import Label

from . import theme


class FitLabel(Label):
    """A wrapping label that shrinks its font (down to ``min_font_size``) until the text fits
    its box and no word is cut: long field names stay whole on a 7" screen and large on a
    24" one."""

    max_font_size = NumericProperty(20)
    min_font_size = NumericProperty(8)

    def __init__(self, **kwargs: object) -> None:
        self._fit_event = Clock.create_trigger(self._fit, -1)
        super().__init__(**kwargs)
        self.bind(size=self._fit_event, text=self._fit_event, max_font_size=self._fit_event)

    def _fit(self, *_: object) -> None:
        if self.width <= 1 or self.height <= 1:
            return
        self.text_size = (self.width, None)
        # Whole pixel sizes only: every distinct size is one more open font in Kivy's cache.
        size = max(int(self.min_font_size), int(self.max_font_size))
        self.font_size = size
        self.texture_update()
        # Words are split on plain spaces only: no-break spaces keep words together.
        words = [w for line in self.text.split("\n") for w in line.split(" ") if w]
        while size > self.min_font_size and (self.texture_size[1] > self.height * 0.98
                                            or self._widest(words) > self.width):
            size = max(int(self.min_font_size), min(size - 1, int(size * 0.92)))
            self.font_size = size
            self.texture_update()
        # text_size stays (width, None): with a fixed height Kivy drops a last line that
        # would fit. ``valign`` is applied where the texture is drawn (kv/widgets.kv).

    def _widest(self, words: list[str]) -> float:
        """Width of the widest word at the current font size (a word must never be cut)."""
        return max((self._label.get_extents(w)[0] for w in words), default=0)


class IconButton(ButtonBehavior, BoxLayout):
    """A big touch button: an icon and a label on a coloured, rounded background."""

    text = StringProperty("")
    icon = StringProperty("")
    bg = ColorProperty(theme.NEUTRAL)
    bg_down = ColorProperty(theme.NEUTRAL_DOWN)
    fg = ColorProperty(theme.WHITE)
    font_size = NumericProperty(20)
    bold = BooleanProperty(True)
    halign = StringProperty("left")
    icon_ratio = NumericProperty(0.3)  # the icon takes at most this share of the width


class FieldButton(ButtonBehavior, BoxLayout):
    """One field on the home screen: icon, name, people waiting and wait (or closed + hours)."""

    field_id = StringProperty("")
    title = StringProperty("")
    line1 = StringProperty("")
    line2 = StringProperty("")
    icon = StringProperty("")
    is_open = BooleanProperty(True)
    priority = BooleanProperty(False)
