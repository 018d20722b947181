"""install.sh: the plan it prints for every role, idempotent runs into a scratch root, the files it
installs (systemd units checked by systemd-analyze, scripts by bash -n and shellcheck), and the
config it makes."""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from config import load_config

ROOT = Path(__file__).resolve().parents[2]
INSTALL = ROOT / "install.sh"
DEPLOY = ROOT / "deploy"
SCRIPTS = [INSTALL, DEPLOY / "bin" / "motcua-screen"]
UNITS = sorted(p.name for p in (DEPLOY / "systemd").iterdir())
PI_ROLES = ["server", "kiosk", "screen", "rating-station"]
SYSTEM_PATHS = [Path("/etc/motcua"), Path("/opt/motcua"), Path("/var/lib/motcua"),
                Path("/etc/systemd/system/motcua-server.service"),
                Path("/etc/udev/rules.d/60-motcua-printer.rules"), Path("/etc/pam.d/motcua-display"),
                Path("/usr/local/bin/motcua")]


def install(*args: str, user: str | None = None, env: dict | None = None) -> subprocess.CompletedProcess:
    cmd = [str(INSTALL), *args]
    if user and os.geteuid() == 0:
        cmd = ["runuser", "-u", user, "--", *cmd]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120, cwd=ROOT,
                          env={**os.environ, **(env or {})})


def actions(out: str) -> list[str]:
    """The planned commands ('+ ...' lines) and written files of an install.sh run."""
    return [line[2:] for line in out.splitlines() if line.startswith("+ ")]


def helper():
    spec = importlib.util.spec_from_file_location("install_helper", DEPLOY / "install-helper.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def untouched_system():
    """These paths must not appear because of a dry run (skip the check where they exist)."""
    before = {p: p.exists() for p in SYSTEM_PATHS}
    yield before
    for p, existed in before.items():
        if not existed:
            assert not p.exists(), f"{p} was created"


# -- scripts ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.name)
def test_bash_syntax(script: Path) -> None:
    r = subprocess.run(["bash", "-n", str(script)], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert "set -euo pipefail" in script.read_text()
    assert os.access(script, os.X_OK)


def test_shellcheck() -> None:
    if shutil.which("shellcheck") is None:
        pytest.skip("shellcheck is not installed (apt-get install shellcheck; ./install.sh dev does)")
    r = subprocess.run(["shellcheck", "--severity=style", *map(str, SCRIPTS)],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr


def test_watchdog_and_helper_compile() -> None:
    for script in (DEPLOY / "bin" / "motcua-screen-watchdog", DEPLOY / "install-helper.py"):
        compile(script.read_text(), str(script), "exec")
        assert os.access(script, os.X_OK)


# -- the plan (--dry-run) --------------------------------------------------------------------------
EXPECTED = {
    "server": [
        r"apt-get install -y --no-install-recommends .*\bpython3-venv\b.*\bespeak-ng\b.*\bsox\b",
        r"install -d -m 0750 -o motcua -g motcua /var/lib/motcua$",
        r"install -d -m 0750 -o root -g motcua /etc/motcua$",
        r"python3 -m venv /opt/motcua$",
        r"/opt/motcua/bin/python -m pip install .*--upgrade /\S+motcua-install-src\[[a-z,]*postgres",
        r"install-helper.py make-config --template \S+/config/demo.toml --output /etc/motcua/motcua.toml"
        r" --public-url http://",
        r"chown root:motcua /etc/motcua/motcua.toml",
        r"install -D -m 0644 -o root -g root deploy/systemd/motcua-server.service "
        r"/etc/systemd/system/motcua-server.service",
        r"deploy/systemd/motcua-backup.service /etc/systemd/system/motcua-backup.service",
        r"deploy/systemd/motcua-backup.timer /etc/systemd/system/motcua-backup.timer",
        r"deploy/systemd/motcua-server-restart.timer /etc/systemd/system/motcua-server-restart.timer",
        r"write /etc/motcua/backup.env",
        r"systemctl daemon-reload",
        r"runuser -u motcua -- /opt/motcua/bin/motcua --config /etc/motcua/motcua.toml init",
        r"systemctl enable motcua-server.service motcua-backup.timer motcua-server-restart.timer",
        r"systemctl restart motcua-server.service",
        r"ln -sfn /opt/motcua/bin/motcua /usr/local/bin/motcua",
    ],
    "kiosk": [
        r"apt-get install .*\bcage\b.*\blibusb-1.0-0\b",
        r"pip install .*motcua-install-src\[[a-z,]*usb,serial",
        r"deploy/udev/60-motcua-printer.rules /etc/udev/rules.d/60-motcua-printer.rules",
        r"udevadm control --reload-rules",
        r"deploy/systemd/motcua-kiosk.service /etc/systemd/system/motcua-kiosk.service",
        r"deploy/pam/motcua-display /etc/pam.d/motcua-display",
        r"make-config .* --server-url http://motcua.local:8080",
        r"systemctl enable motcua-kiosk.service",
        r"systemctl restart motcua-kiosk.service",
    ],
    "screen": [
        r"apt-get install .*\bcage\b.*\bchromium(-browser)?\b",
        r"deploy/bin/motcua-screen /opt/motcua/libexec/motcua-screen$",
        r"deploy/bin/motcua-screen-watchdog /opt/motcua/libexec/motcua-screen-watchdog$",
        r"write /etc/motcua/screen.env",
        r"deploy/systemd/motcua-screen.service /etc/systemd/system/motcua-screen.service",
        r"systemctl enable motcua-screen.service",
    ],
    "rating-station": [
        r"pip install .*motcua-install-src",
        r"deploy/systemd/motcua-rating-station.service /etc/systemd/system/motcua-rating-station.service",
        r"systemctl enable motcua-rating-station.service",
        r"systemctl restart motcua-rating-station.service",
    ],
}
NOT_EXPECTED = {
    "server": [r"motcua-kiosk", r"motcua-screen", r"udev", r"chromium"],
    "kiosk": [r"motcua-server\.service", r"motcua-backup", r"chromium", r"backup.env"],
    "screen": [r"python3 -m venv", r"pip install", r"make-config", r"motcua-server", r"udev"],
    "rating-station": [r"motcua-server", r"udev", r"cage", r"motcua-kiosk"],
}


def assert_plan(plan: list[str], patterns: list[str], absent: list[str] = ()) -> None:
    text = "\n".join(plan)
    for pattern in patterns:
        assert re.search(pattern, text, re.M), f"no action matches {pattern!r} in:\n{text}"
    for pattern in absent:
        assert not re.search(pattern, text, re.M), f"unexpected {pattern!r} in:\n{text}"


@pytest.mark.parametrize("role", PI_ROLES)
def test_dry_run_plans_every_action_and_writes_nothing(role: str, untouched_system,
                                                       tmp_path: Path) -> None:
    r = install("--dry-run", role)
    assert r.returncode == 0, r.stderr
    assert "dry run: nothing is changed" in r.stdout
    plan = actions(r.stdout)
    assert_plan(plan, EXPECTED[role], NOT_EXPECTED[role])
    user = r"useradd --system --user-group --home-dir /var/lib/motcua .* motcua"
    if not Path("/etc/passwd").read_text().count("\nmotcua:"):
        assert_plan(plan, [user])
    # Twice: the same plan.
    again = install("--dry-run", role)
    assert actions(again.stdout) == plan
    # A dry run into a scratch root writes nothing there either.
    scratch = tmp_path / "root"
    r = install("--dry-run", "--root", str(scratch), role)
    assert r.returncode == 0, r.stderr
    assert not scratch.exists()


def test_dry_run_works_without_root(untouched_system) -> None:
    r = install("--dry-run", "server", "kiosk", user="nobody")  # as ourselves when not root
    assert r.returncode == 0, r.stderr
    assert_plan(actions(r.stdout), EXPECTED["server"] + EXPECTED["kiosk"][:4])


def test_real_run_needs_root(tmp_path: Path) -> None:
    r = install("server", user="nobody")  # as ourselves when we are not root
    assert r.returncode == 1
    assert "needs root" in r.stderr and "sudo ./install.sh server" in r.stderr
    assert not actions(r.stdout)


def test_screen_url_options(untouched_system) -> None:
    def url_of(*args: str) -> str:
        r = install("--dry-run", "screen", *args)
        assert r.returncode == 0, r.stderr
        [line] = [ln for ln in r.stdout.splitlines() if "MOTCUA_SCREEN_URL=" in ln]
        return line.split("MOTCUA_SCREEN_URL=", 1)[1]

    assert url_of() == "http://motcua.local:8080/display"
    assert url_of("--server", "192.168.1.10") == "http://192.168.1.10:8080/display"
    assert url_of("--server=192.168.1.10:9000") == "http://192.168.1.10:9000/display"
    assert url_of("--url", "http://10.0.0.2:8080/display/counter/quay-3") == \
        "http://10.0.0.2:8080/display/counter/quay-3"
    # On the server machine itself the screen shows the local server.
    r = install("--dry-run", "server", "screen")
    assert "MOTCUA_SCREEN_URL=http://127.0.0.1:8080/display" in r.stdout


@pytest.mark.parametrize("role", ["demo", "dev"])
def test_checkout_roles_plan(role: str) -> None:
    args = ["--dry-run"] if role == "demo" else ["--dry-run", role]
    r = install(*args)
    assert r.returncode == 0, r.stderr
    wanted = re.search(r"system packages wanted: (.*) \(missing", r.stdout).group(1).split()
    assert {"fonts-dejavu-core", "espeak-ng", "sox"} <= set(wanted)
    if role == "dev":
        assert {"chromium", "postgresql", "shellcheck"} <= set(wanted)
    [pip] = [a for a in actions(r.stdout) if "pip install" in a]
    assert pip.startswith(".venv/bin/python -m pip install") and " -e ." in pip
    if role == "dev":
        assert re.search(r"-e \.\[[a-z,]*\bdev\b", pip)
    assert not [a for a in actions(r.stdout) if "systemctl" in a or "/etc/" in a]


@pytest.mark.parametrize("args, message", [
    (["nonsense"], "unknown role or option"),
    (["demo", "server"], "use them alone"),
    (["kiosk", "screen"], "one machine each"),
    (["kiosk", "--printer", "lp0"], "not a USB id"),
    (["server", "--config", "/nonexistent.toml"], "no such file"),
])
def test_bad_arguments(args: list[str], message: str) -> None:
    r = install("--dry-run", *args)
    assert r.returncode in (1, 2)
    assert message in r.stderr
    assert not actions(r.stdout)


def test_help() -> None:
    r = install("--help")
    assert r.returncode == 0
    for word in ("server", "kiosk", "screen", "rating-station", "--dry-run", "--url", "--root"):
        assert word in r.stdout


# -- real runs into a scratch root -------------------------------------------------------------------
def staged_files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_rerun_keeps_config_and_installs_the_same_files(tmp_path: Path) -> None:
    root = tmp_path / "root"
    first = install("--root", str(root), "server", "kiosk", "--printer", "0416:5011")
    assert first.returncode == 0, first.stderr
    config_path = root / "etc/motcua/motcua.toml"
    assert oct(config_path.stat().st_mode & 0o777) == "0o640"
    files = staged_files(root)
    for unit in ("motcua-server.service", "motcua-backup.service", "motcua-backup.timer",
                 "motcua-server-restart.service", "motcua-server-restart.timer",
                 "motcua-kiosk.service"):
        assert files[f"etc/systemd/system/{unit}"] == (DEPLOY / "systemd" / unit).read_bytes()
    assert "etc/udev/rules.d/60-motcua-printer.rules" in files
    assert 'ATTR{idVendor}=="0416", ATTR{idProduct}=="5011"' in \
        files["etc/udev/rules.d/61-motcua-printer-local.rules"].decode()

    # The config: valid, production paths, fresh tokens that install.sh printed; and the
    # procedures look-up beside it, under the config's name.
    assert files["etc/motcua/motcua.procedures.toml"] == \
        (ROOT / "config" / "demo.procedures.toml").read_bytes()
    cfg = load_config(config_path, env={})
    assert str(cfg.data_path) == "/var/lib/motcua"
    assert cfg.server.host == "0.0.0.0"
    assert cfg.kiosk.fullscreen is True and cfg.kiosk.admin_pin not in ("", "1234")
    assert cfg.printer.backend == "usb" and cfg.printer.usb_vendor_id == 0x0416
    tokens = [d.token for d in cfg.devices]
    assert tokens and len(set(tokens)) == len(tokens)
    for token in tokens:
        assert "demo" not in token and len(token) >= 24
        assert token in first.stdout
    demo_tokens = re.findall(r'token = "([^"]+)"', (ROOT / "config/demo.toml").read_text())
    assert not set(demo_tokens) & set(tokens)

    # Again: an upgrade in place. The config and the data stay exactly as they were.
    (root / "var/lib/motcua/motcua.db").write_bytes(b"pretend data")
    second = install("--root", str(root), "server", "kiosk", "--printer", "0416:5011")
    assert second.returncode == 0, second.stderr
    assert "keeping the existing /etc/motcua/motcua.toml" in second.stdout
    assert "make-config" not in second.stdout
    assert "already lists 0416:5011" in second.stdout
    assert staged_files(root) == {**files, "var/lib/motcua/motcua.db": b"pretend data"}
    # And the plan of a third run is the second's.
    third = install("--root", str(root), "server", "kiosk", "--printer", "0416:5011")
    assert actions(third.stdout) == actions(second.stdout)


def test_screen_env_is_kept_unless_asked(tmp_path: Path) -> None:
    root = tmp_path / "root"
    env_file = root / "etc/motcua/screen.env"
    assert install("--root", str(root), "screen", "--url", "http://10.0.0.9:8080/display").returncode == 0
    assert "MOTCUA_SCREEN_URL=http://10.0.0.9:8080/display\n" in env_file.read_text()
    r = install("--root", str(root), "screen")
    assert r.returncode == 0 and "keeping /etc/motcua/screen.env" in r.stdout
    assert "10.0.0.9" in env_file.read_text()
    assert install("--root", str(root), "screen", "--server", "10.0.0.7").returncode == 0
    assert "MOTCUA_SCREEN_URL=http://10.0.0.7:8080/display\n" in env_file.read_text()
    assert os.access(root / "opt/motcua/libexec/motcua-screen", os.X_OK)
    assert not (root / "etc/motcua/motcua.toml").exists()  # a screen needs no config


def test_kiosk_config_from_the_servers_config(tmp_path: Path) -> None:
    server_root, kiosk_root = tmp_path / "server", tmp_path / "kiosk"
    assert install("--root", str(server_root), "server").returncode == 0
    server_cfg = server_root / "etc/motcua/motcua.toml"
    r = install("--root", str(kiosk_root), "kiosk", "--config", str(server_cfg),
                "--server", "192.168.5.5")
    assert r.returncode == 0, r.stderr
    kiosk_cfg = load_config(kiosk_root / "etc/motcua/motcua.toml", env={})
    server = load_config(server_cfg, env={})
    assert [d.token for d in kiosk_cfg.devices] == [d.token for d in server.devices]
    assert kiosk_cfg.kiosk.server_url == "http://192.168.5.5:8080"


def test_station_and_kiosk_ids(tmp_path: Path) -> None:
    root = tmp_path / "root"
    env_file = root / "etc/motcua/rating-station.env"
    r = install("--root", str(root), "rating-station", "--station-id", "danh-gia-2")
    assert r.returncode == 0, r.stderr
    assert "MOTCUA_RATING_STATION_ARGS=--device danh-gia-2\n" in env_file.read_text()
    unit = (root / "etc/systemd/system/motcua-rating-station.service").read_text()
    assert "EnvironmentFile=-/etc/motcua/rating-station.env" in unit
    assert "rating-station $MOTCUA_RATING_STATION_ARGS" in unit
    r = install("--root", str(root), "rating-station")
    assert "keeping /etc/motcua/rating-station.env" in r.stdout and "danh-gia-2" in env_file.read_text()
    kiosk = tmp_path / "kiosk"
    r = install("--root", str(kiosk), "kiosk", "--config", str(ROOT / "config/province.toml"),
                "--kiosk-id", "kiosk-sanh-2", "--server", "10.0.0.1")
    assert r.returncode == 0, r.stderr
    assert load_config(kiosk / "etc/motcua/motcua.toml", env={}).kiosk.device_id == "kiosk-sanh-2"
    r = install("--root", str(tmp_path / "bad"), "kiosk", "--kiosk-id", "no-such-kiosk")
    assert r.returncode == 1 and "no kiosk 'no-such-kiosk'" in r.stderr


# -- systemd units ---------------------------------------------------------------------------------
def test_every_unit_belongs_to_a_role() -> None:
    text = INSTALL.read_text()
    for unit in UNITS:
        assert unit in text, f"{unit} is installed by no role"
    for unit in UNITS:
        body = (DEPLOY / "systemd" / unit).read_text()
        if unit.endswith(".service") and "Type=oneshot" not in body:
            assert re.search(r"^Restart=(always|on-failure)$", body, re.M), unit
            assert "StartLimitIntervalSec=0" in body, unit
            assert "WantedBy=multi-user.target" in body, unit
            assert "User=motcua" in body, unit
        if unit.endswith(".timer"):  # caught up after a night off, or on purpose not
            assert re.search(r"^Persistent=(true|false)$", body, re.M), unit
            assert "WantedBy=timers.target" in body, unit


def _systemd_analyze_works(tmp_path: Path) -> str | None:
    """Why systemd-analyze verify cannot be used here (None when it can)."""
    if shutil.which("systemd-analyze") is None:
        return "systemd-analyze is not installed"
    probe = tmp_path / "probe"
    (probe / "etc/systemd/system").mkdir(parents=True)
    shutil.copytree("/usr/lib/systemd/system", probe / "usr/lib/systemd/system", symlinks=True)
    (probe / "etc/systemd/system/probe.service").write_text(
        "[Service]\nType=oneshot\nExecStart=/bin/true\n")
    (probe / "bin").mkdir()
    shutil.copy("/bin/true", probe / "bin/true")
    r = subprocess.run(["systemd-analyze", "verify", f"--root={probe}", "probe.service"],
                       capture_output=True, text=True, timeout=60)
    if r.returncode != 0:
        return f"systemd-analyze verify does not run here: {(r.stderr or r.stdout).strip()[:200]}"
    return None


def test_units_pass_systemd_analyze_verify(tmp_path: Path) -> None:
    if not Path("/usr/lib/systemd/system").is_dir():
        pytest.skip("no systemd unit directory on this machine")
    why = _systemd_analyze_works(tmp_path)
    if why:
        pytest.skip(why)
    root = tmp_path / "root"
    assert install("--root", str(root), "server", "kiosk").returncode == 0
    assert install("--root", str(root), "screen", "rating-station").returncode == 0
    shutil.copytree("/usr/lib/systemd/system", root / "usr/lib/systemd/system", symlinks=True)
    # The programs the units start, as stubs where this machine has no motcua install or cage.
    for unit in UNITS:
        for program in re.findall(r"^Exec\w+=[-+@!:]*(/\S+)", (DEPLOY / "systemd" / unit).read_text(),
                                  re.M):
            stub = root / program.lstrip("/")
            if not stub.exists():
                stub.parent.mkdir(parents=True, exist_ok=True)
                stub.write_text("#!/bin/sh\n")
                stub.chmod(0o755)
    r = subprocess.run(["systemd-analyze", "verify", f"--root={root}", *UNITS],
                       capture_output=True, text=True, timeout=120)
    ours = [ln for ln in (r.stdout + r.stderr).splitlines() if "motcua" in ln]
    assert r.returncode == 0 and not ours, "\n".join(ours) or r.stderr


# -- the config maker and the extras ------------------------------------------------------------------
@pytest.mark.parametrize("template", ["demo.toml", "province.toml"])
def test_make_config_from_the_example_configs(template: str, tmp_path: Path) -> None:
    h = helper()
    text, tokens, pin = h.make_config(ROOT / "config" / template, server_url="http://10.0.0.1:8080",
                                      public_url="http://10.0.0.1:8080")
    out = tmp_path / "motcua.toml"
    out.write_text(text)
    cfg = load_config(out, env={})
    assert len(tokens) == len(cfg.devices) > 0
    assert {t for _, _, t in tokens} == {d.token for d in cfg.devices}
    assert cfg.kiosk.server_url == "http://10.0.0.1:8080" and cfg.server.public_url == "http://10.0.0.1:8080"
    assert str(cfg.data_path) == "/var/lib/motcua"
    # Comments survive.
    assert text.count("\n#") >= (ROOT / "config" / template).read_text().count("\n#")
    # The command refuses to overwrite.
    r = subprocess.run([sys.executable, str(DEPLOY / "install-helper.py"), "make-config", "--template",
                        str(ROOT / "config" / template), "--output", str(out)],
                       capture_output=True, text=True)
    assert r.returncode == 1 and "not overwriting" in r.stderr
    assert out.read_text() == text


def test_make_config_says_whether_tokens_are_new_or_kept(tmp_path: Path) -> None:
    """From the demo template it prints fresh tokens; from a centre's own config it says it kept them."""
    def make(template: Path, out: Path) -> str:
        r = subprocess.run([sys.executable, str(DEPLOY / "install-helper.py"), "make-config",
                            "--template", str(template), "--output", str(out)],
                           capture_output=True, text=True, check=True)
        return r.stdout

    first = make(ROOT / "config" / "demo.toml", tmp_path / "a.toml")
    assert "fresh random device tokens" in first and "new token for" in first
    second = make(tmp_path / "a.toml", tmp_path / "b.toml")
    assert "fresh random" not in second and "new token for" not in second
    assert "device tokens kept" in second
    assert {d.token for d in load_config(tmp_path / "b.toml", env={}).devices} == \
        {d.token for d in load_config(tmp_path / "a.toml", env={}).devices}


def test_set_key_adds_missing_keys_and_sections() -> None:
    h = helper()
    lines = ["[centre]", 'name = "X"', "", "[[devices]]", 'id = "a"']
    h.set_key(lines, "centre", "data_dir", '"/var/lib/motcua"')
    h.set_key(lines, "server", "host", '"0.0.0.0"')
    h.set_key(lines, "centre", "name", '"Y"')
    data = tomllib.loads("\n".join(lines))
    assert data["centre"] == {"name": "Y", "data_dir": "/var/lib/motcua"}
    assert data["server"] == {"host": "0.0.0.0"} and data["devices"] == [{"id": "a"}]


def test_extras_follow_what_pyproject_declares(tmp_path: Path) -> None:
    h = helper()
    py = tmp_path / "pyproject.toml"
    py.write_text('[project]\nname = "x"\ndependencies = ["gpiozero>=2"]\n'
                  '[project.optional-dependencies]\nusb = ["pyusb"]\npostgres = ["psycopg"]\n'
                  'dev = ["pytest"]\n')
    assert h.extras_for(["server"], py) == (["postgres"], [])
    assert h.extras_for(["kiosk"], py) == (["usb"], ["Kivy>=2.3"])
    extras, more = h.extras_for(["rating-station"], py)
    assert extras == [] and len(more) == 1 and more[0].startswith("lgpio")
    assert h.extras_for(["dev"], py) == (["usb", "postgres", "dev"], ["Kivy>=2.3"])
    py.write_text(py.read_text() + 'kiosk = ["kivy==2.3.1"]\n')
    assert h.extras_for(["kiosk"], py) == (["usb", "kiosk"], [])


# -- what pip install puts into /opt/motcua ---------------------------------------------------------
PACKAGES = ("motcua", "config", "display_server", "printer", "kiosk")


@pytest.mark.slow
def test_a_pip_install_ships_every_file_of_the_packages(tmp_path: Path) -> None:
    """The Pi roles install with `pip install .` (not editable): templates, migrations, styles,
    Kivy layouts and icons must all be in the wheel, or the machine breaks where the checkout works."""
    import zipfile

    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("needs a git checkout to know which files belong to the packages")
    listed = subprocess.run(["git", "ls-files", "-z", "--", *PACKAGES, "pyproject.toml", "README.md"],
                            cwd=ROOT, capture_output=True, check=True).stdout
    files = [f for f in listed.decode().split("\0") if f]
    source = tmp_path / "src"
    for f in files:
        (source / f).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / f, source / f)
    r = subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w",
                        str(tmp_path / "wheel"), str(source)], capture_output=True, text=True,
                       timeout=300)
    if r.returncode != 0 and "No matching distribution" in r.stderr:
        pytest.skip(f"cannot build a wheel here (no build backend available): {r.stderr[-300:]}")
    assert r.returncode == 0, r.stderr
    [wheel] = (tmp_path / "wheel").glob("motcua-*.whl")
    shipped = set(zipfile.ZipFile(wheel).namelist())
    missing = [f for f in files if f.startswith(PACKAGES) and f not in shipped]
    assert not missing, ("files a `pip install .` leaves out (add them to "
                         "[tool.setuptools.package-data] in pyproject.toml):\n  " + "\n  ".join(missing))
