"""The Debian 12 base every machine starts from: built once with debootstrap, cached by a hash of
what goes into it, and copied for each machine (like writing a fresh SD card)."""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

from .host import log, sh

SUITE = "bookworm"
# What a Raspberry Pi OS Lite (Bookworm) image has before install.sh runs: systemd, Python 3,
# sudo, curl, iproute2. install.sh installs the rest (python3-venv among it).
PACKAGES = ["systemd", "systemd-sysv", "dbus", "iproute2", "ca-certificates", "python3", "sudo",
            "curl", "procps", "tzdata"]
ZONE = "Asia/Ho_Chi_Minh"


def registry_settings() -> dict[str, bytes]:
    """The host's settings for reaching the package registries (its apt sources and options, pip's
    config, extra CA certificates, e.g. a proxy's), copied into the base so that a machine reaches
    the registries as the host does. On a plain Debian host this is only its apt sources."""
    found: dict[str, bytes] = {}
    patterns = [("/etc/apt", "sources.list"), ("/etc/apt/sources.list.d", "*.sources"),
                ("/etc/apt/sources.list.d", "*.list"), ("/usr/local/share/ca-certificates", "*.crt"),
                ("/etc", "pip.conf")]
    for folder, pattern in patterns:
        for f in sorted(Path(folder).glob(pattern)):
            if f.is_file():
                found[str(f)] = f.read_bytes()
    for f in sorted(Path("/etc/apt/apt.conf.d").glob("*")):
        text = f.read_bytes() if f.is_file() else b""
        if b"Acquire::" in text:  # proxies, validity checks of a mirror
            found[str(f)] = text
    return found


def key(mirror: str) -> str:
    h = hashlib.sha256()
    h.update(f"{SUITE} {mirror} {' '.join(PACKAGES)} {ZONE} v2".encode())
    for path, data in sorted(registry_settings().items()):
        h.update(path.encode() + b"\0" + data + b"\0")
    return h.hexdigest()[:16]


def base_image(cache: Path, mirror: str) -> Path:
    """The cached base for this mirror and package list; built (about a minute) when missing."""
    cache.mkdir(parents=True, exist_ok=True)
    root = cache / f"base-{SUITE}-{key(mirror)}"
    if (root / ".complete").exists():
        log(f"base image: reusing {root}")
        return root
    for old in cache.glob(f"base-{SUITE}-*"):
        if old != root:
            shutil.rmtree(old, ignore_errors=True)
    work = root.with_name(root.name + ".building")
    shutil.rmtree(work, ignore_errors=True)
    log(f"base image: debootstrap {SUITE} from {mirror} into {work}")
    sh(["debootstrap", "--variant=minbase", f"--include={','.join(PACKAGES)}", SUITE, str(work),
        mirror], timeout=1200)
    settings = registry_settings()
    if "/etc/apt/sources.list" not in settings and any("sources.list.d" in p for p in settings):
        (work / "etc/apt/sources.list").unlink(missing_ok=True)  # the host's sources instead
    for path, data in settings.items():
        target = work / path.lstrip("/")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    sh(["chroot", str(work), "update-ca-certificates"], timeout=120)
    (work / "var/log/journal").mkdir(parents=True, exist_ok=True)  # a persistent journal
    localtime = work / "etc/localtime"
    localtime.unlink(missing_ok=True)
    localtime.symlink_to(f"/usr/share/zoneinfo/{ZONE}")
    (work / "etc/timezone").write_text(ZONE + "\n")
    (work / "etc/machine-id").write_text("")  # each machine gets its own at first boot
    (work / "etc/hostname").write_text("debian\n")
    (work / ".complete").write_text("")
    os.rename(work, root)
    return root


def copy_machine(base: Path, root: Path) -> None:
    """A fresh machine's root folder from the base (cp -a, reflinks where the disk can)."""
    if root.exists():
        shutil.rmtree(root)
    root.parent.mkdir(parents=True, exist_ok=True)
    sh(["cp", "-a", "--reflink=auto", str(base), str(root)], timeout=600)
    (root / ".complete").unlink(missing_ok=True)
