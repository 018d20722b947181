"""Request bodies, validated with pydantic; a bad body is a 400 naming the field.

The v1 API calls a field (lĩnh vực) ``service_id``; the bodies read it under that name (an alias)
into ``field_id``, the code's name."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from flask import request
from pydantic import (
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
    ValidationError,
)

from motcua.core.i18n import DEFAULT, words

from .errors import ApiError

ShortId = Annotated[str, Field(min_length=1, max_length=40)]


class _Body(BaseModel):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)


class EmptyBody(_Body):
    """For actions without parameters: any JSON object (or nothing) is accepted."""


class IssueBody(_Body):
    field_id: ShortId = Field(alias="service_id")
    priority: StrictBool = False
    request_id: Annotated[str, Field(min_length=1, max_length=64)] | None = None


class RemoteTicketBody(_Body):
    """A remote ticket (public, from a phone): the field, and an id that makes a retry safe."""

    field_id: ShortId = Field(alias="service_id")
    request_id: Annotated[str, Field(min_length=1, max_length=64)] | None = None


class TransferBody(_Body):
    field_id: ShortId | None = Field(default=None, alias="service_id")
    counter_id: ShortId | None = None


class PauseBody(_Body):
    reason: Annotated[str, Field(max_length=200)] = ""


class DossierBody(_Body):
    dossier_code: Annotated[str, Field(max_length=64)] = ""


class CallMissedBody(_Body):
    ticket_id: StrictInt


def _iso_text(value: object) -> object:
    """A timestamp must come as ISO 8601 text: a bare number is not read as seconds since 1970."""
    if not isinstance(value, str):
        raise ValueError("must be an ISO 8601 date and time with its UTC offset")
    return value


IsoDatetime = Annotated[AwareDatetime, BeforeValidator(_iso_text)]


class RatingBody(_Body):
    rating_id: UUID
    counter_id: ShortId
    level: ShortId
    pressed_at: IsoDatetime


class BookBody(_Body):
    """A booking (public): the field, day and slot from ``GET /appointments/slots``, and the
    only personal data kept (erased after the centre's retention period)."""

    field_id: ShortId = Field(alias="service_id")
    day: Annotated[str, Field(pattern=r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$",
                              description="Local day, YYYY-MM-DD")]
    slot: Annotated[str, Field(pattern=r"^[0-9]{2}:[0-9]{2}$", description="Slot start, HH:MM")]
    name: Annotated[str, Field(min_length=1, max_length=100)]
    phone: Annotated[str, Field(min_length=1, max_length=20)]
    request_id: Annotated[str, Field(min_length=1, max_length=64)] | None = None


class SecretBody(_Body):
    secret: Annotated[str, Field(min_length=1, max_length=64,
                                 description="The secret the booking was answered with")]


class CheckInBody(_Body):
    code: Annotated[str, Field(min_length=1, max_length=20,
                               description="The booking code, typed or scanned")]


class LoginBody(_Body):
    username: Annotated[str, Field(min_length=1, max_length=64)]
    password: Annotated[str, Field(min_length=1, max_length=256)]


class HeartbeatBody(_Body):
    printer_status: Annotated[str, Field(max_length=40)] | None = None
    outbox_backlog: StrictInt | None = None
    version: Annotated[str, Field(max_length=40)] | None = None
    detail: Annotated[str, Field(max_length=500)] | None = None


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
        return model.model_validate(data)
    except ValidationError as exc:
        fields = [{"field": ".".join(str(p) for p in e["loc"]) or "(body)", "problem": e["msg"]}
                  for e in exc.errors()]
        names = ", ".join(f["field"] for f in fields)
        raise ApiError(400, "invalid_body",
                       words(DEFAULT).gettext("Dữ liệu không hợp lệ ở trường: {names}.", names=names),
                       fields=fields) from None
