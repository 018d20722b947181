"""The phone page a ticket's QR code opens: the ticket's own state, updated live."""

from __future__ import annotations

from flask import Blueprint, render_template

from motcua.core.queue import QueueError

from ..present import ticket_json
from .common import config, field_name, not_found, svc
from .i18n import current_lang, strings, t

bp = Blueprint("track", __name__)

TRACK_STRINGS = ("state_waiting", "state_transferred", "state_called", "state_done",
                 "state_skipped", "state_expired", "ahead", "ahead_none", "estimate", "minutes",
                 "under_minute", "skipped_help", "done_help", "updated_at",
                 "transferred_to_counter", "transferred_to_field")


@bp.get("/t/<token>")
def ticket_page(token: str):
    try:
        if len(token) > 40:
            raise QueueError("unknown_ticket")
        ticket = svc().engine.ticket_by_token(token)
    except QueueError:
        return not_found(t("ticket_not_found"), t("ticket_not_found_text"))
    cfg = config()
    data = ticket_json(ticket, cfg)
    fld = cfg.field(ticket.field_id)
    boot = {
        "lang": current_lang(),
        "token": token,
        "tz": cfg.centre.timezone,
        "refresh_s": cfg.display.phone_refresh_s,
        "ticket": data,
        "fields": {f.id: field_name(f) for f in cfg.fields},
        "strings": strings(*TRACK_STRINGS),
    }
    return render_template("track/ticket.html", ticket=data, boot=boot, view=describe(data),
                           field=field_name(fld) if fld else ticket.field_id)


def wait_text(seconds: int | None) -> str:
    if seconds is None:
        return ""
    minutes = round(seconds / 60)
    return t("minutes", n=minutes) if minutes >= 1 else t("under_minute")


def describe(ticket: dict) -> dict[str, str]:
    """The ticket's state in words (static/js/track.js says the same when it updates)."""
    state = ticket["state"]
    view = {"state": "", "ahead": "", "estimate": "", "help": ""}
    if state in ("waiting", "transferred"):
        view["state"] = t(f"state_{state}")
        ahead = ticket.get("waiting_before") or 0
        view["ahead"] = t("ahead", n=ahead) if ahead else t("ahead_none")
        if ahead:
            view["estimate"] = t("estimate", t=wait_text(ticket.get("estimated_wait_s")))
    elif state in ("called", "serving"):
        counter = ticket.get("counter") or {}
        view["state"] = t("state_called", n=counter.get("number", "?"))
    elif state in ("done", "skipped", "expired"):
        view["state"] = t(f"state_{state}")
        view["help"] = {"done": t("done_help"), "skipped": t("skipped_help")}.get(state, "")
    else:
        view["state"] = state
    return view
