"""Request bodies, validated with msgspec (:func:`config.validate.validate`: every bad field
named); a bad body is a 400 naming the field.

The v1 API calls a field (lĩnh vực) ``service_id``; the bodies read it under that name (an alias)
into ``field_id``, the code's name."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from uuid import UUID

import msgspec
from flask import request
from msgspec import Meta

from config.validate import Invalid, validate
from motcua.core.i18n import DEFAULT, words

from .errors import ApiError

ShortId = Annotated[str, Meta(min_length=1, max_length=40)]
RequestId = Annotated[str, Meta(min_length=1, max_length=64)]


class _Body(msgspec.Struct, kw_only=True):
    """A JSON object's known keys (others are ignored), strings stripped, types strict."""


class EmptyBody(_Body):
    """For actions without parameters: any JSON object (or nothing) is accepted."""


class IssueBody(_Body, kw_only=True):
    field_id: ShortId = msgspec.field(name="service_id")
    priority: bool = False
    request_id: RequestId | None = None


class RemoteTicketBody(_Body, kw_only=True):
    """A remote ticket (public, from a phone): the field, and an id that makes a retry safe."""

    field_id: ShortId = msgspec.field(name="service_id")
    request_id: RequestId | None = None


class TransferBody(_Body, kw_only=True):
    field_id: ShortId | None = msgspec.field(default=None, name="service_id")
    counter_id: ShortId | None = None


class PauseBody(_Body, kw_only=True):
    reason: Annotated[str, Meta(max_length=200)] = ""


class DossierBody(_Body, kw_only=True):
    dossier_code: Annotated[str, Meta(max_length=64)] = ""


class CallMissedBody(_Body, kw_only=True):
    ticket_id: int


IsoDatetime = Annotated[datetime, Meta(tz=True)]
"""ISO 8601 text with its UTC offset (a bare number is not read as seconds since 1970)."""


class RatingBody(_Body, kw_only=True):
    rating_id: UUID
    counter_id: ShortId
    level: ShortId
    pressed_at: IsoDatetime


class BookBody(_Body, kw_only=True):
    """A booking (public): the field, day and slot from ``GET /appointments/slots``, and the
    only personal data kept (erased after the centre's retention period)."""

    field_id: ShortId = msgspec.field(name="service_id")
    day: Annotated[str, Meta(pattern=r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$",
                             description="Local day, YYYY-MM-DD")]
    slot: Annotated[str, Meta(pattern=r"^[0-9]{2}:[0-9]{2}$", description="Slot start, HH:MM")]
    name: Annotated[str, Meta(min_length=1, max_length=100)]
    phone: Annotated[str, Meta(min_length=1, max_length=20)]
    request_id: RequestId | None = None


class SecretBody(_Body, kw_only=True):
    secret: Annotated[str, Meta(min_length=1, max_length=64,
                                description="The secret the booking was answered with")]


class CheckInBody(_Body, kw_only=True):
    code: Annotated[str, Meta(min_length=1, max_length=20,
                              description="The booking code, typed or scanned")]


class LoginBody(_Body, kw_only=True):
    username: Annotated[str, Meta(min_length=1, max_length=64)]
    password: Annotated[str, Meta(min_length=1, max_length=256)]


class HeartbeatBody(_Body, kw_only=True):
    printer_status: Annotated[str, Meta(max_length=40)] | None = None
    outbox_backlog: int | None = None
    version: Annotated[str, Meta(max_length=40)] | None = None
    detail: Annotated[str, Meta(max_length=500)] | None = None


def parse(model: type[_Body], *, allow_empty: bool = True) -> _Body:
    """The request's JSON body as ``model``; an empty body counts as ``{}`` when allowed."""
    raw = request.get_data(cache=True)
    if not raw.strip():
        if not allow_empty:
            raise ApiError(400, "missing_body",
                           words(DEFAULT).gettext("Thiếu dữ liệu gửi lên (một đối tượng JSON)."))
        data: object = {}
    else:
        data = request.get_json(force=True, silent=True)
        if data is None:
            raise ApiError(400, "bad_json", words(DEFAULT).gettext("Dữ liệu gửi lên không phải JSON hợp lệ."))
    if not isinstance(data, dict):
        raise ApiError(400, "bad_json", words(DEFAULT).gettext("Dữ liệu gửi lên phải là một đối tượng JSON."))
    try:
        return validate(model, data, unknown="ignore", strict=True)
    except Invalid as exc:
        fields = [{"field": ".".join(str(p) for p in e.path) or "(body)", "problem": e.message}
                  for e in exc.problems]
        names = ", ".join(f["field"] for f in fields)
        raise ApiError(400, "invalid_body",
                       words(DEFAULT).gettext("Dữ liệu không hợp lệ ở trường: {names}.", names=names),
                       fields=fields) from None
