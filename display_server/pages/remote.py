"""The public remote-ticket page (lấy số từ xa, ``/lay-so``): a citizen picks a field on the phone
and gets a ticket with no paper, then follows it on the ticket's phone page (``/t/<token>``).
Plain forms that work without JavaScript (``static/js/remote.js`` only keeps a tap from being
sent twice); the rules are the remote desk's (:mod:`motcua.core.remote`), its refusals shown in
the page's language. The phone's tickets of the day are remembered in a signed cookie, so the
page links back to them."""

from __future__ import annotations

import uuid

from flask import Blueprint, current_app, redirect, render_template, request, url_for
from itsdangerous import BadSignature, URLSafeSerializer

from motcua.core.queue import QueueError
from motcua.core.remote import RemoteDesk
from motcua.core.remote.errors import REASONS as REMOTE_REASONS

from ..api.errors import QUEUE_STATUS
from ..phones import client_address, keep_cookie, phone_id
from .booking import refusal
from .common import config, field_name, stale_form, svc
from .i18n import current_lang, ngettext
from .i18n import gettext as _
from .track import wait_text

bp = Blueprint("remote", __name__, url_prefix="/lay-so")

MINE = "motcua_mine"
"""The cookie with this phone's tickets of the day (their tracking tokens), signed."""
MINE_MAX = 10


def desk() -> RemoteDesk:
    return svc().remote


def _mine_signer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.secret_key, salt="motcua-mine")


def _mine_tokens() -> list[str]:
    """The tokens of the tickets this phone took today (from its cookie)."""
    raw = request.cookies.get(MINE, "")
    try:
        data = _mine_signer().loads(raw) if raw and len(raw) < 2000 else None
    except BadSignature:
        return []
    if not isinstance(data, dict) or data.get("day") != svc().engine.today():
        return []
    return [t for t in data.get("tokens", []) if isinstance(t, str)][-MINE_MAX:]


def _mine() -> list[dict]:
    out = []
    for token in _mine_tokens():
        try:
            t = svc().engine.ticket_by_token(token)
        except QueueError:
            continue
        fld = config().field(t.field_id)
        out.append({"number": t.number, "field": field_name(fld) if fld else t.field_id,
                    "url": url_for("track.ticket_page", token=token)})
    return out


def _fields() -> list[dict]:
    out = []
    for f in svc().engine.fields():
        fld = config().field(f.id)
        waiting = ngettext("{n} người đang chờ", "{n} người đang chờ", f.waiting).format(n=f.waiting)
        wait = wait_text(f.estimated_wait_s) if f.waiting else ""
        out.append({"id": f.id, "name": field_name(fld) if fld else f.name,
                    "open": f.open and not f.closed_today, "waiting": waiting,
                    "wait": _("Chờ {t}").format(t=wait) if wait else ""})
    return out


def _refusal(exc: QueueError) -> str:
    reason = REMOTE_REASONS.get(exc.code)
    return _(reason).format(**exc.details) if reason else refusal(exc)


def take_page(error: str = "", status: int = 200, headers: dict | None = None):
    """The page: the fields to take a ticket in (or why none can be taken here)."""
    rules = config().remote
    blocked = ""
    try:
        desk().check(client_address())
    except QueueError as exc:
        blocked, status = _refusal(exc), QUEUE_STATUS.get(exc.code, 403)
    page = render_template(
        "remote/take.html", fields=[] if blocked else _fields(), error=error or blocked,
        mine=_mine(), request_id=uuid.uuid4().hex, per_phone=rules.per_phone_per_day,
        boot={"lang": current_lang(), "strings": {"taking": _("Đang lấy số…")}})
    phone_id()  # the phone gets its id with the page, before it takes a ticket
    return page, status, headers or {}


@bp.get("")
def index():
    return take_page()


@bp.post("")
def take():
    form = request.form
    stale = stale_form()
    if stale:
        return take_page(stale, 400)
    field_id = form.get("field", "")[:40]
    if not field_id:
        return take_page(_("Xin chọn một lĩnh vực."), 400)
    try:
        ticket, _created = desk().issue(field_id, phone=phone_id(), address=client_address(),
                                        request_id=form.get("request_id", "")[:64] or None)
    except QueueError as exc:
        wait = exc.details.get("retry_after_s")
        return take_page(_refusal(exc), QUEUE_STATUS.get(exc.code, 409),
                         {"Retry-After": str(wait)} if wait else None)
    response = redirect(url_for("track.ticket_page", token=ticket.token), 303)
    tokens = [t for t in _mine_tokens() if t != ticket.token] + [ticket.token]
    keep_cookie(response, MINE, _mine_signer().dumps({"day": svc().engine.today(),
                                                      "tokens": tokens[-MINE_MAX:]}), 86400)
    return response
