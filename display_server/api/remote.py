"""API v1 route of remote tickets (lấy số từ xa): a phone takes a ticket, public but limited per
phone (a signed cookie) and per client address a day, per field, and to the centre's networks
if it set any. The rules are the core's (:mod:`motcua.core.remote`)."""

from __future__ import annotations

from flask import current_app, jsonify

from motcua.core.remote import RemoteDesk

from ..phones import client_address, phone_id
from ..present import ticket_json
from . import bp
from .bodies import RemoteTicketBody, parse
from .routes import track_url


def desk() -> RemoteDesk:
    return current_app.extensions["motcua"].remote


@bp.post("/remote-tickets")
def take_remote_ticket():
    body = parse(RemoteTicketBody)
    d = desk()
    ticket, created = d.issue(body.field_id, phone=phone_id(), address=client_address(),
                              request_id=body.request_id)
    out = ticket_json(ticket, d.config, track_url=track_url(ticket.token))
    return jsonify(out), 201 if created else 200
