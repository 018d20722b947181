"""How the backups went: ``motcua backup`` writes it, the admin dashboard reads it.

A small JSON file in the data directory, ``backup-status.json``: the last backup written
(``last_ok``: when, which file, its size) and the last one that failed since (``last_error``:
when, and the command's one-line reason), so a backup timer that stopped working, or a backup
folder that filled up, shows on the dashboard instead of in a log nobody reads. A file, not a
row: a backup that fails because the database cannot be read still says so.
"""

from __future__ import annotations

import json
import logging
import os
from datetime import datetime
from pathlib import Path

log = logging.getLogger(__name__)

FILE_NAME = "backup-status.json"


def status_path(data_path: Path) -> Path:
    return data_path / FILE_NAME


def read_status(data_path: Path) -> dict:
    """``{"last_ok": {"at", "file", "size"} | None, "last_error": {"at", "message"} | None}``;
    both None when no backup ran yet (or the file cannot be read)."""
    try:
        data = json.loads(status_path(data_path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        data = {}
    if not isinstance(data, dict):
        data = {}
    return {key: entry if isinstance(entry := data.get(key), dict) else None
            for key in ("last_ok", "last_error")}


def _write(data_path: Path, status: dict) -> None:
    if not data_path.is_dir():  # no data directory, no server to tell
        return
    path = status_path(data_path)
    part = path.with_name(f".{path.name}.part")
    try:
        part.write_text(json.dumps(status, ensure_ascii=False), encoding="utf-8")
        os.replace(part, path)
    except OSError as exc:  # a full disk: the backup's own message says more
        part.unlink(missing_ok=True)
        log.warning("cannot record the backup's outcome in %s: %s", path, exc.strerror or exc)


def record_success(data_path: Path, at: datetime, file: Path, size: int) -> None:
    """A backup was written: it is the last good one, and no failure follows it."""
    _write(data_path, {"last_ok": {"at": at.isoformat(timespec="seconds"), "file": str(file),
                                   "size": size}, "last_error": None})


def record_failure(data_path: Path, at: datetime, message: str) -> None:
    """A backup failed: kept beside the last good one."""
    _write(data_path, {**read_status(data_path),
                       "last_error": {"at": at.isoformat(timespec="seconds"), "message": message}})
