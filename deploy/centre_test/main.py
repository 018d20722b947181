"""deploy/centre-test: the command line."""

from __future__ import annotations

import argparse
import fcntl
import os
import shutil
import signal
import sys
from pathlib import Path

from . import host
from .centre import Centre
from .day import POINTS, Day
from .host import log, sh
from .lan import leftover_namespaces

TOOLS = {"debootstrap": "debootstrap", "systemd-nspawn": "systemd-container",
         "nsenter": "util-linux", "ip": "iproute2", "curl": "curl", "mkfs.ext4": "e2fsprogs"}
MACHINES = ["server", "restore", "kiosk", "rating", "screen"]


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(
        prog="deploy/centre-test",
        description="A centre in a box: every role installed by install.sh on its own Debian 12 "
                    "machine (systemd-nspawn, systemd as PID 1), on a private LAN, through a day "
                    "with faults. Needs root, debootstrap and systemd-nspawn; the package "
                    "registries while installing.")
    ap.add_argument("--cache", type=Path, default=Path("/var/cache/motcua-centre-test"),
                    help="the Debian base image and download caches (kept between runs)")
    ap.add_argument("--work", type=Path, default=Path("/var/tmp/motcua-centre-test"),
                    help="the machines' disks for this run (removed at the end)")
    ap.add_argument("--out", type=Path, default=Path("centre-test-out"),
                    help="logs; each machine's journal when something failed")
    ap.add_argument("--mirror", default="http://deb.debian.org/debian")
    ap.add_argument("--points", default=",".join(POINTS),
                    help=f"which points of the day, in order (default: all: {','.join(POINTS)})")
    ap.add_argument("--keep", action="store_true",
                    help="keep the machines' disks after the run (to look inside)")
    ap.add_argument("--reuse", action="store_true",
                    help="for developers: reuse the machines a former --reuse run installed "
                         "(saved in the cache) instead of installing again")
    return ap.parse_args(argv)


def preflight() -> str | None:
    if os.geteuid() != 0:
        return "needs root (it makes containers, network namespaces and loop mounts)"
    missing = sorted({pkg for tool, pkg in TOOLS.items() if shutil.which(tool) is None})
    if missing:
        return f"missing tools: apt-get install {' '.join(missing)} (./install.sh dev does)"
    return None


def clean_leftovers(work: Path) -> None:
    """What a run killed before its clean-up left: namespaces, mounts, machines."""
    for ns in leftover_namespaces():
        sh(["ip", "netns", "delete", ns], check=False, quiet=True)
    mounts = Path("/proc/mounts").read_text().split("\n")
    for line in mounts:
        parts = line.split()
        if len(parts) > 1 and parts[1].startswith(str(work) + "/"):
            sh(["umount", "-l", parts[1]], check=False, quiet=True)
    for proc in Path("/proc").glob("[0-9]*"):  # machines whose nspawn died before them
        try:
            root = os.readlink(proc / "root")
        except OSError:
            continue
        if root.startswith(str(work) + "/"):
            sh(["kill", "-9", proc.name], check=False, quiet=True)
    sh(["pkill", "-9", "-f", f"systemd-nspawn .* -D {work}/"], check=False, quiet=True)
    shutil.rmtree(work, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    problem = preflight()
    if problem:
        print(f"centre-test: {problem}", file=sys.stderr)
        return 2
    points = [p for p in args.points.split(",") if p]
    unknown = [p for p in points if p not in POINTS]
    if unknown:
        print(f"centre-test: unknown points {unknown} (known: {', '.join(POINTS)})",
              file=sys.stderr)
        return 2

    def interrupted(signum: int, _frame: object) -> None:
        raise KeyboardInterrupt(f"signal {signum}")
    signal.signal(signal.SIGTERM, interrupted)

    args.cache.mkdir(parents=True, exist_ok=True)
    lock = open(args.cache / "lock", "w")  # noqa: SIM115 - held until the process ends
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        log("another centre-test is running with this cache: waiting for it to end")
        fcntl.flock(lock, fcntl.LOCK_EX)
    source = Path(__file__).resolve().parents[2]
    args.out = args.out.resolve()
    shutil.rmtree(args.out, ignore_errors=True)
    args.out.mkdir(parents=True)
    work = args.work.resolve()
    clean_leftovers(work)
    work.mkdir(parents=True)
    centre = Centre(source, work, args.cache.resolve(), args.out, args.mirror, f"{os.getpid()}")
    day = Day(centre)
    crashed = ""
    try:
        log("installing every machine with install.sh")
        centre.build(MACHINES, reuse=args.reuse)
        log("the day, on the centre's LAN")
        centre.wire()
        day.run(points)
    except KeyboardInterrupt as exc:
        crashed = f"interrupted ({exc})"
    except Exception as exc:  # noqa: BLE001 - reported in the closing line, cleaned up below
        crashed = f"{type(exc).__name__}: {exc}"
    finally:
        failed = [r for r in day.results if not r.ok]
        if crashed or failed:
            try:
                centre.save_journals()
            except Exception as exc:  # noqa: BLE001
                log(f"could not save the journals: {exc}")
        centre.tear_down()
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    passed = sum(r.ok for r in day.results)
    if crashed:
        print(f"centre-test: stopped: {crashed[-3000:]}", file=sys.stderr)
    if crashed or failed:
        print(f"centre-test: logs and journals in {args.out}", file=sys.stderr)
    for r in failed:
        print(f"FAILED {r.point}: {r.detail}", file=sys.stderr)
    print(f"{passed} passed, {len(failed) + (1 if crashed else 0)} failed "
          f"({host.time.monotonic() - host.START:.0f} s)")
    return 1 if crashed or failed else 0
