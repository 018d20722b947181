"""Every Raspberry Pi role installs from wheels: nothing that would need a compiler on a Pi.

pip is asked to download each role's requirements (pyproject's dependencies and the role's
extras, as ``install.sh`` chooses them) as binary wheels for a 64-bit Raspberry Pi OS Bookworm:
CPython 3.11 on aarch64 with glibc 2.36, so every manylinux tag up to manylinux_2_36 (lgpio, for
one, ships manylinux_2_34 wheels only). pip evaluates markers on this machine, not the Pi, so our
own Pi-only requirements (lgpio) are passed without their marker."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from packaging.markers import default_environment
from packaging.requirements import Requirement

from .conftest import HELPER, ROOT, clean_env

pytestmark = pytest.mark.slow
PI_ROLES = ["server", "kiosk", "rating-station"]
PLATFORMS = [f"manylinux_2_{n}_aarch64" for n in range(36, 16, -1)] + ["manylinux2014_aarch64"]
PI_ENVIRONMENT = {**default_environment(), "platform_machine": "aarch64", "python_version": "3.11",
                  "python_full_version": "3.11.2", "sys_platform": "linux"}
UNREACHABLE = ("Could not fetch URL", "NewConnectionError", "Max retries exceeded",
               "Temporary failure in name resolution", "Network is unreachable")


def pi_requirements(role: str) -> list[str]:
    """What ``pip install motcua[extras]`` would ask for on a Pi, without motcua itself."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    lines = subprocess.run([sys.executable, str(HELPER), "extras", role], check=True,
                           capture_output=True, text=True).stdout.splitlines()
    extras = [e for e in (lines[0] if lines else "").split(",") if e]
    wanted = list(project["dependencies"]) + lines[1:]
    for extra in extras:
        wanted += project["optional-dependencies"][extra]
    out = []
    for text in wanted:
        req = Requirement(text)
        if req.marker is None or req.marker.evaluate(PI_ENVIRONMENT):
            req.marker = None
            out.append(str(req))
    return out


@pytest.mark.parametrize("role", [*PI_ROLES, "demo", "dev"])
def test_no_role_depends_on_pydantic(role: str) -> None:
    """msgspec validates the config and the API bodies: pydantic (7.5 MB of the server's memory
    for its import alone) is no dependency of any role."""
    names = {Requirement(r).name.lower() for r in pi_requirements(role)}
    assert "msgspec" in names
    assert not names & {"pydantic", "pydantic-core"}, names


def test_pi_roles_need_lgpio() -> None:
    assert any(r.startswith("lgpio") for r in pi_requirements("rating-station"))
    assert any(r.startswith("lgpio") for r in pi_requirements("kiosk"))
    assert not any(r.startswith("lgpio") for r in pi_requirements("server"))


@pytest.mark.parametrize("role", PI_ROLES)
def test_every_dependency_has_a_wheel_for_a_pi(role: str, tmp_path_factory) -> None:
    dest = tmp_path_factory.getbasetemp() / "pi-wheels"  # shared: each file is fetched once
    platforms = [arg for p in PLATFORMS for arg in ("--platform", p)]
    r = subprocess.run([sys.executable, "-m", "pip", "download", "-q", "--only-binary=:all:",
                        *platforms, "--python-version", "3.11", "--implementation", "cp",
                        "-d", str(dest), *pi_requirements(role)],
                       env=clean_env(), capture_output=True, text=True, timeout=900)
    if r.returncode != 0 and any(s in r.stderr for s in UNREACHABLE):
        pytest.skip(f"the package index cannot be reached: {r.stderr.strip().splitlines()[-1]}")
    assert r.returncode == 0, (f"the {role} role has a dependency with no wheel for a Raspberry Pi "
                               f"(aarch64, CPython 3.11):\n{r.stderr[-3000:]}")
    assert any(Path(dest).glob("*aarch64*.whl"))
    assert not any(Path(dest).glob("pydantic*")), "a dependency brought pydantic back"
