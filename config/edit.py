"""Change a few keys of the config file in place, its comments and layout kept (tomlkit).

The whole file is validated as :func:`config.loader.load_config` would read it before anything is
written, so an invalid value never reaches the file; the new text replaces the old one at once
(a temporary file renamed over it), or in place when the directory is not writable. A file that
changed since it was read (``fingerprint``) is not overwritten.
"""

from __future__ import annotations

import errno
import hashlib
import os
import tomllib
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import tomlkit
from tomlkit.items import AoT, Table

from .loader import ConfigError, parse_config
from .schema import Config

Key = tuple[str, ...]
"""Where a value goes: ``("remote", "networks")``, or a field's key ``("fields", "ho-tich",
"appointments")``: the field is found by its id."""


class StaleFile(Exception):
    """The file changed since it was read: someone else edited it."""


def fingerprint(text: str | bytes) -> str:
    """What :func:`edit_config` compares to be sure the file is the one that was read."""
    raw = text.encode("utf-8") if isinstance(text, str) else text
    return hashlib.sha256(raw).hexdigest()


def edit_config(path: Path, changes: Iterable[tuple[Key, Any]], *,
                expected: str | None = None, env: Mapping[str, str] | None = None) -> Config:
    """Set each ``(key, value)`` of ``changes`` in the file at ``path`` (``None`` removes the key,
    so its default applies; a mapping replaces a table's keys, keeping the comments of those it
    keeps) and return the file's new config. Raises :class:`ConfigError` (nothing written) when
    the result is invalid, :class:`StaleFile` when the file is not the one ``expected``."""
    raw = path.read_bytes()
    if expected is not None and fingerprint(raw) != expected:
        raise StaleFile(str(path))
    doc = tomlkit.parse(raw.decode("utf-8"))
    for key, value in changes:
        _set(doc, key, value)
    text = tomlkit.dumps(doc)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:  # never expected: tomlkit writes TOML
        raise ConfigError(path, [f"not valid TOML: {exc}"]) from None
    new = parse_config(data, source=path.resolve(), env=env)
    _write(path, text)
    return new


def _set(doc: Any, key: Key, value: Any) -> None:
    *parents, name = key
    container = doc
    if parents and parents[0] == "fields":
        container = _field(doc, parents[1])
        parents = parents[2:]
    for part in parents:
        if part not in container:
            container[part] = tomlkit.table()
        container = container[part]
    _put(container, name, value)


def _field(doc: Any, field_id: str) -> Table:
    fields = doc.get("fields")
    if isinstance(fields, AoT | list):
        for item in fields:
            if item.get("id") == field_id:
                return item
    raise KeyError(f"fields: no field {field_id!r}")


def _put(container: Any, name: str, value: Any) -> None:
    if value is None:
        if name in container:
            del container[name]
        return
    if isinstance(value, Mapping):
        new = name not in container or not isinstance(container[name], Table)
        if new:
            container[name] = tomlkit.table()
        table = container[name]
        for old in [k for k in table if k not in value]:
            del table[old]
        for k, v in value.items():
            _put(table, k, v)
        if new:
            table.add(tomlkit.nl())  # a blank line before whatever follows
        return
    if isinstance(value, tuple):
        value = list(value)
    if name in container and container[name] == value:
        return  # unchanged: keep its comment and form
    if name in container:
        old = container[name]
        item = tomlkit.item(value)
        if hasattr(old, "trivia") and old.trivia.comment:  # its comment, in its column
            pad = len(old.as_string()) + len(old.trivia.comment_ws) - len(item.as_string())
            item.trivia.comment_ws = " " * max(1, pad)
            item.trivia.comment = old.trivia.comment
        container[name] = item
        return
    container[name] = value


def writable(path: Path) -> bool:
    """Whether this process may write the file (not on a read-only mount, as systemd's
    ``ProtectSystem=full`` makes /etc for the server)."""
    return os.access(path, os.W_OK)


def _write(path: Path, text: str) -> None:
    data = text.encode("utf-8")
    mode = path.stat().st_mode & 0o777
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    except OSError as exc:  # the directory is not ours (/etc/motcua): write the file in place
        if exc.errno not in (errno.EACCES, errno.EPERM, errno.EROFS):
            raise
        with path.open("r+b") as fh:
            fh.write(data)
            fh.truncate()
            fh.flush()
            os.fsync(fh.fileno())
        return
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    dir_fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)
