"""Result: the number, very large; where to go; "please take your ticket". If the ticket could
not be printed: the number with its QR code, to remember or photograph."""

from __future__ import annotations

from kivy.graphics.texture import Texture
from kivy.properties import BooleanProperty, ObjectProperty, StringProperty
from kivy.uix.screenmanager import Screen

from motcua.core.i18n import words
from printer.ticket import format_counters

from ..controller import Issued, qr_matrix
from ..i18n import format_wait, keep_together, tr


def qr_texture(text: str) -> Texture:
    """The QR code of ``text`` as a small texture, drawn with sharp (nearest) scaling."""
    rows = qr_matrix(text)
    n = len(rows)
    buf = bytearray()
    for row in reversed(rows):  # textures start at the bottom row
        for dark in row:
            buf += b"\x00\x00\x00\xff" if dark else b"\xff\xff\xff\xff"
    tex = Texture.create(size=(n, n), colorfmt="rgba")
    tex.blit_buffer(bytes(buf), colorfmt="rgba", bufferfmt="ubyte")
    tex.mag_filter = "nearest"
    tex.min_filter = "nearest"
    return tex


class ResultScreen(Screen):
    number = StringProperty("")
    heading = StringProperty("")
    field_name = StringProperty("")
    counters = StringProperty("")
    ahead = StringProperty("")
    wait = StringProperty("")
    take = StringProperty("")
    printed = BooleanProperty(True)
    priority = BooleanProperty(False)
    qr = ObjectProperty(None, allownone=True)

    def show(self, issued: Issued, lang: str) -> None:
        self.number = issued.number
        self.priority = issued.priority
        self.heading = tr("SỐ ƯU TIÊN", lang) if issued.priority else tr("SỐ THỨ TỰ CỦA BẠN", lang)
        self.field_name = keep_together(issued.field_name)
        where = format_counters(issued.counters).replace("\u00a0", " ")
        self.counters = tr("Mời đến: {counters}", lang, counters=where) if where else ""
        self.ahead = words(lang).pgettext("result.ahead", "Trước bạn còn {n} người", n=issued.people_ahead)
        self.wait = (tr("Thời gian chờ dự kiến: {t}", lang, t=format_wait(issued.estimated_wait_s, lang))
                     if issued.estimated_wait_s and issued.people_ahead else "")
        self.printed = issued.printed
        if issued.printed:
            self.take = tr("Xin mời nhận phiếu", lang)
            self.qr = None
        else:
            self.take = (tr("Máy in đang gặp sự cố, phiếu chưa in được.", lang) + "\n"
                         + tr("Xin ghi nhớ số này hoặc chụp ảnh mã QR để theo dõi lượt gọi.", lang))
            self.qr = qr_texture(issued.track_url) if issued.track_url else None
