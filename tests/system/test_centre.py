"""The system test: deploy/centre-test installs every role with install.sh on its own Debian 12
machine (systemd-nspawn, systemd as PID 1), wires them on a private LAN and drives a day with
faults (docs/install.md, "The centre test"). It needs root and the tools ./install.sh dev
installs (debootstrap, systemd-container); the package registries while it installs."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow


@pytest.mark.skipif(os.geteuid() != 0, reason="makes containers and network namespaces: root only")
def test_a_centre_in_a_box_through_a_day_with_faults(tmp_path: Path) -> None:
    for tool in ("debootstrap", "systemd-nspawn"):
        assert shutil.which(tool), f"{tool} is missing: ./install.sh dev installs it"
    out = tmp_path / "out"
    proc = subprocess.Popen([str(ROOT / "deploy/centre-test"), "--out", str(out)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        stdout, stderr = proc.communicate(timeout=35 * 60)
    except subprocess.TimeoutExpired:
        proc.terminate()  # SIGTERM: it still powers off its machines and removes its LAN
        stdout, stderr = proc.communicate(timeout=300)
        stderr += "\n(stopped: no end after 35 minutes)"
    closing = stdout.strip().splitlines()[-1] if stdout.strip() else ""
    report = f"{closing}\n{stderr[-12000:]}"
    if proc.returncode != 0:  # keep the journals where CI's artefacts are
        kept = ROOT / "centre-test-out"
        shutil.rmtree(kept, ignore_errors=True)
        shutil.copytree(out, kept, dirs_exist_ok=True)
    assert proc.returncode == 0, report
    m = re.fullmatch(r"(\d+) passed, 0 failed \(\d+ s\)", closing)
    assert m and int(m.group(1)) >= 25, report
