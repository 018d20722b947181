"""The phone page a ticket's QR code opens: the ticket's own state, updated live."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template

from motcua.core.queue import QueueError

from ..present import ticket_json
from .common import config, field_name, not_found, svc
from .i18n import counted, current_lang, ngettext, pgettext
from .i18n import gettext as _

bp = Blueprint("track", __name__)

TICKET_KINDS = ("ticket.issued", "ticket.called", "ticket.recalled", "ticket.skipped",
                "ticket.transferred", "ticket.finished")
"""The events the phone page listens for: its own ticket's, and its line's (how many wait)."""


def track_strings() -> dict[str, str]:
    """The phone page's words for static/js/track.js; keys: the names the script uses."""
    return {
        "state_waiting": _("Đang chờ"),
        "state_transferred": _("Đang chờ (đã chuyển)"),
        "state_called": _("Mời đến quầy số {n}"),
        "state_done": _("Đã phục vụ"),
        "state_skipped": pgettext("state_skipped", "Vắng mặt"),
        "state_expired": _("Số đã hết hiệu lực"),
        **counted("ahead", lambda n: ngettext("Trước bạn còn {n} người", "Trước bạn còn {n} người", n)),
        "ahead_none": _("Bạn là người tiếp theo"),
        "estimate": _("Thời gian chờ dự kiến: {t}"),
        "minutes": _("khoảng {n} phút"),
        "under_minute": _("dưới 1 phút"),
        "skipped_help": _("Bạn đã được gọi nhưng không có mặt. Vui lòng đến quầy để được gọi lại."),
        "done_help": _("Cảm ơn Quý khách!"),
        "updated_at": _("Cập nhật lúc {t}"),
        "transferred_to_counter": _("Đã chuyển sang Quầy {n}"),
        "transferred_to_field": _("Đã chuyển sang lĩnh vực {field}"),
        **alert_strings(),
    }


def alert_strings() -> dict[str, str]:
    """The words of the page's alerts (static/js/alerts.js) and of its sound button."""
    return {
        **counted("alert_near", lambda n: ngettext("Sắp đến lượt bạn: còn {n} người trước bạn",
                                                   "Sắp đến lượt bạn: còn {n} người trước bạn", n)),
        "alert_next": _("Sắp đến lượt bạn: bạn là người tiếp theo"),
        "alert_called": _("Đến lượt bạn! Mời đến quầy số {n}"),
        "sound_on": _("Bật âm báo và rung"),
        "sound_again": _("Bạn đã bật âm báo. Sau khi tải lại trang, trình duyệt cần bạn chạm nút "
                         "một lần nữa."),
        "keep_open": _("Giữ trang này mở và màn hình sáng để được báo khi sắp đến lượt và khi "
                       "được gọi."),
    }


@bp.get("/t/<token>")
def ticket_page(token: str):
    try:
        if len(token) > 40:
            raise QueueError("unknown_ticket")
        ticket = svc().engine.ticket_by_token(token)
    except QueueError:
        return not_found(_("Không tìm thấy số thứ tự"),
                         _("Mã trên phiếu không đúng hoặc phiếu đã quá cũ. Vui lòng hỏi cán bộ tại quầy "
                           "hướng dẫn."))
    cfg = config()
    data = ticket_json(ticket, cfg)
    fld = cfg.field(ticket.field_id)
    boot = {
        "lang": current_lang(),
        "token": token,
        "tz": cfg.centre.timezone,
        "refresh_s": cfg.display.phone_refresh_s,
        "alert_ahead": cfg.display.phone_alert_ahead,
        "keepalive_s": current_app.config["SSE_KEEPALIVE_S"],
        "kinds": TICKET_KINDS,
        "ticket": data,
        "fields": {f.id: field_name(f) for f in cfg.fields},
        "strings": track_strings(),
    }
    return render_template("track/ticket.html", ticket=data, boot=boot, view=describe(data),
                           field=field_name(fld) if fld else ticket.field_id)


def wait_text(seconds: int | None) -> str:
    if seconds is None:
        return ""
    minutes = round(seconds / 60)
    return _("khoảng {n} phút").format(n=minutes) if minutes >= 1 else _("dưới 1 phút")


def describe(ticket: dict) -> dict[str, str]:
    """The ticket's state in words (static/js/track.js says the same when it updates)."""
    state = ticket["state"]
    view = {"state": "", "ahead": "", "estimate": "", "help": ""}
    if state in ("waiting", "transferred"):
        view["state"] = _("Đang chờ") if state == "waiting" else _("Đang chờ (đã chuyển)")
        ahead = ticket.get("waiting_before") or 0
        if ahead:
            view["ahead"] = ngettext("Trước bạn còn {n} người", "Trước bạn còn {n} người",
                                     ahead).format(n=ahead)
            wait = wait_text(ticket.get("estimated_wait_s"))
            view["estimate"] = _("Thời gian chờ dự kiến: {t}").format(t=wait)
        else:
            view["ahead"] = _("Bạn là người tiếp theo")
    elif state in ("called", "serving"):
        counter = ticket.get("counter") or {}
        view["state"] = _("Mời đến quầy số {n}").format(n=counter.get("number", "?"))
    elif state in ("done", "skipped", "expired"):
        view["state"] = {"done": _("Đã phục vụ"), "skipped": pgettext("state_skipped", "Vắng mặt"),
                         "expired": _("Số đã hết hiệu lực")}[state]
        if state == "done":
            view["help"] = _("Cảm ơn Quý khách!")
        elif state == "skipped":
            view["help"] = _("Bạn đã được gọi nhưng không có mặt. Vui lòng đến quầy để được gọi lại.")
    else:
        view["state"] = state
    return view
