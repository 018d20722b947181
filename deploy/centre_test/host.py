"""Running commands on the host, and the test's log lines."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Callable, Sequence

START = time.monotonic()


def log(message: str) -> None:
    """One progress line on stderr, with the seconds since the start."""
    print(f"[{time.monotonic() - START:7.1f}s] {message}", file=sys.stderr, flush=True)


class CommandFailed(RuntimeError):
    """A host command that had to succeed did not."""


def sh(args: Sequence[str], *, check: bool = True, timeout: float = 600, input: str | None = None,
       quiet: bool = False) -> subprocess.CompletedProcess[str]:
    """Run ``args`` on the host; raise CommandFailed (with its output) when ``check`` and it fails."""
    try:
        r = subprocess.run(list(args), capture_output=True, text=True, timeout=timeout,
                           input=input, errors="replace")
    except subprocess.TimeoutExpired as exc:
        raise CommandFailed(f"{' '.join(args)}: no end after {timeout:g} s") from exc
    if check and r.returncode != 0:
        tail = (r.stdout[-2000:] + "\n" + r.stderr[-3000:]).strip()
        raise CommandFailed(f"{' '.join(args)} exited {r.returncode}:\n{tail}")
    if not quiet and r.returncode != 0:
        log(f"(exit {r.returncode}) {' '.join(args)}: {r.stderr.strip()[-300:]}")
    return r


def wait_for(condition: Callable[[], object], *, timeout: float, every: float = 1.0,
             what: str = "") -> object:
    """Poll ``condition`` until it returns something true or ``timeout`` seconds pass (then the
    last value, false). Bounded: at most ``timeout / every + 1`` tries."""
    deadline = time.monotonic() + timeout
    value: object = None
    for _ in range(int(timeout / every) + 2):
        try:
            value = condition()
        except Exception as exc:  # noqa: BLE001 - a probe that fails is "not yet"
            value = None
            last = exc
        else:
            last = None
        if value:
            return value
        if time.monotonic() >= deadline:
            break
        time.sleep(every)
    if what:
        log(f"gave up waiting for {what} after {timeout:g} s" + (f" ({last})" if last else ""))
    return value
