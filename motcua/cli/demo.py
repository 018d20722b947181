"""``motcua demo``: the whole system on one machine, for trying it out.

It starts the server on SQLite, a kiosk window (offscreen when there is no display) with the
preview printer and the first rating station's buttons on keys 1-3, and, with ``--simulate``,
officers calling at every counter, citizens taking tickets and pressing rating buttons.
"""

from __future__ import annotations

import errno
import logging
import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import click
import requests

from config import Config

log = logging.getLogger("motcua.demo")

ADMIN = ("admin", "motcua-admin")
OFFICER_PASSWORD = "motcua-demo"


@dataclass
class DemoSystem:
    config: Config
    config_path: Path
    processes: list[subprocess.Popen] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.config.server.port}"

    def env(self) -> dict:
        return {**os.environ, "MOTCUA_CONFIG": str(self.config_path),
                "MOTCUA_DATA_DIR": str(self.config.data_path)}

    def spawn(self, *args: str, log_name: str) -> subprocess.Popen:
        logs = self.config.data_path / "logs"
        logs.mkdir(parents=True, exist_ok=True)
        out = (logs / f"{log_name}.log").open("ab")
        proc = subprocess.Popen([sys.executable, "-m", "motcua", *args], env=self.env(),
                                stdout=out, stderr=subprocess.STDOUT)
        self.processes.append(proc)
        return proc

    def shutdown(self) -> None:
        self.stop.set()
        for proc in reversed(self.processes):
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in self.processes:
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()


def ensure_accounts(config: Config) -> list[tuple[str, str, str]]:
    """The demo's admin and one officer per counter; returns (username, password, what)."""
    from motcua.core.accounts import AccountError, Accounts
    from motcua.core.storage import Database, upgrade

    db = Database(config.database_url)
    upgrade(db)
    accounts = Accounts(db, {c.id for c in config.counters})
    wanted = [(ADMIN[0], ADMIN[1], "admin", (), "Quản trị viên")]
    wanted += [(f"canbo{c.number}", OFFICER_PASSWORD, "officer", (c.id,), f"Cán bộ {c.name}")
               for c in config.counters]
    out = []
    for username, password, role, counters, name in wanted:
        if accounts.by_username(username) is None:
            try:
                accounts.add(username, password, full_name=name, role=role, counters=counters)
            except AccountError as exc:
                log.warning("demo account %s: %s", username, exc)
        out.append((username, password, role if role == "admin" else ", ".join(counters)))
    db.dispose()
    return out


def port_in_use(host: str, port: int) -> bool:
    """True when something already listens on ``host:port`` (checked before the demo starts)."""
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the server does
        try:
            s.bind((host, port))
        except OSError as exc:
            return exc.errno == errno.EADDRINUSE
    return False


def wait_for_server(url: str, proc: subprocess.Popen, timeout_s: float = 60) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            return False
        try:
            requests.get(f"{url}/api/v1/health", timeout=1)
            return True
        except requests.RequestException:
            time.sleep(0.2)
    return False


def simulate(system: DemoSystem, *, speed: float = 1.0, seed: int = 1) -> None:
    """Citizens arrive at the kiosk, officers call and finish, citizens press rating buttons."""
    cfg = system.config
    rng = random.Random(seed)
    api = f"{system.url}/api/v1"
    stations = {b.counter: d for d in cfg.devices if d.kind == "rating_station" for b in d.buttons}
    levels = [lv.id for lv in cfg.ratings.effective_levels]
    weights = [70, 25, 5][: len(levels)] + [3] * max(0, len(levels) - 3)

    def citizens() -> None:
        """Through the kiosk's own controller: tickets are printed by the configured printer
        (the preview printer's PNGs in the demo), as if touched on the kiosk's screen."""
        from kiosk.launch import KioskSetupError, build_controller

        try:
            controller = build_controller(cfg)
        except KioskSetupError as exc:
            log.warning("simulated citizens cannot use the kiosk: %s", exc)
            return
        while not system.stop.wait(rng.uniform(4, 12) / speed):
            fld = rng.choice(cfg.fields)
            try:
                controller.issue(fld.id, priority=rng.random() < 0.1)
            except Exception:  # a simulated citizen must never stop the demo
                log.exception("simulated citizen at the kiosk")

    def officer(counter) -> None:
        http = requests.Session()
        try:
            token = http.post(f"{api}/auth/login", json={
                "username": f"canbo{counter.number}", "password": OFFICER_PASSWORD},
                timeout=5).json()["token"]
        except (requests.RequestException, KeyError, ValueError):
            log.warning("simulated officer at %s could not log in", counter.id)
            return
        auth = {"Authorization": f"Bearer {token}"}
        http.post(f"{api}/counters/{counter.id}/sign-in", headers=auth, timeout=5)
        station = stations.get(counter.id)
        while not system.stop.wait(rng.uniform(2, 5) / speed):
            try:
                r = http.post(f"{api}/counters/{counter.id}/call-next", headers=auth, timeout=5)
                if not r.ok or r.json().get("ticket") is None:
                    continue
                if system.stop.wait(rng.uniform(15, 45) / speed):
                    return
                http.post(f"{api}/counters/{counter.id}/finish", headers=auth, timeout=5)
                if station is not None and rng.random() < 0.8:
                    http.post(f"{api}/ratings", headers={"Authorization": f"Bearer {station.token}"},
                              json={"rating_id": str(uuid.uuid4()), "counter_id": counter.id,
                                    "level": rng.choices(levels, weights)[0],
                                    "pressed_at": datetime.now(UTC).isoformat()}, timeout=5)
            except requests.RequestException:
                continue

    threads = [threading.Thread(target=citizens, daemon=True)]
    threads += [threading.Thread(target=officer, args=(c,), daemon=True) for c in cfg.counters]
    for th in threads:
        th.start()


def run_demo(config: Config, config_path: Path, *, simulate_day: bool, kiosk: bool,
             offscreen: bool | None, duration_s: float | None, speed: float) -> int:
    """Start everything, print where to look, run until Ctrl-C (or ``duration_s``)."""
    system = DemoSystem(config, config_path)
    logins = ensure_accounts(config)
    signal.signal(signal.SIGTERM, lambda *_: system.stop.set())
    try:  # Ctrl-C at any point, even while starting, stops every child
        server = system.spawn("server", "--port", str(config.server.port), log_name="server")
        if not wait_for_server(system.url, server):
            click.echo("error: the server did not start; see "
                       f"{config.data_path / 'logs' / 'server.log'}", err=True)
            return 1
        if kiosk:
            if offscreen is None:
                offscreen = not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
            args = ["demo-kiosk", "--server", system.url] + (["--offscreen"] if offscreen else [])
            system.spawn(*args, log_name="kiosk")
        stations = [d for d in config.devices if d.kind == "rating_station"][1:]
        for d in stations:  # the first station's buttons are keys 1-3 on the kiosk window
            system.spawn("rating-station", "--device", d.id, "--mock-pins", "--server",
                         system.url, log_name=f"rating-{d.id}")
        if simulate_day:
            simulate(system, speed=speed)
        _print_welcome(system, logins, kiosk=kiosk, offscreen=bool(offscreen),
                       simulated=simulate_day)
        deadline = None if duration_s is None else time.monotonic() + duration_s
        while not system.stop.wait(0.5):
            if server.poll() is not None:
                click.echo("error: the server stopped; see its log", err=True)
                return 1
            if deadline is not None and time.monotonic() > deadline:
                break
    except KeyboardInterrupt:
        pass
    finally:
        system.shutdown()
    click.echo("demo stopped")
    return 0


def _print_welcome(system: DemoSystem, logins, *, kiosk: bool, offscreen: bool,
                   simulated: bool) -> None:
    cfg, url = system.config, system.url
    first = cfg.counters[0].id
    lines = [
        f"motcua demo: {cfg.centre.name}",
        "",
        f"  Màn hình sảnh (hall screen):       {url}/display",
        f"  Màn hình quầy (counter screen):    {url}/display/counter/{first}",
        f"  Trang cán bộ (officer page):       {url}/counter",
        f"  Quản trị, báo cáo (admin):         {url}/admin",
    ]
    if cfg.remote.enabled:
        lines.append(f"  Lấy số từ xa (remote ticket):      {url}/lay-so")
    if any(f.appointments for f in cfg.fields):
        lines.append(f"  Đặt lịch hẹn (appointments):       {url}/dat-lich")
    lines += [
        f"  API:                               {url}/api/v1/openapi.json",
        "",
        "  Logins (username / password):",
    ]
    lines += [f"    {u:<10} {p:<14} {what}" for u, p, what in logins]
    lines.append("")
    if kiosk:
        tickets = cfg.resolve_path(cfg.printer.preview_dir)
        lines.append("  Kiosk: " + ("running offscreen (no display)" if offscreen else
                                    "a window: touch a field to take a ticket; keys 1-3 are the "
                                    f"rating buttons of {first}"))
        lines.append(f"  Ticket images (preview printer):   {tickets}")
    if simulated:
        lines.append("  Simulated day: citizens arrive, officers call, citizens rate.")
    lines.append(f"  Logs: {cfg.data_path / 'logs'}")
    lines.append("  Ctrl-C stops everything.")
    click.echo("\n".join(lines), nl=True)
    sys.stdout.flush()


def run_demo_kiosk(config: Config, *, offscreen: bool) -> None:
    """The kiosk window with the first rating station on keys 1-3 (one process)."""
    from kiosk.launch import run_kiosk, window_spec
    from kiosk.rating.station import RatingStation

    station = None
    if any(d.kind == "rating_station" for d in config.devices):
        station = RatingStation.from_config(config, mock_pins=True)
        station.start()
    try:
        run_kiosk(config, window_spec(config, fullscreen=False, offscreen=offscreen),
                  on_digit_key=station.press_key if station else None)
    finally:
        if station is not None:
            station.close()
