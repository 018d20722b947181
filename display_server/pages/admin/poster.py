"""The remote-ticket poster (lấy số từ xa): an A4 sheet in Vietnamese for the hall and the
entrance, with the centre's name, short steps and a big QR code of the centre's ``/lay-so``
address (``server.public_url``; without it, the address this page was opened at, with a hint
to set it). Printed from the browser (print CSS, A4 portrait)."""

from __future__ import annotations

from flask import render_template, request, url_for

from motcua.core.i18n import DEFAULT, words

from ..common import config
from ..i18n import gettext as _
from ..qr import qr_data_uri
from . import bp


def remote_address() -> tuple[str, bool]:
    """The ``/lay-so`` address phones open, and whether it comes from ``server.public_url``."""
    base = config().server.public_url.rstrip("/")
    path = url_for("remote.index")
    return (base + path, True) if base else (request.host_url.rstrip("/") + path, False)


@bp.get("/poster")
def poster():
    cfg = config()
    address, configured = remote_address()
    vi = words(DEFAULT)  # printed for the hall: Vietnamese in every language
    rules = cfg.remote
    notes = [vi.ngettext("Mỗi điện thoại lấy được {n} số mỗi ngày.",
                         "Mỗi điện thoại lấy được {n} số mỗi ngày.", rules.per_phone_per_day)]
    if rules.networks:
        notes.append(vi.gettext("Xin kết nối Wi-Fi của trung tâm trước khi quét mã."))
    sheet = {
        "title": vi.gettext("Lấy số thứ tự bằng điện thoại"),
        "lead": vi.gettext("Không cần xếp hàng tại máy lấy số, không cần phiếu giấy."),
        "steps": [vi.gettext("Mở camera hoặc Zalo trên điện thoại, quét mã QR dưới đây."),
                  vi.gettext("Chọn lĩnh vực cần giải quyết."),
                  vi.gettext("Số thứ tự hiện ngay trên điện thoại. Theo dõi lượt của bạn; khi "
                             "được gọi, xin đến quầy và đọc số của bạn.")],
        "or_open": vi.gettext("Hoặc mở địa chỉ:"),
        "notes": notes,
    }
    hints = []
    if not configured:
        hints.append(_("Chưa đặt địa chỉ công khai của máy chủ (server.public_url trong tệp cấu "
                       "hình): mã QR đang dùng địa chỉ của trang này, {url}. Hãy đặt địa chỉ mà "
                       "điện thoại của công dân mở được, rồi in lại.").format(url=address))
    if not rules.enabled:
        hints.append(_("Lấy số từ xa đang tắt ([remote] enabled = false): mã QR sẽ chỉ báo "
                       "trung tâm chưa nhận lấy số từ xa."))
    return render_template("admin/poster.html", sheet=sheet, address=address, hints=hints,
                           qr=qr_data_uri(address, box_size=16))
