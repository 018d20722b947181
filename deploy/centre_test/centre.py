"""The centre: its machines, how each is installed (docs/install.md), and the LAN they live on."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from . import image
from .host import log, sh
from .install import cache_binds, copy_checkout, install
from .lan import Lan
from .lanhttp import LanHttp
from .machine import Machine

GUEST = Path(__file__).resolve().parent / "guest"
GUEST_DIR = "/opt/motcua-centre-test"  # the test's own scripts on each machine
PASSWORD = "Mat-khau-thu-2026"
PORT = 8080
ADDRESSES = {"server": 10, "restore": 11, "kiosk": 20, "rating": 30, "screen": 40, "officer": 100}
STATION = "danh-gia-1"
DATA_DISK_MB = 160

# Only because these machines are containers with no display, no keyboard and no tty1: the kiosk
# app renders offscreen and Chromium runs headless, outside the cage compositor. Everything
# else in the installed units (user, folders, environment, restarts, watchdog) is as installed.
NO_DISPLAY = """# centre-test: a container has no display, keyboard or /dev/tty1 (see docs/install.md)
[Unit]
ConditionPathExists=
[Service]
PAMName=
TTYPath=
TTYReset=no
TTYVHangup=no
TTYVTDisallocate=no
UtmpIdentifier=
StandardInput=null
ExecStartPre=
ExecStartPost=
ExecStart=
"""
KIOSK_DROPIN = NO_DISPLAY + ("ExecStart=/opt/motcua/bin/motcua kiosk --offscreen --size 800x480\n"
                             "Environment=KIVY_NO_ARGS=1\n")
SCREEN_DROPIN = NO_DISPLAY + "ExecStart=/opt/motcua/libexec/motcua-screen\n"
HEADLESS_FLAGS = "--headless=new --no-sandbox --disable-gpu --disable-background-networking"
# The nightly backup, due a few seconds after the timer starts instead of at 02:30.
TIMER_SOON = """# centre-test: now, not in the night
[Timer]
OnCalendar=
OnActiveSec=3s
RandomizedDelaySec=0
AccuracySec=1s
"""


def server_url(name: str = "server") -> str:
    return f"http://{Lan.address(ADDRESSES[name])}:{PORT}"


class Centre:
    def __init__(self, source: Path, work: Path, cache: Path, logs: Path, mirror: str,
                 run_id: str):
        self.source = source
        self.work = work
        self.cache = cache
        self.logs = logs
        self.mirror = mirror
        self.lan = Lan(run_id)
        self.machines: dict[str, Machine] = {}
        self.config = work / "motcua.toml"  # the server's config, as copied to the devices
        self.install_args: dict[str, list[str]] = {}

    def machine(self, name: str) -> Machine:
        return self.machines[name]

    # -- installing ----------------------------------------------------------------------------
    def build(self, names: list[str], reuse: bool = False) -> None:
        """Each machine from a fresh copy of the base, its role installed with install.sh. With
        ``reuse`` (developers trying the day again): the machines as a former run installed
        them, saved in the cache; installed and saved when there are none."""
        saved = self.cache / "installed"
        if reuse and (saved / "install-args.json").exists():
            self._restore_installed(saved, names)
            return
        base = image.base_image(self.cache, self.mirror)
        for name in names:
            m = Machine(name, self.work / "machines" / name, self.logs)
            self.machines[name] = m
            image.copy_machine(base, m.root)
            if name == "server":
                m.attach_disk("/var/lib/motcua", self.data_image, DATA_DISK_MB)
            copy_checkout(self.source, m)
            self._put_guest_scripts(m)
            m.boot(binds=cache_binds(self.cache))
            try:
                getattr(self, f"_install_{name}")(m)
            finally:
                m.poweroff()
        if reuse:
            self._save_installed(saved)

    def _put_guest_scripts(self, m: Machine) -> None:
        shutil.copytree(GUEST, m.path(GUEST_DIR), dirs_exist_ok=True)
        # the kiosk app driven by touch events (as tests/kiosk drives it)
        shutil.copy(self.source / "tests/kiosk/driver.py", m.path(GUEST_DIR))

    @property
    def data_image(self) -> Path:
        return self.work / "server-data.img"

    def _save_installed(self, saved: Path) -> None:
        log(f"saving the installed machines in {saved} (for --reuse)")
        shutil.rmtree(saved, ignore_errors=True)
        saved.mkdir(parents=True)
        for m in self.machines.values():  # -x: not the server's data disk, saved as its image
            sh(["cp", "-a", "-x", "--reflink=auto", str(m.root), str(saved / m.name)])
        sh(["cp", "--reflink=auto", str(self.data_image), str(saved / "server-data.img")])
        for f in self.config.parent.glob("motcua*.toml"):
            shutil.copy(f, saved / f.name)
        (saved / "install-args.json").write_text(json.dumps(self.install_args))

    def _restore_installed(self, saved: Path, names: list[str]) -> None:
        log(f"reusing the machines installed earlier ({saved})")
        self.install_args = json.loads((saved / "install-args.json").read_text())
        for f in saved.glob("motcua*.toml"):
            shutil.copy(f, self.config.parent / f.name)
        sh(["cp", "--reflink=auto", str(saved / "server-data.img"), str(self.data_image)])
        for name in names:
            m = Machine(name, self.work / "machines" / name, self.logs)
            self.machines[name] = m
            image.copy_machine(saved / name, m.root)
            self._put_guest_scripts(m)
            if name == "server":
                m.attach_disk("/var/lib/motcua", self.data_image, DATA_DISK_MB)

    def _install(self, m: Machine, args: list[str]) -> str:
        self.install_args[m.name] = args
        return install(m, args, self.logs)

    def _install_server(self, m: Machine) -> None:
        self._install(m, ["server"])
        for account in (["admin", "--role", "admin"], ["canbo1", "--full-name",
                        "'Nguyễn Văn An'", "--counters", "quay-1"]):
            m.run(f"sudo -u motcua /opt/motcua/bin/motcua officer add {' '.join(account)} "
                  "--password-stdin", input=PASSWORD + "\n")
        for name in ("motcua.toml", "motcua.procedures.toml"):  # scp from the server
            shutil.copy(m.path(f"/etc/motcua/{name}"), self.config.with_name(name))

    def _install_restore(self, m: Machine) -> None:
        """A second, fresh server machine (the first one broke): docs/install.md, "Restore"."""
        shutil.copy(self.config, m.path("/root/motcua.toml"))
        self._install(m, ["server", "--config", "/root/motcua.toml"])

    def _install_kiosk(self, m: Machine) -> None:
        shutil.copy(self.config, m.path("/root/motcua.toml"))
        shutil.copy(self.config.with_name("motcua.procedures.toml"),
                    m.path("/root/motcua.procedures.toml"))
        self._install(m, ["kiosk", "--config", "/root/motcua.toml", "--server",
                          Lan.address(ADDRESSES["server"])])
        # What a real kiosk has that a container lacks: Mesa's software renderer for offscreen
        m.run("DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "
              "libgl1-mesa-dri libegl-mesa0 libglx-mesa0 libgbm1 >/dev/null", timeout=600)
        self._dropin(m, "motcua-kiosk.service", KIOSK_DROPIN)

    def _install_rating(self, m: Machine) -> None:
        shutil.copy(self.config, m.path("/root/motcua.toml"))
        self._install(m, ["rating-station", "--config", "/root/motcua.toml", "--server",
                          Lan.address(ADDRESSES["server"]), "--station-id", STATION])

    def _install_screen(self, m: Machine) -> None:
        self._install(m, ["screen", "--server", Lan.address(ADDRESSES["server"])])
        env = m.path("/etc/motcua/screen.env")
        text = env.read_text().replace("MOTCUA_SCREEN_FLAGS=\n",
                                       f"MOTCUA_SCREEN_FLAGS={HEADLESS_FLAGS}\n")
        env.write_text(text + "MOTCUA_SCREEN_OZONE=\n")
        self._dropin(m, "motcua-screen.service", SCREEN_DROPIN)

    @staticmethod
    def _dropin(m: Machine, unit: str, text: str) -> None:
        d = m.path(f"/etc/systemd/system/{unit}.d")
        d.mkdir(parents=True, exist_ok=True)
        (d / "centre-test.conf").write_text(text)
        m.run("systemctl daemon-reload")

    # -- the LAN -------------------------------------------------------------------------------
    def wire(self) -> None:
        self.lan.create()
        self.netns = {name: self.lan.add_host(name, ADDRESSES[name]) for name in ADDRESSES}

    def boot_on_lan(self, name: str, wait: bool = True) -> Machine:
        m = self.machines[name]
        m.boot(netns=self.netns[name], wait=wait)
        return m

    def http(self, name: str = "server", port_from: str = "officer") -> LanHttp:
        """HTTP to machine ``name`` from the officer's PC on the LAN."""
        return LanHttp(self.lan.netns(port_from), server_url(name))

    def guest(self, m: Machine, script: str, args: str = "", *, python: str =
              "/opt/motcua/bin/python", timeout: float = 180) -> str:
        """One of the test's scripts on machine ``m``, as the motcua user."""
        r = m.run(f"cd /var/lib/motcua && runuser -u motcua -- env MOTCUA_CONFIG=/etc/motcua/"
                  f"motcua.toml {python} {GUEST_DIR}/{script} {args}", timeout=timeout)
        return r.stdout

    # -- cleaning up ---------------------------------------------------------------------------
    def save_journals(self) -> None:
        for m in self.machines.values():
            m.journal(self.logs / f"{m.name}.journal.txt")

    def tear_down(self) -> None:
        """Power off what is on, unmount the disks, remove the LAN: always, whatever happened."""
        for m in self.machines.values():
            try:
                m.power_cut()
            finally:
                m.detach_disks()
        self.lan.destroy()
        sh(["sync"], check=False, quiet=True)
        log("machines off, disks detached, LAN removed")

