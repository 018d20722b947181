"""Request bodies, validated with pydantic; a bad body is a 400 naming the field."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from flask import request
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StrictBool, StrictInt, ValidationError

from .errors import ApiError

ShortId = Annotated[str, Field(min_length=1, max_length=40)]


class _Body(BaseModel):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)


class EmptyBody(_Body):
    """For actions without parameters: any JSON object (or nothing) is accepted."""


class IssueBody(_Body):
    service_id: ShortId
    priority: StrictBool = False
    request_id: Annotated[str, Field(min_length=1, max_length=64)] | None = None


class TransferBody(_Body):
    service_id: ShortId | None = None
    counter_id: ShortId | None = None


class PauseBody(_Body):
    reason: Annotated[str, Field(max_length=200)] = ""


class DossierBody(_Body):
    dossier_code: Annotated[str, Field(max_length=64)] = ""


class CallMissedBody(_Body):
    ticket_id: StrictInt


class RatingBody(_Body):
    rating_id: UUID
    counter_id: ShortId
    level: ShortId
    pressed_at: AwareDatetime


class LoginBody(_Body):
    username: Annotated[str, Field(min_length=1, max_length=64)]
    password: Annotated[str, Field(min_length=1, max_length=256)]


class HeartbeatBody(_Body):
    printer_status: Annotated[str, Field(max_length=40)] | None = None
    outbox_backlog: StrictInt | None = None
    version: Annotated[str, Field(max_length=40)] | None = None
    detail: Annotated[str, Field(max_length=500)] | None = None


def parse(model: type[_Body]) -> _Body:
    """The request's JSON body as ``model``; empty bodies count as ``{}``."""
    raw = request.get_data(cache=True)
    if not raw.strip():
        data: object = {}
    else:
        data = request.get_json(force=True, silent=True)
        if data is None:
            raise ApiError(400, "bad_json", "Dữ liệu gửi lên không phải JSON hợp lệ.")
    if not isinstance(data, dict):
        raise ApiError(400, "bad_json", "Dữ liệu gửi lên phải là một đối tượng JSON.")
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        fields = [{"field": ".".join(str(p) for p in e["loc"]) or "(body)", "problem": e["msg"]}
                  for e in exc.errors()]
        names = ", ".join(f["field"] for f in fields)
        raise ApiError(400, "invalid_body", f"Dữ liệu không hợp lệ ở trường: {names}.",
                       fields=fields) from None
