"""Which inputs of the appointments page take their value from the admin's settings file rather
than the config file (:mod:`config.admin_settings`), the config file's values for them, and the
page's sections the admin can put back to the config file's values."""

from __future__ import annotations

from collections.abc import Iterable

from config.admin_settings import Key

from ..i18n import gettext as _
from .booking_form import BookingForm, FieldForm

TOP_SECTIONS = ("appointments", "remote")


def origins(main: BookingForm, keys: Iterable[str]) -> dict[str, str]:
    """For each input the admin's file sets (by its ``keys``): the config file's value, as the
    page says it. A field's plan is said on its "take appointments" box."""
    out: dict[str, str] = {}
    rows = {r.id: r for r in main.fields}
    for key in keys:
        part = key.split(".")
        if part[0] == "fields":
            row = rows.get(part[1])
            if row is None:
                continue
            if part[2] == "remote_daily_cap":
                out[row.name_of("remote_daily_cap")] = row.remote_daily_cap or _("để trống")
            else:
                out[row.name_of("on")] = _plan(row)
        elif key == "remote.enabled":
            out["remote_enabled"] = _("bật") if main.remote_enabled else _("tắt")
        else:
            value = str(getattr(main, part[-1], ""))
            out[part[-1]] = value.replace("\n", ", ") or _("để trống")
    return out


def _plan(row: FieldForm) -> str:
    if not row.on:
        return _("không nhận đặt lịch hẹn")
    text = _("khung {minutes} phút, {capacity} người mỗi khung, đặt trước tối đa {days} ngày").format(
        minutes=row.slot_minutes, capacity=row.capacity, days=row.days_ahead)
    return text + (_(", giờ đặt lịch riêng") if row.own_hours else "")


def sections(keys: Iterable[str]) -> set[str]:
    """The page's sections the admin's file sets a value in: ``appointments``, ``remote``,
    ``fields.<id>``."""
    out = set()
    for key in keys:
        part = key.split(".")
        out.add(".".join(part[:2]) if part[0] == "fields" else part[0])
    return out


def section_key(section: str, field_ids: Iterable[str]) -> Key | None:
    """The settings' keys a section's "back to the config file" button removes, or None for a
    section that does not exist."""
    part = tuple(section.split("."))
    if part in ((s,) for s in TOP_SECTIONS):
        return part
    if len(part) == 2 and part[0] == "fields" and part[1] in set(field_ids):
        return part
    return None
