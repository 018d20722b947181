"""``motcua backup`` and ``motcua restore``: copies of the SQLite database, safe while it runs.

A backup uses SQLite's online backup API (``sqlite3.Connection.backup``) in one step, so the copy
is one consistent snapshot even while the server keeps writing (WAL lets readers and the writer
work side by side). Each backup is checked with ``PRAGMA integrity_check``, gzip-compressed by
default, written under a temporary name and renamed into place, so a half-written file never
looks like a backup. Only the newest ``--keep`` backups are kept (with the daily timer: N days).
The admin page's settings file (``admin-settings.toml`` in the data directory) is copied beside
each backup as ``motcua-<time>.admin-settings.toml`` and pruned with it. ``motcua backup`` notes
how it went in ``backup-status.json`` in the data directory, for the admin dashboard.

A restore checks that the file is a sound motcua database, refuses while a server seems to be
running (unless ``--force``), keeps a copy of the current database, copies the backup in through
the same backup API (so SQLite's WAL files stay consistent), then migrates it to the current schema.

PostgreSQL is not handled here: ``pg_dump`` / ``pg_restore`` do that job (the commands say so).
"""

from __future__ import annotations

import gzip
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import NoReturn

import click

from config.admin_settings import settings_path

BACKUP_RE = re.compile(r"^motcua-(\d{8}-\d{6})(?:-(\d+))?\.db(\.gz)?$")
"""Names of the backups this module makes (and the only files pruning may delete)."""
SETTINGS_SUFFIX = ".admin-settings.toml"
"""The admin's settings saved with a backup: ``motcua-<time>`` + this, beside it."""
DEFAULT_KEEP = 30
COPY_CHUNK = 1 << 20


class BackupError(Exception):
    """A backup or restore that cannot be done; the message says why, in one line."""


@dataclass(frozen=True)
class BackupResult:
    path: Path
    size: int
    pruned: tuple[Path, ...]
    settings: Path | None = None
    """The admin's settings copied beside it (None: the server has none)."""


@dataclass(frozen=True)
class RestoreResult:
    database: Path
    previous_copy: Path | None
    revision_before: str
    revision_after: str
    tickets: int
    ratings: int


# -- where the database is ------------------------------------------------------------------------
def sqlite_path(database_url: str) -> Path:
    """The file of a SQLite URL; a :class:`BackupError` for any other database."""
    if not database_url.startswith("sqlite"):
        scheme = database_url.split(":", 1)[0]
        raise BackupError(
            f"the database is {scheme}, not SQLite: use PostgreSQL's own tools: "
            "pg_dump -Fc -f motcua.dump DATABASE to back up, "
            "pg_restore --clean -d DATABASE motcua.dump to restore (see docs/install.md)"
        )
    from sqlalchemy.engine import make_url

    name = make_url(database_url).database
    if not name or name == ":memory:":
        raise BackupError("an in-memory database cannot be backed up")
    return Path(name)


def _unused_name(folder: Path, stem: str, suffix: str) -> Path:
    """``stem + suffix`` in ``folder``, or ``stem-1 + suffix``... if taken (same second)."""
    path = folder / f"{stem}{suffix}"
    n = 1
    while path.exists():
        path = folder / f"{stem}-{n}{suffix}"
        n += 1
    return path


def _backup_name(now: datetime, folder: Path, compress: bool) -> Path:
    return _unused_name(folder, f"motcua-{now.strftime('%Y%m%d-%H%M%S')}",
                        ".db.gz" if compress else ".db")


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _match_owner(paths: list[Path], like: Path) -> None:
    """When run as root, give new files the owner of ``like`` (the service user's folder), so
    the server and the backup timer can still use them."""
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        return
    st = like.stat()
    for p in paths:
        if p.exists():
            os.chown(p, st.st_uid, st.st_gid)


def integrity_problems(conn: sqlite3.Connection) -> list[str]:
    """``PRAGMA integrity_check``: an empty list when the database is sound."""
    rows = [r[0] for r in conn.execute("PRAGMA integrity_check").fetchall()]
    return [] if rows == ["ok"] else rows


def copy_checked(src: sqlite3.Connection, dest: Path, journal_mode: str) -> list[str]:
    """Copy all of ``src`` into the database ``dest`` with SQLite's backup API, set its journal
    mode, and return its integrity problems (none: sound). Closes ``src``."""
    try:
        dst = sqlite3.connect(dest, timeout=30)
        try:
            src.backup(dst)
            dst.execute(f"PRAGMA journal_mode={journal_mode}")
            return integrity_problems(dst)
        finally:
            dst.close()
    finally:
        src.close()


def settings_beside(backup: Path) -> Path:
    """Where the admin's settings saved with ``backup`` are (``motcua-<time>.admin-settings.toml``)."""
    stem = backup.name.removesuffix(".gz").removesuffix(".db")
    return backup.with_name(stem + SETTINGS_SUFFIX)


def _read_settings(settings: Path | None) -> bytes | None:
    """The admin's settings file, before anything is written (None: the server has none)."""
    if settings is None:
        return None
    try:
        return settings.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise BackupError(f"cannot read the admin page's settings {settings}: "
                          f"{exc.strerror or exc} (no backup written)") from None


def _copy_settings(raw: bytes, backup: Path) -> Path:
    """Write the admin's settings beside ``backup`` (mode 0640, renamed into place)."""
    final = settings_beside(backup)
    part = final.with_name(f".{final.name}.part")
    try:
        with part.open("wb") as fh:
            fh.write(raw)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(part, 0o640)
        os.replace(part, final)
    finally:
        part.unlink(missing_ok=True)
    return final


# -- backup ---------------------------------------------------------------------------------------
def backup_database(db_path: Path, folder: Path, *, keep: int = DEFAULT_KEEP, compress: bool = True,
                    now: datetime | None = None, settings: Path | None = None) -> BackupResult:
    """Copy ``db_path`` into ``folder`` as one consistent snapshot, and the admin's ``settings``
    file beside it when there is one, then prune to ``keep``."""
    if keep < 1:
        raise BackupError("--keep must be at least 1")
    if not db_path.is_file():
        raise BackupError(f"no database at {db_path} (run motcua init first)")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise BackupError(f"cannot create the backup folder {folder}: {exc.strerror}") from None
    settings_raw = _read_settings(settings)
    final = _backup_name(now or datetime.now().astimezone(), folder, compress)
    part_db = folder / f".{final.name}.part.db"
    part_final = folder / f".{final.name}.part"
    try:
        # pages=-1: everything in one step, one read transaction; DELETE: one self-contained file
        problems = copy_checked(sqlite3.connect(db_path, timeout=30), part_db, "DELETE")
        if problems:
            raise BackupError(f"the copy of {db_path} failed its integrity check: {problems[0]}")
        if compress:
            with part_db.open("rb") as fin, gzip.open(part_final, "wb", compresslevel=6) as fout:
                shutil.copyfileobj(fin, fout, COPY_CHUNK)
            part_db.unlink()
        else:
            part_db.rename(part_final)
        with part_final.open("rb+") as fh:
            os.fsync(fh.fileno())
        os.chmod(part_final, 0o640)  # it holds password hashes: not for every local user
        os.replace(part_final, final)
        saved = _copy_settings(settings_raw, final) if settings_raw is not None else None
        _fsync_dir(folder)
    except sqlite3.Error as exc:
        raise BackupError(f"cannot back up {db_path}: {exc}") from None
    except OSError as exc:
        raise BackupError(f"cannot write the backup in {folder}: {exc.strerror or exc}") from None
    finally:
        for p in (part_db, part_final):
            p.unlink(missing_ok=True)
    _match_owner([final, *([saved] if saved else [])], like=folder)
    return BackupResult(final, final.stat().st_size, tuple(prune(folder, keep)), saved)


def list_backups(folder: Path) -> list[Path]:
    """The backups in ``folder``, oldest first."""
    if not folder.is_dir():
        return []
    found = []
    for p in folder.iterdir():
        m = BACKUP_RE.match(p.name)
        if m and p.is_file():
            found.append((m.group(1), int(m.group(2) or 0), p))
    return [p for *_, p in sorted(found)]


def prune(folder: Path, keep: int) -> list[Path]:
    """Delete all but the newest ``keep`` backups (and the settings saved with them); other files
    in the folder are left alone."""
    backups = list_backups(folder)
    doomed = backups[:-keep] if len(backups) > keep else []
    for p in doomed:
        p.unlink(missing_ok=True)
        settings_beside(p).unlink(missing_ok=True)
    return doomed


# -- restore --------------------------------------------------------------------------------------
def _unpack(source: Path, work_dir: Path) -> Path:
    """A plain database file to read: ``source`` itself, or its gunzipped copy in ``work_dir``."""
    with source.open("rb") as fh:
        magic = fh.read(2)
    if magic != b"\x1f\x8b":
        return source
    out = work_dir / f".restore-{os.getpid()}.db"
    try:
        with gzip.open(source, "rb") as fin, out.open("wb") as fout:
            shutil.copyfileobj(fin, fout, COPY_CHUNK)
    except (OSError, EOFError) as exc:
        out.unlink(missing_ok=True)
        raise BackupError(f"{source} is not a readable gzip file: {exc}") from None
    return out


def inspect_backup(path: Path) -> tuple[str, int, int]:
    """Check that ``path`` is a sound motcua database: (schema revision, tickets, ratings)."""
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise BackupError(f"cannot open {path}: {exc}") from None
    try:
        problems = integrity_problems(conn)
        if problems:
            raise BackupError(f"{path} failed its integrity check: {problems[0]}")
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if "alembic_version" not in tables or "tickets" not in tables:
            raise BackupError(f"{path} is not a motcua database (no alembic_version or tickets table)")
        revision = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        if not revision:
            raise BackupError(f"{path} is not a motcua database (empty alembic_version)")
        tickets = conn.execute("SELECT count(*) FROM tickets").fetchone()[0]
        ratings = (conn.execute("SELECT count(*) FROM ratings").fetchone()[0]
                   if "ratings" in tables else 0)
        return revision[0], tickets, ratings
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{path} is not a SQLite database ({exc})") from None
    finally:
        conn.close()


def _known_revision(revision: str) -> bool:
    from alembic.script import ScriptDirectory

    from motcua.core.storage.migrate import MIGRATIONS

    try:
        return ScriptDirectory(str(MIGRATIONS)).get_revision(revision) is not None
    except Exception:  # alembic raises several kinds for an unknown id
        return False


def server_running(host: str, port: int) -> str | None:
    """Why we think a motcua server is running here (None when it seems stopped)."""
    try:
        done = subprocess.run(["systemctl", "is-active", "--quiet", "motcua-server.service"],
                              capture_output=True, timeout=10)
        if done.returncode == 0:
            return "the motcua-server service is active"
    except (OSError, subprocess.TimeoutExpired):
        pass
    probe = "127.0.0.1" if host in ("", "0.0.0.0", "::") else host
    url = f"http://{probe}:{port}/api/v1/health"
    try:
        with urllib.request.urlopen(url, timeout=2):
            return f"a server answers at {url}"
    except urllib.error.HTTPError:
        return f"a server answers at {url}"
    except (OSError, ValueError):
        return None


def restore_database(source: Path, db_path: Path, database_url: str, *,
                     now: datetime | None = None) -> RestoreResult:
    """Replace the database at ``db_path`` with the backup ``source`` and migrate it to head.

    The current database (if any) is first copied next to it as
    ``motcua-before-restore-<time>.db``.
    """
    if not source.is_file():
        raise BackupError(f"no such file: {source}")
    if db_path.exists() and source.resolve() == db_path.resolve():
        raise BackupError(f"{source} is the database itself: give a backup file")
    folder = db_path.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise BackupError(f"cannot create the data directory {folder}: {exc.strerror}") from None
    plain = _unpack(source, folder)
    try:
        revision, tickets, ratings = inspect_backup(plain)
        if not _known_revision(revision):
            raise BackupError(f"{source} has schema {revision}, which this motcua does not know: "
                              "upgrade motcua before restoring it")
        stamp = (now or datetime.now().astimezone()).strftime("%Y%m%d-%H%M%S")
        previous: Path | None = None
        if db_path.exists() and db_path.stat().st_size > 0:
            previous = _unused_name(folder, f"motcua-before-restore-{stamp}", ".db")
            src = sqlite3.connect(db_path, timeout=30)
            try:
                dst = sqlite3.connect(previous)
                try:
                    src.backup(dst)
                    dst.execute("PRAGMA journal_mode=DELETE")
                finally:
                    dst.close()
            finally:
                src.close()
        # Copy in through SQLite, not by replacing the file: the current WAL and shared-memory
        # files then stay consistent with the new content (and so would a running server).
        problems = copy_checked(sqlite3.connect(f"file:{plain}?mode=ro", uri=True), db_path,
                                "WAL")
        if problems:
            raise BackupError(f"the restored database failed its integrity check: {problems[0]}")
    except sqlite3.Error as exc:
        raise BackupError(f"cannot restore into {db_path}: {exc}") from None
    finally:
        if plain != source:
            plain.unlink(missing_ok=True)

    from motcua.core.storage import Database, upgrade

    db = Database(database_url)
    try:
        _, after = upgrade(db)
    finally:
        db.dispose()
    _match_owner([db_path, Path(f"{db_path}-wal"), Path(f"{db_path}-shm"),
                  *([previous] if previous else [])], like=folder)
    return RestoreResult(db_path, previous, revision, after, tickets, ratings)


# -- commands -------------------------------------------------------------------------------------
def _fail(message: str) -> NoReturn:
    click.echo(f"error: {message}", err=True)
    sys.exit(1)


def _config():
    return click.get_current_context().find_root().obj.config()


def _size(n: float) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n:.1f} GB"


@click.command("backup")
@click.option("--to", "folder", type=click.Path(file_okay=False, path_type=Path), default=None,
              envvar="MOTCUA_BACKUP_DIR", show_envvar=True,
              help="Folder for the backups (default: backups/ in the data directory).")
@click.option("--keep", type=int, default=DEFAULT_KEEP, show_default=True,
              envvar="MOTCUA_BACKUP_KEEP", show_envvar=True,
              help="How many backups to keep, newest first (daily timer: N days).")
@click.option("--no-compress", is_flag=True, help="Write a plain .db file instead of .db.gz.")
def backup_command(folder: Path | None, keep: int, no_compress: bool) -> None:
    """Back up the database (safe while the server runs).

    Writes motcua-YYYYMMDD-HHMMSS.db.gz and keeps only the newest --keep backups.
    """
    from motcua.core.storage import backup_status

    cfg = _config()

    def note(record, *args) -> None:  # how it went, for the admin dashboard
        record(cfg.data_path, datetime.now().astimezone(), *args)
        _match_owner([backup_status.status_path(cfg.data_path)], like=cfg.data_path)

    try:
        db_path = sqlite_path(cfg.database_url)
    except BackupError as exc:
        _fail(str(exc))
    try:
        result = backup_database(db_path, folder or cfg.data_path / "backups", keep=keep,
                                 compress=not no_compress, settings=settings_path(cfg.data_path))
    except BackupError as exc:
        note(backup_status.record_failure, str(exc))
        _fail(str(exc))
    note(backup_status.record_success, result.path, result.size)
    click.echo(f"backup written: {result.path} ({_size(result.size)})")
    if result.settings:
        click.echo(f"admin page settings saved beside it: {result.settings}")
    for p in result.pruned:
        click.echo(f"removed old backup: {p.name}")


@click.command("restore")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Restore even though a server seems to be running.")
def restore_command(file: Path, force: bool) -> None:
    """Replace the database with a backup FILE.

    FILE is a .db or .db.gz made by motcua backup. The current database is kept as
    motcua-before-restore-<time>.db in the data directory; the restored one is migrated.
    """
    cfg = _config()
    try:
        db_path = sqlite_path(cfg.database_url)
    except BackupError as exc:
        _fail(str(exc))
    if not file.is_file():
        _fail(f"no such file: {file}")
    running = server_running(cfg.server.host, cfg.server.port)
    if running and not force:
        _fail(f"{running}: stop it first (sudo systemctl stop motcua-server), "
              "or use --force")
    try:
        result = restore_database(file, db_path, cfg.database_url)
    except BackupError as exc:
        _fail(str(exc))
    if result.previous_copy:
        click.echo(f"the database before the restore was kept as {result.previous_copy}")
    click.echo(f"restored {file} into {result.database}: {result.tickets} tickets, "
               f"{result.ratings} ratings (schema {result.revision_before} -> {result.revision_after})")
    saved = settings_beside(file)
    if saved.is_file():
        click.echo(f"the admin page's settings of this backup are in {saved}: to use them again, "
                   f"copy it to {settings_path(cfg.data_path)} (as the motcua user)")
    if running:
        click.echo("a server was running: restart it now (sudo systemctl restart motcua-server)")
