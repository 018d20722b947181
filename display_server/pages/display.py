"""Public screens: the home page, the hall screen and the screen above each counter."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template

from motcua.core.queue.events import KINDS

from .common import config, field_names, not_found, svc
from .i18n import current_lang, strings, t

bp = Blueprint("display", __name__)

SCREEN_STRINGS = ("counter_n", "paused", "idle", "people", "minutes", "under_minute",
                  "field_closed", "weekdays", "no_calls_yet", "no_counter_open", "counter_closed")


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
        "strings": strings(*SCREEN_STRINGS),
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
        return not_found(t("counter_not_found"), t("counter_not_found_text", id=counter_id))
    boot = _boot(counter={"id": counter.id, "number": counter.number}, snapshot=svc().snapshot(fresh=True))
    return render_template("display/counter.html", boot=boot, counter=counter)
