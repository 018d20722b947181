"""Import python-escpos with its printer-capabilities cache in a folder that is kept.

On import, python-escpos reads its capabilities database (YAML: 0.15 s on a PC, about a second
on a Raspberry Pi, and 3 MB of memory) unless it finds a pickle of it from an earlier start. It
keeps that pickle in ``ESCPOS_CAPABILITIES_PICKLE_DIR`` or, when the variable is unset, in a new
temporary folder made for each process and never removed: every start parsed the YAML again
and left a folder with a 100 KB file in /tmp. Importing :mod:`printer` runs this module first;
it gives python-escpos a kept folder, ``$XDG_CACHE_HOME/motcua`` (``~/.cache/motcua``).
"""

from __future__ import annotations

import atexit
import logging
import os
import shutil
import sys
import tempfile
import threading
from pathlib import Path

log = logging.getLogger(__name__)

ENV = "ESCPOS_CAPABILITIES_PICKLE_DIR"


def cache_dir() -> Path | None:
    """A folder of this user's for the pickle, or None if there is none that can be written."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    folder = Path(base) / "motcua"
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    except OSError:
        return None
    if not os.access(folder, os.W_OK | os.X_OK) or folder.stat().st_uid != os.getuid():
        return None  # a pickle is code: load it only from a folder of our own
    return folder


def import_escpos() -> None:
    """Import ``escpos.capabilities``, pickled in :func:`cache_dir` (or a temporary folder that
    is removed at exit) unless ``ESCPOS_CAPABILITIES_PICKLE_DIR`` says where."""
    if "escpos.capabilities" in sys.modules:
        return
    if os.environ.get(ENV):
        import escpos.capabilities  # noqa: F401
        return
    folder = cache_dir()
    if folder is None:
        folder = Path(tempfile.mkdtemp(prefix="motcua-escpos-"))
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
        log.debug("no writable cache folder: python-escpos pickles its capabilities in %s",
                  folder)
    # python-escpos calls mkdtemp() for its default folder even when it is not used; for this
    # thread, during this import, mkdtemp() answers with our folder instead of making one.
    real = tempfile.mkdtemp
    me = threading.get_ident()

    def mkdtemp(*args, **kwargs):  # type: ignore[no-untyped-def]
        if not args and not kwargs and threading.get_ident() == me:
            return str(folder)
        return real(*args, **kwargs)

    tempfile.mkdtemp = mkdtemp
    try:
        try:
            import escpos.capabilities  # noqa: F401
        except ImportError:
            raise
        except Exception as exc:  # noqa: BLE001 - a pickle cut short by a power cut, say
            log.warning("python-escpos's capabilities cache in %s is unreadable (%s): rebuilt",
                        folder, exc)
            for stale in folder.glob("*.capabilities.pickle"):
                stale.unlink(missing_ok=True)
            import escpos.capabilities  # noqa: F401
    finally:
        tempfile.mkdtemp = real


import_escpos()
