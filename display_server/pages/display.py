"""Public screens: the home page, the hall screen and the screen above each counter."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template

from motcua.core.queue.events import KINDS

from .common import config, counter_not_found, field_names, svc
from .i18n import counted, current_lang, ngettext, pgettext
from .i18n import gettext as _

bp = Blueprint("display", __name__)


def queue_strings() -> dict[str, str]:
    """A field's and a counter's queue in words, for the screens' and the dashboard's scripts."""
    return {
        "counter_n": _("Quầy {n}"),
        "paused": pgettext("paused", "Tạm dừng"),
        **counted("people", lambda n: ngettext("{n} người", "{n} người", n)),
        "minutes": _("khoảng {n} phút"),
        "under_minute": _("dưới 1 phút"),
        "field_closed": _("Ngoài giờ nhận số"),
    }


def screen_strings() -> dict[str, str]:
    """The hall and counter screens' words for their scripts; keys: the names the script uses."""
    return {
        **queue_strings(),
        "idle": _("Chưa gọi số"),
        "weekdays": _("Chủ nhật,Thứ Hai,Thứ Ba,Thứ Tư,Thứ Năm,Thứ Sáu,Thứ Bảy"),
        "no_calls_yet": pgettext("no_calls_yet", "Chưa gọi số nào"),
        "no_counter_open": _("Chưa có quầy nào mở"),
        "counter_closed": _("Quầy chưa mở"),
    }


def _boot(**extra: object) -> dict:
    """What a screen's script needs: live connection settings, names, strings."""
    cfg = config()
    lang = current_lang()
    return {
        "lang": lang,
        "tz": cfg.centre.timezone,
        "keepalive_s": current_app.config["SSE_KEEPALIVE_S"],
        "kinds": list(KINDS),
        "fields": field_names(),
        "strings": screen_strings(),
        **extra,
    }


@bp.get("/")
def home():
    return render_template("home.html", counters=config().counters)


@bp.get("/display")
def hall():
    cfg = config()
    boot = _boot(announce=cfg.display.announce, recent_rows=cfg.display.recent_calls,
                 snapshot=svc().snapshot(fresh=True))
    return render_template("display/hall.html", boot=boot)


@bp.get("/display/counter/<counter_id>")
def counter_screen(counter_id: str):
    counter = config().counter(counter_id)
    if counter is None:
        return counter_not_found(counter_id)
    boot = _boot(counter={"id": counter.id, "number": counter.number}, snapshot=svc().snapshot(fresh=True))
    return render_template("display/counter.html", boot=boot, counter=counter)
