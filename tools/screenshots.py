"""The operator guide's screenshots (docs/img/): the demo centre in Vietnamese, taken again.

    .venv/bin/python tools/screenshots.py                 # every picture, into docs/img/
    .venv/bin/python tools/screenshots.py --only lay-so --out /tmp/shots

It starts the real server (``motcua server``) with the demo config on 127.0.0.1 and a data
folder of its own in a temporary directory, makes a few tickets and bookings so the pages are
not empty, and photographs the pages in Debian's Chromium (/usr/bin/chromium, through
Playwright; never ``playwright install``) and the kiosk's code pad in Kivy, offscreen. Each PNG
is reduced to a palette, to keep the repository small. The demo has no fixed date: the pictures
show the day they are taken, and the booking codes are new each time.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a file: the project's packages from this checkout
    sys.path.insert(0, str(ROOT))

CHROMIUM = Path(os.environ.get("MOTCUA_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
DESKTOP = {"viewport": {"width": 1366, "height": 768}}
POSTER = {"viewport": {"width": 900, "height": 1270}}
KIOSK_SIZE = "1280x720"
PUBLIC_URL = "http://192.168.1.2:8080"  # what the poster prints: a centre's LAN address, as in the guide
MAX_BYTES = 150_000
KIOSK_TOKEN = "demo-kiosk-1-token-not-secret"  # config/demo.toml's kiosk
OFFICER = ("canbo1", "motcua-demo")  # motcua demo's accounts (motcua/cli/demo.py)
ADMIN = ("admin", "motcua-admin")
CITIZENS = [("Phạm Thị Mai", "0987654321"), ("Lê Văn Hùng", "0912345678"),
            ("Nguyễn Thị Lan", "0905123456")]


@dataclass
class Demo:
    """The demo server: its address, config file and the environment of its commands."""

    url: str
    config_path: Path
    env: dict
    process: subprocess.Popen

    def api(self, path: str) -> str:
        return f"{self.url}/api/v1{path}"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_demo(tmp: Path) -> Demo:
    """``motcua server`` with the demo config on a free port of 127.0.0.1, data in ``tmp``."""
    from config import load_config
    from motcua.cli.demo import ensure_accounts, wait_for_server

    port = free_port()
    text = (ROOT / "config" / "demo.toml").read_text(encoding="utf-8")
    text = text.replace("port = 8080", f"port = {port}")
    text = text.replace('public_url = "http://127.0.0.1:8080"', f'public_url = "{PUBLIC_URL}"')
    text = text.replace("http://127.0.0.1:8080", f"http://127.0.0.1:{port}")  # the kiosk's server
    config_path = tmp / "motcua.toml"
    config_path.write_text(text, encoding="utf-8")
    shutil.copy(ROOT / "config" / "demo.procedures.toml", tmp / "motcua.procedures.toml")
    env = {**os.environ, "MOTCUA_CONFIG": str(config_path), "MOTCUA_DATA_DIR": str(tmp / "data")}
    ensure_accounts(load_config(config_path, env=env))
    log = (tmp / "server.log").open("ab")
    proc = subprocess.Popen([sys.executable, "-m", "motcua", "server", "--host", "127.0.0.1",
                             "--port", str(port)], env=env, stdout=log, stderr=subprocess.STDOUT,
                            cwd=ROOT)
    url = f"http://127.0.0.1:{port}"
    if not wait_for_server(url, proc):
        proc.kill()
        raise SystemExit(f"the demo server did not start; see {tmp / 'server.log'}")
    return Demo(url, config_path, env, proc)


def seed(demo: Demo) -> None:
    """Tickets at the kiosk, today's bookings at counter 1 (one checked in there, one cancelled),
    a few citizens served, so that the pages and the report have something to show."""
    http = requests.Session()
    kiosk = {"Authorization": f"Bearer {KIOSK_TOKEN}"}
    token = http.post(demo.api("/auth/login"), timeout=10,
                      json={"username": OFFICER[0], "password": OFFICER[1]}).json()["token"]
    officer = {"Authorization": f"Bearer {token}"}

    def ok(r: requests.Response) -> dict:
        if not r.ok:
            raise SystemExit(f"{r.request.method} {r.url}: {r.status_code} {r.text}")
        return r.json()

    for field in ("ho-tich", "chung-thuc", "ho-tich", "dat-dai", "ho-tich"):
        ok(http.post(demo.api("/tickets"), headers=kiosk, json={"service_id": field}, timeout=10))
    ok(http.post(demo.api("/counters/quay-1/sign-in"), headers=officer, timeout=10))
    for _ in range(2):
        ok(http.post(demo.api("/counters/quay-1/call-next"), headers=officer, timeout=10))
        ok(http.post(demo.api("/counters/quay-1/finish"), headers=officer, timeout=10))
    days = ok(http.get(demo.api("/appointments/slots"), timeout=10,
                       params={"service_id": "ho-tich", "days": "0"}))["days"]
    slots = [s for s in days[0]["slots"] if s["free"]] if days else []
    if not slots:
        raise SystemExit("no ho-tich slot left today (just before midnight): run it again later")
    booked = [ok(http.post(demo.api("/appointments"), timeout=10, json={
        "service_id": "ho-tich", "day": days[0]["day"], "slot": slots[0]["start"], "name": name,
        "phone": phone})) for name, phone in CITIZENS]
    ok(http.post(demo.api("/appointments/check-in"), headers=officer, timeout=10,
                 json={"code": booked[0]["appointment"]["code"]}))
    ok(http.post(demo.api("/appointments/cancel"), timeout=10, json={"secret": booked[2]["secret"]}))


def optimise(path: Path) -> int:
    """Reduce ``path`` to a palette PNG under :data:`MAX_BYTES` when it can; its size in bytes."""
    from PIL import Image

    with Image.open(path) as im:
        rgb = im.convert("RGB")
    for colors in (128, 64, 32):
        rgb.quantize(colors=colors, method=Image.Quantize.MEDIANCUT,
                     dither=Image.Dither.NONE).save(path, optimize=True)
        if path.stat().st_size <= MAX_BYTES:
            break
    return path.stat().st_size


# -- the pages, in Chromium -----------------------------------------------------------------------
Shot = Callable[[object, Demo, Path], None]


def log_in(page, demo: Demo, user: tuple[str, str], path: str) -> None:
    page.goto(f"{demo.url}/counter?next={path}")
    page.fill("#username", user[0])
    page.fill("#password", user[1])
    page.click("#login-form button[type=submit]")
    page.wait_for_url(lambda url: "/login" not in url and "next=" not in url)


def wait_for_js(page, expression: str, timeout_ms: int = 30_000) -> None:
    """Poll ``expression`` (the pages' content security policy forbids wait_for_function)."""
    for _ in range(timeout_ms // 50):
        if page.evaluate(f"() => Boolean({expression})"):
            return
        page.wait_for_timeout(50)
    raise TimeoutError(expression)


def remote_ticket(browser, demo: Demo, out: Path) -> None:
    """``lay-so``: the fields on the phone; ``lay-so-phieu``: the ticket's page after a tap."""
    page = browser.new_context(**PHONE).new_page()
    page.goto(demo.url + "/lay-so")
    page.wait_for_selector("button[value=ho-tich]")
    page.screenshot(path=str(out / "lay-so.png"), full_page=True)
    page.click("button[value=ho-tich]")
    page.wait_for_url(re.compile(r"/t/[\w-]+$"))
    page.wait_for_selector("body[data-live=online]")
    page.screenshot(path=str(out / "lay-so-phieu.png"), full_page=True)
    page.context.close()


def booking(browser, demo: Demo, out: Path) -> None:
    """``dat-lich``: field, day and slot chosen, the form filled; ``dat-lich-ma``: the code and
    its QR code; ``dat-lich-huy``: the same page after cancelling."""
    page = browser.new_context(**PHONE).new_page()
    page.goto(demo.url + "/dat-lich")
    page.select_option("#field", "chung-thuc")
    page.wait_for_selector("#book")
    page.locator("#book input[name=slot]:not([disabled])").first.check()
    page.fill("#name", "Trần Văn Nam")
    page.fill("#phone", "0978 123 456")
    page.screenshot(path=str(out / "dat-lich.png"), full_page=True)
    page.click("#submit")
    page.wait_for_selector("#code")
    wait_for_js(page, "document.querySelector('#qr').complete")
    page.screenshot(path=str(out / "dat-lich-ma.png"), full_page=True)
    page.once("dialog", lambda d: d.accept())  # "Hủy lịch hẹn này?"
    page.click("#cancel button")
    page.wait_for_selector(".state-cancelled")
    page.screenshot(path=str(out / "dat-lich-huy.png"), full_page=True)
    page.context.close()


def officer(browser, demo: Demo, out: Path) -> None:
    """``can-bo-lich-hen``: counter 1's page with today's appointments."""
    page = browser.new_context(**DESKTOP).new_page()
    log_in(page, demo, OFFICER, "/counter")
    page.goto(demo.url + "/counter/quay-1")
    wait_for_js(page, "window.__officer && window.__officer.view !== null")
    page.wait_for_selector("#appt-list li.appt-row")
    page.wait_for_selector("body[data-live=online]")
    page.screenshot(path=str(out / "can-bo-lich-hen.png"), full_page=True)
    page.context.close()


def admin(browser, demo: Demo, out: Path) -> None:
    """``quan-tri-lich-hen`` (slots and limits), ``bao-cao-lich-hen`` (the report) and
    ``ap-phich`` (the A4 poster as the admin sees it before printing)."""
    page = browser.new_context(**DESKTOP).new_page()
    log_in(page, demo, ADMIN, "/admin/appointments")
    page.evaluate("""paths => { for (const c of document.querySelectorAll('p.hint code'))
        if (c.textContent in paths) c.textContent = paths[c.textContent]; }""",
                  {str(demo.config_path): "/etc/motcua/motcua.toml",  # the centre's files, not
                   demo.env["MOTCUA_DATA_DIR"] + "/admin-settings.toml":  # this run's
                   "/var/lib/motcua/admin-settings.toml"})
    page.screenshot(path=str(out / "quan-tri-lich-hen.png"), full_page=True)
    page.goto(demo.url + "/admin/reports/appointments")
    page.wait_for_selector("#appointments-table")
    page.screenshot(path=str(out / "bao-cao-lich-hen.png"), full_page=True)
    page.context.close()
    page = browser.new_context(**POSTER).new_page()
    log_in(page, demo, ADMIN, "/admin/poster")
    wait_for_js(page, "document.querySelector('#qr').complete")
    page.screenshot(path=str(out / "ap-phich.png"), full_page=True)
    page.context.close()


PAGES: dict[str, tuple[Shot, tuple[str, ...]]] = {
    "lay-so": (remote_ticket, ("lay-so", "lay-so-phieu")),
    "dat-lich": (booking, ("dat-lich", "dat-lich-ma", "dat-lich-huy")),
    "can-bo": (officer, ("can-bo-lich-hen",)),
    "quan-tri": (admin, ("quan-tri-lich-hen", "bao-cao-lich-hen", "ap-phich")),
}


def shoot_pages(demo: Demo, out: Path, names: list[str]) -> list[Path]:
    from playwright.sync_api import sync_playwright

    if not CHROMIUM.exists():
        raise SystemExit(f"needs Chromium at {CHROMIUM} (install.sh dev installs it)")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            for name in names:
                PAGES[name][0](browser, demo, out)
        finally:
            browser.close()
    return [out / f"{f}.png" for name in names for f in PAGES[name][1]]


# -- the kiosk's code pad, in Kivy offscreen (a process of its own: Kivy sets itself up once) ----
def shoot_kiosk(demo: Demo, out: Path, tmp: Path) -> list[Path]:
    """``kiosk-ma-lich-hen``: the pad "Có lịch hẹn" opens, with the first digits typed."""
    target = out / "kiosk-ma-lich-hen.png"
    env = {**demo.env, "KIVY_NO_ARGS": "1", "KIVY_HOME": str(tmp / "kivy-home")}
    r = subprocess.run([sys.executable, __file__, "--kiosk-pad", str(target), "--config",
                        str(demo.config_path)], env=env, cwd=ROOT, capture_output=True, text=True,
                       timeout=300)
    if r.returncode != 0 or not target.exists():
        raise SystemExit(f"the kiosk's screenshot failed (exit {r.returncode}):\n{r.stderr[-3000:]}")
    return [target]


def kiosk_pad(target: Path, config_path: Path) -> int:
    """Run in the child: the kiosk offscreen, its code pad with "4829", one screenshot."""
    from config import load_config
    from kiosk.kivy_env import parse_size
    from kiosk.launch import make_app, window_spec

    config = load_config(config_path)
    spec = window_spec(config, offscreen=True, size=parse_size(KIOSK_SIZE))
    app = make_app(config, spec, kivy_home=Path(os.environ["KIVY_HOME"]))
    from kivy.clock import Clock
    from kivy.core.window import Window

    state = {"step": 0, "frames": 0, "ok": False}

    def tick(_dt: float) -> None:
        state["frames"] += 1
        if state["frames"] > 600:  # 30 s
            app.stop()
        elif state["step"] == 0 and app.home_state is not None and app.home_state.online:
            app.open_appointment()
            for digit in "4829":
                app.appointment_key(digit)
            state.update(step=1, frames=0)
        elif state["step"] == 1 and state["frames"] >= 6:  # laid out and drawn
            made = Window.screenshot(name=str(target.with_suffix(".tmp.png")))
            if made:
                os.replace(made, target)
                state["ok"] = True
            app.stop()

    Clock.schedule_interval(tick, 0.05)
    app.run()
    return 0 if state["ok"] else 1


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, default=ROOT / "docs" / "img", help="folder of the PNGs")
    ap.add_argument("--only", default="", help="comma-separated: " + ", ".join([*PAGES, "kiosk"]))
    ap.add_argument("--kiosk-pad", type=Path, help=argparse.SUPPRESS)  # the Kivy child
    ap.add_argument("--config", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.kiosk_pad:
        return kiosk_pad(args.kiosk_pad, args.config)

    names = [n for n in args.only.split(",") if n] or [*PAGES, "kiosk"]
    unknown = set(names) - {*PAGES, "kiosk"}
    if unknown:
        ap.error(f"unknown: {', '.join(sorted(unknown))}")
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="motcua-shots-") as tmp_dir:
        tmp = Path(tmp_dir)
        demo = start_demo(tmp)
        try:
            seed(demo)
            shots = shoot_pages(demo, args.out, [n for n in names if n in PAGES])
            if "kiosk" in names:
                shots += shoot_kiosk(demo, args.out, tmp)
        finally:
            demo.process.terminate()
            demo.process.wait(10)
    total = 0
    for path in shots:
        size = optimise(path)
        total += size
        print(f"{path.relative_to(args.out)}  {size // 1024} KB")
    print(f"{len(shots)} pictures, {total // 1024} KB in {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
