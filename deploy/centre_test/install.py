"""Installing a role on a machine the way docs/install.md tells an IT officer: the checkout copied
onto the machine, then ``sudo ./install.sh ROLE ...`` on it, with the registries reachable."""

from __future__ import annotations

import subprocess
from pathlib import Path

from .host import log, sh
from .machine import Machine

CHECKOUT = "/root/motcua"
SKIP = [".venv", ".git", "data", "build", "*.egg-info", "__pycache__", ".pytest_cache",
        ".ruff_cache", "centre-test-out"]


def copy_checkout(source: Path, machine: Machine) -> None:
    """The checkout onto the machine (as `git clone` or a USB stick would put it)."""
    target = machine.path(CHECKOUT)
    sh(["rm", "-rf", str(target)])
    target.mkdir(parents=True)
    excludes = [f"--exclude={p}" for p in SKIP]
    tar = subprocess.Popen(["tar", "-C", str(source), *excludes, "-cf", "-", "."],
                           stdout=subprocess.PIPE)
    untar = subprocess.run(["tar", "-C", str(target), "-xf", "-"], stdin=tar.stdout, check=False)
    tar.wait()
    if tar.returncode or untar.returncode:
        raise RuntimeError(f"copying the checkout onto {machine.name} failed")


def cache_binds(cache: Path) -> list[str]:
    """Download caches shared by every machine while installing (pip's and apt's), so that the
    second machine does not download again what the first did."""
    pip = cache / "pip"
    apt = cache / "apt-archives"
    (apt / "partial").mkdir(parents=True, exist_ok=True)
    pip.mkdir(parents=True, exist_ok=True)
    return [f"{pip}:/root/.cache/pip", f"{apt}:/var/cache/apt/archives"]


def install(machine: Machine, args: list[str], logs: Path, *, timeout: float = 1500) -> str:
    """Run ``./install.sh ARGS`` in the checkout on the (running) machine; its output."""
    command = f"cd {CHECKOUT} && ./install.sh {' '.join(args)}"
    log(f"{machine.name}: {command}")
    r = machine.run(command + " 2>&1", check=False, timeout=timeout)
    (logs / f"{machine.name}.install.log").open("a").write(f"$ {command}\n{r.stdout}\n")
    if r.returncode != 0:
        raise RuntimeError(f"{machine.name}: ./install.sh {' '.join(args)} exited {r.returncode}:"
                           f"\n{r.stdout[-3000:]}")
    return r.stdout
