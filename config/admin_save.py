"""Write the admin's settings file (:mod:`config.admin_settings`) for the admin page: the page's
values that differ from the config file's, the config file itself never written (on a real
install /etc is read-only for the server).

The merged config is validated as :func:`config.loader.load_config` would read it before anything
is written, so an invalid value never reaches the file; the new file replaces the old one at once
(a temporary file, fsync'd, renamed over it; mode 0640). Files that changed since the page read
them (``expected``) are not overwritten.
"""

from __future__ import annotations

import copy
import hashlib
import os
import tomllib
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import msgspec

from .admin_settings import UNSET, Key, keys_of, merge, outside_keys
from .loader import ConfigError, parse_config, read_toml
from .schema import Config, as_data

MODE = 0o640
HEADER = ("Written by the admin page /admin/appointments: these values win over the centre's "
          "config file.\nRemove a key (or the file) to use the config file's value again; "
          "changes apply at the next restart.")


class StaleFile(Exception):
    """A file changed since the page read it: someone else edited it."""


def fingerprint(main: Path, settings: Path) -> str:
    """What :func:`save_settings` compares to be sure both files are the ones the page read."""
    digest = hashlib.sha256()
    for path in (main, settings):
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            raw = b""
        digest.update(hashlib.sha256(raw).digest())
    return digest.hexdigest()


def current(settings: Path) -> dict[str, Any]:
    """The settings file's data, or nothing when it is missing or invalid (saving replaces it)."""
    try:
        data = tomllib.loads(settings.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return {}
    return {} if outside_keys(data) else data


def save_settings(main: Path, settings: Path, changes: Iterable[tuple[Key, Any]], *,
                  expected: str | None = None, env: Mapping[str, str] | None = None) -> Config:
    """Keep each ``(key, value)`` of ``changes`` in the settings file when it differs from the
    config file's value, and drop it when it is the same (``None``: a field's plan off, or its
    own remote cap removed). Returns the merged config. Raises :class:`ConfigError` (nothing
    written) when the result is invalid, :class:`StaleFile` when a file is not the one
    ``expected``."""
    _check(main, settings, expected)
    data = read_toml(main)
    base = parse_config(data, source=main.resolve(), env=env)
    changes = list(changes)
    new = current(settings)
    for key, value in changes:
        _set(new, key, UNSET if value is None else value)
    merged = _merged(main, data, new, env)
    for key, _ in changes:
        if value_at(merged, key) == value_at(base, key):
            _drop(new, key)
    _write(settings, new)
    return merged


def reset_settings(main: Path, settings: Path, prefix: Key, *, expected: str | None = None,
                   env: Mapping[str, str] | None = None) -> Config:
    """Remove the settings file's keys under ``prefix`` (``("remote",)``, ``("fields", "ho-tich")``),
    so the config file's values apply again; returns the merged config."""
    _check(main, settings, expected)
    data = read_toml(main)
    new = current(settings)
    for key, _ in list(keys_of(new)):
        if key[:len(prefix)] == prefix:
            _drop(new, key)
    merged = _merged(main, data, new, env)
    _write(settings, new)
    return merged


def value_at(cfg: Config, key: Key) -> Any:
    """The validated value of ``key`` in ``cfg``, as JSON-like data (to compare two configs)."""
    if key[0] == "fields":
        node: Any = cfg.field(key[1])
        key = key[2:]
    else:
        node = cfg
    for part in key:
        node = getattr(node, part)
    if isinstance(node, msgspec.Struct):
        return as_data(node)
    return list(node) if isinstance(node, tuple) else node


def _check(main: Path, settings: Path, expected: str | None) -> None:
    if expected is not None and fingerprint(main, settings) != expected:
        raise StaleFile(str(settings))


def _merged(main: Path, data: Mapping, settings: Mapping, env: Mapping[str, str] | None) -> Config:
    try:
        merged = merge(data, settings)
    except KeyError as exc:
        raise ConfigError(main, [str(exc.args[0])]) from None
    return parse_config(merged, source=main.resolve(), env=env)


def _set(data: dict[str, Any], key: Key, value: Any) -> None:
    *parents, name = key
    for part in parents:
        data = data.setdefault(part, {})
    data[name] = value


def _drop(data: dict[str, Any], key: Key) -> None:
    """Remove ``key`` and the tables it leaves empty."""
    head, *rest = key
    if head not in data:
        return
    if rest:
        _drop(data[head], tuple(rest))
        if data[head]:
            return
    del data[head]


def _plain(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def _write(path: Path, data: Mapping[str, Any]) -> None:
    """``data`` as the settings file, replacing it at once; no file when ``data`` is empty."""
    if not data:
        path.unlink(missing_ok=True)
        _fsync_dir(path.parent)
        return
    import tomlkit  # only when the admin saves: it stays out of an idle server's memory

    doc = tomlkit.document()
    for line in HEADER.splitlines():
        doc.add(tomlkit.comment(line))
    doc.update(_plain(copy.deepcopy(dict(data))))
    raw = tomlkit.dumps(doc).encode("utf-8")
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, MODE)
    try:
        with os.fdopen(fd, "wb") as fh:
            os.fchmod(fh.fileno(), MODE)  # whatever the umask
            fh.write(raw)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    _fsync_dir(path.parent)


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
