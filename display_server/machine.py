"""This server process and the machine under it, as the admin dashboard shows them: the memory
the process holds and the memory the machine has left (Linux's ``/proc``; None where a figure
cannot be read)."""

from __future__ import annotations

import os
from pathlib import Path


def kib_fields(path: str | Path, keys: tuple[str, ...]) -> dict[str, int]:
    """``Key: 123 kB`` lines of a ``/proc`` file, in bytes, for the ``keys`` found there."""
    found: dict[str, int] = {}
    try:
        with open(path, encoding="ascii", errors="replace") as fh:
            for line in fh:
                name, _, rest = line.partition(":")
                if name in keys and rest.split():
                    found[name] = int(rest.split()[0]) * 1024
    except (OSError, ValueError):
        pass
    return found


def available_memory() -> int | None:
    """Memory the machine can still give (``MemAvailable``), in bytes."""
    return kib_fields("/proc/meminfo", ("MemAvailable",)).get("MemAvailable")


def process_memory(pid: int | None = None) -> int | None:
    """Resident memory of a process (this one by default), in bytes: summed page by page
    (``smaps_rollup``) where the kernel has it; ``VmRSS`` (kept per thread and synced lazily,
    up to 1.5 MB high) otherwise."""
    proc = Path("/proc") / str(pid or os.getpid())
    rss = kib_fields(proc / "smaps_rollup", ("Rss",)).get("Rss")
    return rss if rss is not None else kib_fields(proc / "status", ("VmRSS",)).get("VmRSS")


def memory() -> dict[str, int | None]:
    """``process_bytes`` (this server process), ``available_bytes`` and ``total_bytes`` (the
    machine)."""
    info = kib_fields("/proc/meminfo", ("MemAvailable", "MemTotal"))
    return {"process_bytes": process_memory(), "available_bytes": info.get("MemAvailable"),
            "total_bytes": info.get("MemTotal")}
