"""The admin's settings file: the few keys the admin page edits, kept in the server's data
directory (``<data_dir>/admin-settings.toml``) and merged over the centre's config file at load,
key by key (the admin's value wins). Plain data in, plain data out: no file is read here.

Its shape::

    [appointments]
    retention_days = 60
    [appointments.arrival]
    grace_minutes = 20
    [remote]
    enabled = true                 # also per_phone_per_day, per_address_per_day, networks,
                                   # daily_cap_per_field
    [fields.ho-tich]               # a field, by its id
    appointments = { slot_minutes = 20, capacity = 2, days_ahead = 14 }   # the whole plan
    remote_daily_cap = false       # false: no value (no booking; the centre's remote cap)
"""

from __future__ import annotations

import copy
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

FILE_NAME = "admin-settings.toml"
UNSET = False
"""What the file says for a key whose value is "none": a field's plan off, or its own remote cap
removed (TOML has no null)."""

ALLOWED: dict[str, Any] = {
    "appointments": {"retention_days": None, "arrival": {"grace_minutes": None}},
    "remote": dict.fromkeys(("enabled", "per_phone_per_day", "per_address_per_day", "networks",
                             "daily_cap_per_field")),
}
"""The keys of ``[appointments]`` and ``[remote]`` the admin may set (``None``: a value)."""
FIELD_KEYS = ("appointments", "remote_daily_cap")
"""The keys of one field the admin may set, under ``[fields.<id>]``."""
Key = tuple[str, ...]
"""Where a value goes: ``("remote", "networks")``, or a field's ``("fields", "ho-tich",
"appointments")``."""


def settings_path(data_path: Path) -> Path:
    """Where the admin's settings of a server with this data directory live."""
    return data_path / FILE_NAME


def outside_keys(data: Mapping[str, Any]) -> list[str]:
    """The keys of ``data`` the admin's file may not hold, each said as a problem."""
    problems: list[str] = []
    for name, value in data.items():
        if name == "fields":
            if not isinstance(value, Mapping):
                problems.append("fields: must be tables named by the field's id, [fields.<id>]")
                continue
            for fid, keys in value.items():
                if not isinstance(keys, Mapping):
                    problems.append(f"fields.{fid}: must be a table")
                    continue
                problems.extend(f"fields.{fid}.{k}: not a key the admin page sets"
                                for k in keys if k not in FIELD_KEYS)
        else:
            _outside(ALLOWED, (name,), value, problems)
    return problems


def _outside(allowed: Mapping[str, Any], key: Key, value: Any, problems: list[str]) -> None:
    where = ".".join(key)
    if key[-1] not in allowed:
        problems.append(f"{where}: not a key the admin page sets")
        return
    inner = allowed[key[-1]]
    if inner is None:
        return
    if not isinstance(value, Mapping):
        problems.append(f"{where}: must be a table")
        return
    for name, v in value.items():
        _outside(inner, (*key, name), v, problems)


def keys_of(data: Mapping[str, Any]) -> Iterator[tuple[Key, Any]]:
    """Each ``(key, value)`` the admin's file sets, tables walked down to their values (a field's
    plan is one value)."""
    for name, value in data.items():
        if name == "fields":
            for fid, keys in value.items():
                for k, v in keys.items():
                    yield ("fields", fid, k), v
        else:
            yield from _leaves((name,), value, ALLOWED[name])


def _leaves(key: Key, value: Any, allowed: Any) -> Iterator[tuple[Key, Any]]:
    if allowed is None:
        yield key, value
        return
    for name, v in value.items():
        yield from _leaves((*key, name), v, allowed[name])


def dotted(key: Key) -> str:
    return ".".join(key)


def merge(main: Mapping[str, Any], settings: Mapping[str, Any]) -> dict[str, Any]:
    """``main`` (the config file's TOML data) with each key of ``settings`` set over it; raises
    :class:`KeyError` naming a field the main file does not have. ``settings`` must hold only
    allowed keys (:func:`outside_keys`)."""
    out = copy.deepcopy(dict(main))
    for key, value in keys_of(settings):
        put(out, key, value)
    return out


def put(data: dict[str, Any], key: Key, value: Any) -> None:
    """Set ``key`` in a config file's TOML ``data`` (its fields a list of tables);
    :data:`UNSET` for a field's key (or ``None``) removes it."""
    *parents, name = key
    container = data
    if parents[0] == "fields":
        container = _field(data, parents[1])
        parents = parents[2:]
    for part in parents:
        container = container.setdefault(part, {})
    if value is None or (value is UNSET and name in FIELD_KEYS):
        container.pop(name, None)
    else:
        container[name] = value


def _field(data: Mapping[str, Any], field_id: str) -> dict[str, Any]:
    fields = data.get("fields")
    if isinstance(fields, list):
        for item in fields:
            if isinstance(item, dict) and item.get("id") == field_id:
                return item
    raise KeyError(f"fields.{field_id}: no field {field_id!r} in the config file")
