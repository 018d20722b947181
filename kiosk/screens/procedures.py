"""Procedure look-up: pick a field, scroll through its procedures (documents, time, fee)."""

from __future__ import annotations

from kivy.app import App
from kivy.factory import Factory
from kivy.properties import StringProperty
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.screenmanager import Screen

from config.procedures import Procedure, ProcedureBook
from config.schema import Config

from ..i18n import keep_together, tr
from . import theme
from .widgets import IconButton


class ProcedureCard(BoxLayout):
    """One procedure: name, then documents, processing time and fee."""

    title = StringProperty("")

    def fill(self, proc: Procedure, lang: str) -> None:
        self.title = proc.name
        body = self.ids.body
        body.clear_widgets()
        wrap = Factory.WrapLabel

        def heading(text: str) -> None:
            body.add_widget(wrap(text=text, bold=True, color=theme.YELLOW))

        if proc.documents:
            heading(tr("Hồ sơ cần chuẩn bị", lang))
            for doc in proc.documents:
                body.add_widget(wrap(text=f"•  {doc}"))
        if proc.processing_time:
            heading(tr("Thời hạn giải quyết", lang))
            body.add_widget(wrap(text=proc.processing_time))
        if proc.fee:
            heading(tr("Phí, lệ phí", lang))
            body.add_widget(wrap(text=proc.fee))


class ProceduresScreen(Screen):
    field_id = StringProperty("")

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.config: Config | None = None
        self.book = ProcedureBook()
        self.lang = "vi"

    def setup(self, config: Config, book: ProcedureBook) -> None:
        self.config = config
        self.book = book

    def show(self, lang: str, field_id: str = "") -> None:
        """Build the field list; open ``field_id`` (or the first field)."""
        assert self.config is not None
        self.lang = lang
        fields = self.ids.fields
        fields.clear_widgets()
        u = App.get_running_app().u
        for f in self.config.fields:
            name = f.name_en if lang == "en" and f.name_en else f.name
            b = IconButton(text=keep_together(name), icon=theme.icon(f.icon or f.id),
                           font_size=u * 3.8, icon_ratio=0.22)
            b.field = f.id
            b.bind(on_release=lambda btn: self.select(btn.field))
            fields.add_widget(b)
        self.select(field_id or self.config.fields[0].id)

    def select(self, field_id: str) -> None:
        self.field_id = field_id
        for b in self.ids.fields.children:
            chosen = b.field == field_id
            b.bg = theme.TILE if chosen else theme.NEUTRAL
            b.bg_down = theme.TILE_DOWN if chosen else theme.NEUTRAL_DOWN
        items = self.ids.cards
        items.clear_widgets()
        procs = self.book.for_field(field_id, self.lang)
        if not procs:
            none = tr("Chưa có thông tin thủ tục của lĩnh vực này. Xin hỏi cán bộ tại quầy.", self.lang)
            items.add_widget(Factory.WrapLabel(text=none))
        for p in procs:
            card = ProcedureCard()
            card.fill(p, self.lang)
            items.add_widget(card)
        self.ids.scroll.scroll_y = 1
