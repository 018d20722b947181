"""The form of the appointments and remote-tickets page: its values from a config or a request,
checked with the config schema's own models (messages in the page's language, by input), and
turned into the changes :func:`config.admin_save.save_settings` keeps."""

from __future__ import annotations

import types
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Annotated, Any, TypeVar, Union, get_args, get_origin

import msgspec
from msgspec import Meta

from config.schema import (
    WEEKDAYS,
    AppointmentsConfig,
    ArrivalPolicy,
    Config,
    FieldConfig,
    Hours,
    RemoteConfig,
    SlotPlan,
)
from config.validate import Invalid, convert, field_type, validate

from ..i18n import gettext as _

Change = tuple[tuple[str, ...], Any]


@dataclass
class FieldForm:
    """One field's inputs, as typed (strings) or as the config holds them."""

    id: str
    name: str
    on: bool
    slot_minutes: str
    capacity: str
    days_ahead: str
    own_hours: bool
    hours: dict[str, str]
    remote_daily_cap: str

    def name_of(self, key: str) -> str:
        """The input's name attribute."""
        return f"f-{self.id}-{key}"


@dataclass
class BookingForm:
    """The whole page's inputs."""

    grace_minutes: str
    retention_days: str
    remote_enabled: bool
    per_phone_per_day: str
    per_address_per_day: str
    networks: str
    daily_cap_per_field: str
    fields: list[FieldForm]
    errors: dict[str, str] = field(default_factory=dict)


def _spans(hours: Hours, day: str) -> str:
    return ", ".join(str(s) for s in getattr(hours, day))


def from_config(cfg: Config, names: Mapping[str, str]) -> BookingForm:
    """The inputs filled with ``cfg``'s values (``names``: each field's name on the page)."""
    rows = []
    for f in cfg.fields:
        plan = f.appointments or SlotPlan()
        hours = cfg.slot_hours(f)
        rows.append(FieldForm(
            id=f.id, name=names.get(f.id, f.name), on=f.appointments is not None,
            slot_minutes=str(plan.slot_minutes), capacity=str(plan.capacity),
            days_ahead=str(plan.days_ahead), own_hours=plan.hours is not None,
            hours={d: _spans(hours, d) for d in WEEKDAYS},
            remote_daily_cap="" if f.remote_daily_cap is None else str(f.remote_daily_cap)))
    r = cfg.remote
    return BookingForm(
        grace_minutes=str(cfg.appointments.arrival.grace_minutes),
        retention_days=str(cfg.appointments.retention_days), remote_enabled=r.enabled,
        per_phone_per_day=str(r.per_phone_per_day), per_address_per_day=str(r.per_address_per_day),
        networks="\n".join(r.networks), daily_cap_per_field=str(r.daily_cap_per_field), fields=rows)


def from_request(form: Mapping[str, str], cfg: Config, names: Mapping[str, str]) -> BookingForm:
    """The inputs as the admin sent them (the fields are the config's, in its order)."""

    def text(name: str) -> str:
        return str(form.get(name, "")).strip()[:2000]

    rows = []
    for f in cfg.fields:
        row = FieldForm(id=f.id, name=names.get(f.id, f.name), on=False, slot_minutes="",
                        capacity="", days_ahead="", own_hours=False, hours={},
                        remote_daily_cap="")
        row.on = bool(form.get(row.name_of("on")))
        row.own_hours = bool(form.get(row.name_of("own_hours")))
        for key in ("slot_minutes", "capacity", "days_ahead", "remote_daily_cap"):
            setattr(row, key, text(row.name_of(key)))
        row.hours = {d: text(row.name_of(f"hours-{d}")) for d in WEEKDAYS}
        rows.append(row)
    return BookingForm(
        grace_minutes=text("grace_minutes"), retention_days=text("retention_days"),
        remote_enabled=bool(form.get("remote_enabled")),
        per_phone_per_day=text("per_phone_per_day"), per_address_per_day=text("per_address_per_day"),
        networks=text("networks"), daily_cap_per_field=text("daily_cap_per_field"), fields=rows)


def _bounds(tp: Any) -> tuple[int | None, int | None] | None:
    """``(ge, le)`` of an integer type such as ``Annotated[int, Meta(ge=1)] | None``; None when
    ``tp`` is not an integer."""
    for t in get_args(tp) if get_origin(tp) in (Union, types.UnionType) else (tp,):
        if get_origin(t) is Annotated and t.__origin__ is int:
            meta = next((m for m in t.__metadata__ if isinstance(m, Meta)), Meta())
            return meta.ge, meta.le
        if t is int:
            return None, None
    return None


def message(tp: Any, raw: object, what: str = "") -> str:
    """Why ``raw`` is not a valid value of type ``tp`` (a config field's), said to the admin in
    the page's language."""
    bounds = _bounds(tp)
    if bounds is not None:
        try:
            number = int(str(raw))
        except ValueError:
            return _("Hãy nhập một số nguyên.")
        ge, le = bounds
        if ge is not None and number < ge:
            return _("Phải từ {n} trở lên.").format(n=ge)
        if le is not None and number > le:
            return _("Tối đa là {n}.").format(n=le)
    if what == "hours":
        return _("Giờ không hợp lệ. Ghi các khoảng giờ như “07:30-11:00, 13:30-16:30”; giờ kết "
                 "thúc phải sau giờ bắt đầu.")
    if what == "networks":
        return _("Dải địa chỉ không hợp lệ. Ghi mỗi dòng một dải, ví dụ 192.168.1.0/24.")
    return _("Giá trị không hợp lệ.")


M = TypeVar("M", bound=msgspec.Struct)


def _check(model: type[M], data: dict, inputs: Mapping[str, str],
           errors: dict[str, str], what: Mapping[str, str] | None = None) -> M | None:
    """``model`` validated from ``data``; each error goes to the input named for its key."""
    try:
        return validate(model, data)
    except Invalid as exc:
        for problem in exc.problems:
            key = str(problem.path[0]) if problem.path else ""
            name = inputs.get(key)
            if name is not None:
                errors.setdefault(name, message(field_type(model, key), data.get(key),
                                                (what or {}).get(key, "")))
        return None


def _split(text: str, seps: str) -> list[str]:
    for sep in seps:
        text = text.replace(sep, "\n")
    return [part.strip() for part in text.splitlines() if part.strip()]


_REMOTE_CAP = field_type(FieldConfig, "remote_daily_cap")


def changes(form: BookingForm, cfg: Config) -> list[Change]:
    """What to write, or nothing when an input is wrong (then ``form.errors`` names each)."""
    errors = form.errors
    out: list[Change] = []
    arrival = _check(ArrivalPolicy, {**msgspec.structs.asdict(cfg.appointments.arrival),
                                     "grace_minutes": form.grace_minutes},
                     {"grace_minutes": "grace_minutes"}, errors)
    rules = _check(AppointmentsConfig, {"retention_days": form.retention_days},
                   {"retention_days": "retention_days"}, errors)
    remote_inputs = {k: k for k in ("per_phone_per_day", "per_address_per_day", "networks",
                                    "daily_cap_per_field")}
    remote = _check(RemoteConfig, {
        "enabled": form.remote_enabled, "per_phone_per_day": form.per_phone_per_day,
        "per_address_per_day": form.per_address_per_day, "networks": _split(form.networks, ", "),
        "daily_cap_per_field": form.daily_cap_per_field}, remote_inputs, errors,
        {"networks": "networks"})
    if arrival is not None:
        out.append((("appointments", "arrival", "grace_minutes"), arrival.grace_minutes))
    if rules is not None:
        out.append((("appointments", "retention_days"), rules.retention_days))
    if remote is not None:
        for key in ("enabled", *remote_inputs):
            out.append((("remote", key), getattr(remote, key)))
    for row in form.fields:
        out.extend(_field_changes(row, errors))
    return [] if errors else out


def _field_changes(row: FieldForm, errors: dict[str, str]) -> list[Change]:
    out: list[Change] = []
    cap = None
    if row.remote_daily_cap:
        try:
            cap = convert(_REMOTE_CAP, row.remote_daily_cap)
        except Invalid:
            errors[row.name_of("remote_daily_cap")] = message(_REMOTE_CAP, row.remote_daily_cap)
    out.append((("fields", row.id, "remote_daily_cap"), cap))
    if not row.on:
        out.append((("fields", row.id, "appointments"), None))
        return out
    hours = None
    if row.own_hours:
        spans = {d: _split(row.hours.get(d, ""), ",;") for d in WEEKDAYS}
        checked = _check(Hours, spans, {d: row.name_of(f"hours-{d}") for d in WEEKDAYS}, errors,
                         dict.fromkeys(WEEKDAYS, "hours"))
        if checked is not None:
            hours = {d: [str(s) for s in checked.spans(i)] for i, d in enumerate(WEEKDAYS)
                     if checked.spans(i)}
    plan = _check(SlotPlan, {"slot_minutes": row.slot_minutes, "capacity": row.capacity,
                             "days_ahead": row.days_ahead},
                  {k: row.name_of(k) for k in ("slot_minutes", "capacity", "days_ahead")}, errors)
    if plan is not None:
        value: dict[str, Any] = {"slot_minutes": plan.slot_minutes, "capacity": plan.capacity,
                                 "days_ahead": plan.days_ahead}
        if hours is not None:
            value["hours"] = hours
        out.append((("fields", row.id, "appointments"), value))
    return out
