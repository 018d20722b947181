"""One machine of the centre: a Debian 12 root folder booted with systemd as PID 1 in a
systemd-nspawn container, on the host's network (while installing) or on the centre's LAN."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
from pathlib import Path

from .host import CommandFailed, log, sh, wait_for

CLEAN_ENV = ["env", "-i", "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
             "HOME=/root", "LANG=C.UTF-8", "TERM=dumb"]


class Machine:
    def __init__(self, name: str, root: Path, logs: Path):
        self.name = name
        self.root = root
        self.logs = logs
        self.proc: subprocess.Popen[bytes] | None = None
        self.leader = 0
        self.boots = 0
        self.mounts: list[Path] = []

    # -- power ---------------------------------------------------------------------------------
    def boot(self, netns: str | None = None, binds: list[str] | None = None,
             wait: bool = True) -> None:
        """Switch it on: systemd boots; with ``wait``, until the boot has finished."""
        assert self.proc is None, f"{self.name} is already on"
        (self.root / "etc/hostname").write_text(self.name + "\n")
        (self.root / "etc/hosts").write_text(f"127.0.0.1\tlocalhost\n127.0.1.1\t{self.name}\n"
                                             "::1\tlocalhost ip6-localhost ip6-loopback\n")
        args = ["systemd-nspawn", "--register=no", "--keep-unit", "--quiet", "-D", str(self.root),
                f"--machine={self.name}", f"--hostname={self.name}", "--console=read-only"]
        if netns:
            args.append(f"--network-namespace-path={netns}")
        args += [f"--bind={b}" for b in binds or []]
        args.append("--boot")
        self.boots += 1
        self.logs.mkdir(parents=True, exist_ok=True)
        console = open(self.logs / f"{self.name}.console.log", "ab")  # noqa: SIM115 - kept open
        console.write(f"\n=== boot {self.boots} {' '.join(args)}\n".encode())
        console.flush()
        self.proc = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=console,
                                     stderr=subprocess.STDOUT, start_new_session=True)
        console.close()
        leader = wait_for(self._find_leader, timeout=30, every=0.2, what=f"{self.name}'s PID 1")
        if not leader:
            raise CommandFailed(f"{self.name}: systemd-nspawn started no PID 1 "
                                f"(see {self.logs / (self.name + '.console.log')})")
        self.leader = int(leader)
        if wait:
            self.wait_booted()

    def _find_leader(self) -> int:
        assert self.proc is not None
        if self.proc.poll() is not None:
            raise CommandFailed(f"{self.name}: systemd-nspawn exited {self.proc.returncode}")
        # PID 1 of the container: nspawn's child running systemd (other children come and go)
        r = sh(["pgrep", "-P", str(self.proc.pid), "-x", "systemd"], check=False, quiet=True)
        pids = [int(p) for p in r.stdout.split()]
        return pids[0] if len(pids) == 1 else 0

    def wait_booted(self, timeout: float = 120) -> str:
        def state_now() -> str:
            # "offline" (or nothing) while PID 1 is not yet answering: ask again
            r = self.run("systemctl is-system-running --wait", check=False, timeout=timeout)
            s = r.stdout.strip()
            return s if s in ("running", "degraded", "maintenance", "stopping") else ""
        state = str(wait_for(state_now, timeout=timeout, every=0.5) or "")
        if state not in ("running", "degraded"):
            raise CommandFailed(f"{self.name}: boot ended '{state}'")
        if state == "degraded":
            failed = self.run("systemctl --failed --no-legend --plain", check=False).stdout
            log(f"{self.name}: booted degraded: {' '.join(failed.split())}")
        return state

    @property
    def on(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def poweroff(self, timeout: float = 90) -> None:
        """A clean shutdown (systemctl poweroff), waited for."""
        if not self.on:
            self._reap()
            return
        self.run("systemctl poweroff --no-block", check=False, timeout=30)
        try:
            assert self.proc is not None
            self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            log(f"{self.name}: no shutdown after {timeout:g} s: cutting the power")
            self.power_cut()
        self._reap()

    def power_cut(self) -> None:
        """The plug pulled: every process of the machine killed at once, nothing shut down."""
        if self.on:
            assert self.proc is not None
            inits = {self.leader} if self.leader else set()
            r = sh(["pgrep", "-P", str(self.proc.pid), "-x", "systemd"], check=False, quiet=True)
            inits |= {int(p) for p in r.stdout.split()}
            for pid in inits:  # PID 1 of its namespace: every process of the machine dies with it
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(10)
        self._reap()

    def _reap(self) -> None:
        self.proc = None
        self.leader = 0

    # -- inside --------------------------------------------------------------------------------
    def run(self, command: str, *, check: bool = True, timeout: float = 120,
            input: str | None = None) -> subprocess.CompletedProcess[str]:
        """``command`` (sh syntax) as root inside the running machine."""
        return sh(self._inside(command), check=check, timeout=timeout, input=input,
                  quiet=not check)

    def _inside(self, command: str) -> list[str]:
        """The host command that runs ``command`` (sh syntax) in the machine's namespaces."""
        if not self.on:
            raise CommandFailed(f"{self.name} is off: cannot run {command!r}")
        return ["nsenter", "-t", str(self.leader), "-m", "-u", "-i", "-n", "-p", "--", *CLEAN_ENV,
                "/bin/sh", "-c", command]

    def spawn(self, command: str) -> subprocess.Popen[str]:
        """``command`` started inside the machine in the background (its output piped back)."""
        return subprocess.Popen(self._inside(command), stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True,
                                start_new_session=True)  # its own group: killpg ends it all

    def path(self, inside: str) -> Path:
        """Where a path of the machine lives on the host."""
        return self.root / inside.lstrip("/")

    def unit_state(self, unit: str) -> str:
        if not self.on:
            return "off"
        return self.run(f"systemctl is-active {unit}", check=False).stdout.strip()

    def main_pid(self, unit: str) -> int:
        out = self.run(f"systemctl show -p MainPID --value {unit}", check=False).stdout.strip()
        return int(out or 0)

    def journal(self, dest: Path) -> None:
        """The machine's whole journal (all boots), for the record."""
        r = sh(["journalctl", "-D", str(self.path("/var/log/journal")), "--no-pager",
                "-o", "short-iso"], check=False, quiet=True, timeout=120)
        dest.write_text(r.stdout + r.stderr)

    # -- disks ---------------------------------------------------------------------------------
    def attach_disk(self, inside: str, image: Path, size_mb: int) -> None:
        """A disk of its own, ext4, ``size_mb`` MB, mounted at ``inside`` (e.g. the data folder);
        an existing ``image`` is mounted as it is."""
        if not image.exists():
            with open(image, "wb") as f:
                f.truncate(size_mb * 1024 * 1024)
            sh(["mkfs.ext4", "-q", "-F", "-m", "0", "-L", f"{self.name}-data", str(image)])
        target = self.path(inside)
        target.mkdir(parents=True, exist_ok=True)
        sh(["mount", "-o", "loop", str(image), str(target)])
        self.mounts.append(target)

    def detach_disks(self) -> None:
        for target in reversed(self.mounts):
            for _ in range(5):
                if sh(["umount", str(target)], check=False, quiet=True).returncode == 0:
                    break
                time.sleep(1)
            else:
                sh(["umount", "-l", str(target)], check=False, quiet=True)
        self.mounts.clear()
