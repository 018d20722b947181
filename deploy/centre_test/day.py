"""A day at the centre, at speed, with the faults a centre meets; each point is checked and
counted (``Day.results``)."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import signal
import sqlite3
import subprocess
import time
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from .centre import PASSWORD, STATION, TIMER_SOON, Centre, server_url
from .host import log, wait_for
from .install import cache_binds, install
from .lanform import LanBrowser, form_fields
from .machine import Machine

FIELD = "ho-tich"
COUNTER = "quay-1"
PIN_QUAY1 = 5   # danh-gia-1: quay-1, very satisfied
PIN_QUAY1_OK = 6  # quay-1, satisfied
PIN_QUAY2 = 19  # quay-2, very satisfied


def rows(db, *tables: str) -> str:
    """Row counts of ``tables`` in an SQLite file (read while its machine is off)."""
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
            return " ".join(f"{t}={conn.execute(f'select count(*) from {t}').fetchone()[0]}"
                            for t in tables)
    except sqlite3.Error as exc:
        return f"error: {exc}"


@dataclass
class Result:
    point: str
    ok: bool
    detail: str


@dataclass
class Day:
    centre: Centre
    results: list[Result] = field(default_factory=list)
    tickets: dict[int, str] = field(default_factory=dict)  # every acknowledged ticket: id -> number
    presses: int = 0  # presses stored by the station (each must be counted once)

    # -- bookkeeping ---------------------------------------------------------------------------
    def check(self, point: str, ok: bool, detail: str = "") -> bool:
        self.results.append(Result(point, bool(ok), detail))
        log(f"{'PASS' if ok else 'FAIL'} {point}{': ' + detail if detail else ''}")
        return bool(ok)

    @property
    def server(self) -> Machine:
        return self.centre.machine("server")

    def m(self, name: str) -> Machine:
        return self.centre.machine(name)

    # -- the LAN's view ------------------------------------------------------------------------
    def admin(self, name: str = "server"):
        http = self.centre.http(name)
        r = wait_for(lambda: http.login("admin", PASSWORD).status == 200, timeout=60, every=2,
                     what=f"admin login on {name}")
        return http if r else None

    def health(self, name: str = "server"):
        return self.centre.http(name).get("/api/v1/health", timeout=3)

    def figures(self, name: str = "server") -> dict[str, int]:
        """Today's tickets and rating presses as the reports count them."""
        http = self.admin(name)
        if http is None:
            return {}
        # The centre's day is not the host's (UTC+7 against UTC), and a run may cross midnight:
        # the machines' database is fresh, so the days either side of the host's hold all of it.
        host = date.today()
        span = f"from={host - timedelta(days=1)}&to={host + timedelta(days=1)}"
        w = http.get(f"/api/v1/reports/waiting?{span}")
        s = http.get(f"/api/v1/reports/satisfaction?{span}")
        if w.status != 200 or s.status != 200:
            return {}
        return {"tickets": int(w.body["total"]["tickets"]), "served": int(w.body["total"]["served"]),
                "ratings": int(s.body["total"]["total"])}

    def devices_online(self) -> dict[str, bool]:
        http = self.admin()
        r = http.get("/api/v1/admin/dashboard") if http else None
        if not r or r.status != 200:
            return {}
        return {d["id"]: bool(d["online"]) for d in r.body["devices"]}

    def screen_page(self) -> dict[str, Any]:
        out = self.centre.guest(self.m("screen"), "page.py", python="/usr/bin/python3",
                                timeout=30)
        try:
            return json.loads(out.strip().splitlines()[-1])
        except (ValueError, IndexError):
            return {"error": out[-300:]}

    # -- actions -------------------------------------------------------------------------------
    def issue(self, count: int, extra: str = "") -> list[dict[str, Any]]:
        out = self.centre.guest(self.m("kiosk"), "issue.py", f"{FIELD} {count} {extra}",
                                timeout=300)
        return self._tickets(out)

    def _tickets(self, out: str) -> list[dict[str, Any]]:
        rows = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
        for row in rows:
            if "id" in row:
                self.tickets[int(row["id"])] = str(row["number"])
        return rows

    def press(self, *pins: int) -> dict[str, int]:
        out = self.centre.guest(self.m("rating"), "press.py",
                                " ".join([STATION, *map(str, pins)]), timeout=60)
        self.presses += len(pins)
        return json.loads(out.strip().splitlines()[-1])

    def outbox(self) -> dict[str, int]:
        out = self.centre.guest(self.m("rating"), "press.py", STATION, timeout=60)
        return json.loads(out.strip().splitlines()[-1])

    def officer(self):
        http = self.centre.http()
        r = http.login("canbo1", PASSWORD)
        return http if r.status == 200 else None

    def serve_one(self, officer) -> dict[str, Any] | None:
        """Call the next number at quay-1, see it on the hall screen, finish it."""
        r = officer.post(f"/api/v1/counters/{COUNTER}/call-next")
        if r.status != 200 or not r.body.get("ticket"):
            self.check("call-next answers with a ticket", False, f"{r.status} {r.body}")
            return None
        ticket = r.body["ticket"]
        seen = wait_for(lambda: ticket["number"] in self.screen_page().get("text", ""),
                        timeout=30, every=1, what=f"{ticket['number']} on the hall screen")
        r2 = officer.post(f"/api/v1/counters/{COUNTER}/finish")
        ticket["seen_on_screen"] = bool(seen)
        ticket["finished"] = r2.status == 200
        return ticket

    def all_tickets_kept(self, name: str = "server") -> tuple[bool, str]:
        """Every acknowledged ticket is on the server with its number, numbers never repeated."""
        http = self.centre.http(name)
        missing = []
        for tid, number in sorted(self.tickets.items()):
            r = http.get(f"/api/v1/tickets/{tid}")
            if r.status != 200 or str(r.body.get("number")) != number:
                missing.append(f"{tid}/{number}: {r.status}")
        numbers = list(self.tickets.values())
        repeated = len(numbers) != len(set(numbers))
        detail = f"{len(self.tickets)} acknowledged"
        if missing:
            detail += f", missing: {', '.join(missing[:5])}"
        if repeated:
            detail += ", a number was issued twice"
        return not missing and not repeated, detail

    def integrity(self) -> str:
        r = self.server.run("sqlite3 /var/lib/motcua/motcua.db 'PRAGMA integrity_check'",
                            check=False)
        return (r.stdout or r.stderr).strip()

    # == the points ===============================================================================
    def boot_in_wrong_order(self) -> None:
        """1. Kiosk, rating station and screen boot before the server: they wait, then connect."""
        for name in ("kiosk", "rating", "screen"):
            self.centre.boot_on_lan(name)
        time.sleep(10)
        self.check("1. before the server: no server on the LAN", self.health().status == 0)
        states = {n: self.m(n).unit_state(u) for n, u in (
            ("kiosk", "motcua-kiosk"), ("rating", "motcua-rating-station"),
            ("screen", "motcua-screen"))}
        self.check("1. before the server: the device services run and wait",
                   all(s in ("active", "activating") for s in states.values()), str(states))
        self.centre.boot_on_lan("server")
        up = wait_for(lambda: self.health().status == 200, timeout=90, every=1,
                      what="the server's health")
        self.check("1. the server comes up at boot", bool(up))
        online = wait_for(lambda: (lambda d: d.get("kiosk-1") and d.get(STATION) and d)(
            self.devices_online()), timeout=120, every=3, what="kiosk and station heartbeats")
        self.check("1. kiosk and rating station connect by themselves", bool(online),
                   str(self.devices_online()))
        page = wait_for(lambda: (lambda p: p.get("live") == "online" and p)(self.screen_page()),
                        timeout=120, every=3, what="the hall screen online")
        self.check("1. the hall screen loads and goes live by itself", bool(page),
                   str(page or self.screen_page())[:300])

    def ordinary_day(self) -> None:
        """2. Tickets from the kiosk, calls, the screen, ratings: all counted once."""
        before = self.figures()
        self.touch_the_kiosk()
        rows = self.issue(5)
        issued = [r for r in rows if "id" in r]
        self.check("2. the kiosk issues tickets", len(issued) == 5 and all(r["created"] for r in
                   issued), f"{[r.get('number') or r for r in rows]}")
        officer = self.officer()
        self.check("2. the officer logs in from the LAN", officer is not None)
        served = []
        for _ in range(3):
            t = self.serve_one(officer) if officer else None
            if t:
                served.append(t)
                self.press(PIN_QUAY1)
        self.check("2. each call is shown on the hall screen", len(served) == 3 and all(
            t["seen_on_screen"] and t["finished"] for t in served),
            str([(t["number"], t["seen_on_screen"]) for t in served]))
        # six tickets: one touched on the app, five through the kiosk's client
        want = {"tickets": before.get("tickets", 0) + 6, "served": before.get("served", 0) + 3,
                "ratings": self.presses}
        got = wait_for(lambda: (lambda f: f == want and f)(self.figures()), timeout=90, every=3,
                       what="the report to count the day")
        self.check("2. the report counts every ticket, service and press once", bool(got),
                   f"want {want}, report {self.figures()}")
        self.admin_page_settings()

    def admin_page_settings(self) -> None:
        """The admin changes the late-arrival grace on /admin/appointments from the officer's PC:
        saved in the data folder (the unit keeps /etc read-only), the config file untouched, and
        applied after the server restarts."""
        s = self.server
        config_before = s.path("/etc/motcua/motcua.toml").read_bytes()
        browser = LanBrowser(self.centre.lan.netns("officer"), server_url("server"))
        _, page = browser.get("/counter")  # the login form, when nobody is logged in
        login = dict(form_fields(page, "login-form"))
        status, _ = browser.post("/counter/login", [
            ("csrf_token", login.get("csrf_token", "")), ("username", "admin"),
            ("password", PASSWORD), ("next", "/admin/appointments")])
        _, page = browser.get("/admin/appointments")
        fields = form_fields(page, "bookings-form")
        grace = dict(fields).get("grace_minutes")
        wanted = "25" if grace != "25" else "20"
        status, answer = browser.post("/admin/appointments", [
            (k, wanted if k == "grace_minutes" else v) for k, v in fields])
        saved = s.path("/var/lib/motcua/admin-settings.toml")
        text = saved.read_text() if saved.exists() else ""
        self.check("2. the admin page saves its settings on the installed server (into "
                   "/var/lib/motcua; /etc/motcua/motcua.toml untouched)",
                   status == 302 and f"grace_minutes = {wanted}" in text
                   and s.path("/etc/motcua/motcua.toml").read_bytes() == config_before,
                   f"grace {grace} -> {wanted}: HTTP {status}, {saved.name}: {text!r}; "
                   + (answer[-300:] if status != 302 else ""))
        _, page = browser.get("/admin/appointments")
        pending = PENDING in page
        s.run("systemctl restart motcua-server")
        wait_for(lambda: self.health().status == 200, timeout=60, every=1,
                 what="the server after its restart")
        _, after = browser.get("/admin/appointments")
        self.check("2. after a restart the admin's setting applies",
                   pending and PENDING not in after
                   and dict(form_fields(after, "bookings-form")).get("grace_minutes") == wanted,
                   f"pending before the restart: {pending}; after: {PENDING in after}")

    def touch_the_kiosk(self) -> None:
        """A citizen touches a field on the kiosk's own app (offscreen, its touch events): the
        server's number on the screen and on the printed ticket (the preview printer's PNG)."""
        k = self.m("kiosk")
        out = "/var/lib/motcua/centre-test-visit.json"
        k.run(f"rm -f {out}")
        self.centre.guest(k, "driver.py", f"--config /etc/motcua/motcua.toml --out {out} "
                          f"--steps home,issue --field {FIELD} --size 800x480", timeout=240)
        visit = json.loads(k.path(out).read_text()).get("issue", {})
        number = str(visit.get("number", ""))
        if visit.get("ticket_id"):
            self.tickets[int(visit["ticket_id"])] = number
        printed = k.run(f"ls /var/lib/motcua/tickets/ | grep -c -- '-{number}.png$' || true",
                        check=False).stdout.strip() if number else "0"
        self.check("2. a touch on the kiosk app: the server's number, printed",
                   visit.get("screen") == "result" and visit.get("printed") and number.isdigit()
                   and printed == "1", f"{printed} ticket image; " + str(
                       {k: visit.get(k) for k in ("screen", "number", "printed", "error_message")}))

    def _under_load(self, fault, label: str) -> None:
        """Issue tickets at the kiosk while ``fault`` strikes the server; none acknowledged lost."""
        load = self.m("kiosk").spawn(
            f"cd /var/lib/motcua && runuser -u motcua -- env MOTCUA_CONFIG=/etc/motcua/motcua.toml"
            f" /opt/motcua/bin/python /opt/motcua-centre-test/issue.py {FIELD} 20 --pause-s 0.3"
            " --retry-s 150")
        time.sleep(2.5)
        fault()
        try:
            out, err = load.communicate(timeout=400)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(load.pid, signal.SIGKILL)  # nsenter and what it started in the machine
            out, err = load.communicate(timeout=30)
        rows = self._tickets(out)
        wait_for(lambda: self.health().status == 200, timeout=60, what="the server after the fault")
        lost = [r for r in rows if "unacknowledged" in r or "refused" in r]
        self.check(f"{label}: the kiosk's tickets are acknowledged (retried until the server "
                   "is back)", len(rows) == 20 and not lost, f"{len(rows)} rows, {lost[:3]} "
                   f"{err[-300:] if len(rows) != 20 else ''}")
        ok, detail = self.all_tickets_kept()
        self.check(f"{label}: nothing acknowledged is lost", ok, detail)

    def kill_server_process(self) -> None:
        """3. kill -9 of the server process: systemd restarts it."""
        old = self.server.main_pid("motcua-server")

        def fault() -> None:
            self.server.run(f"kill -9 {old}")
        self._under_load(fault, "3. kill -9")
        new = self.server.main_pid("motcua-server")
        self.check("3. systemd restarted the server", new not in (0, old) and
                   self.server.unit_state("motcua-server") == "active", f"pid {old} -> {new}")

    def power_cut(self) -> None:
        """4. The server machine's power cut, then back: database intact, the day goes on."""
        def fault() -> None:
            self.server.power_cut()
            time.sleep(3)
            self.centre.boot_on_lan("server", wait=False)
        self._under_load(fault, "4. power cut")
        self.server.wait_booted()
        self.check("4. the database is intact after the power cut", self.integrity() == "ok",
                   self.integrity())
        officer = self.officer()
        t = self.serve_one(officer) if officer else None
        self.check("4. the day goes on: a call after the power cut", bool(t and t["finished"] and
                   t["seen_on_screen"]), str(t))
        if t:
            self.press(PIN_QUAY1)

    def station_off_the_lan(self) -> None:
        """5. The rating station's cable out: presses kept, delivered once when it is back."""
        self._settle_ratings()
        before = self.figures().get("ratings", -1)
        self.centre.lan.unplug("rating")
        counts = self.press(PIN_QUAY1, PIN_QUAY2, PIN_QUAY1_OK)
        # the cable stays out until the service has tried to deliver (and failed)
        tried = wait_for(lambda: (lambda o: (o.get("tried") or o.get("dead")) and o)(
            self.outbox()), timeout=90, every=3, what="a delivery attempt off the LAN")
        during = self.figures().get("ratings", -1)
        box = self.outbox()
        self.check("5. off the LAN: presses kept in the station's outbox", bool(tried) and
                   box.get("pending") == 3 and not box.get("dead") and during == before,
                   f"outbox {counts}, after a failed delivery {box}; server {during}")
        self.centre.lan.plug("rating")
        got = wait_for(lambda: self.figures().get("ratings") == before + 3, timeout=120,
                       every=3, what="the presses after the cable is back")
        time.sleep(35)  # one more heartbeat and delivery round: nothing is sent twice
        after = self.figures().get("ratings", -1)
        self.check("5. back on the LAN: each press delivered once", bool(got) and
                   after == before + 3 and self.outbox().get("pending", 0) == 0,
                   f"server {before} -> {after}, outbox {self.outbox()}")

    def _settle_ratings(self) -> None:
        wait_for(lambda: self.outbox().get("pending", 1) == 0, timeout=90, every=3,
                 what="the station's outbox to empty")

    def disk_full(self) -> None:
        """6. The server's disk full: refused clearly; back to normal when space returns."""
        pid = self.server.main_pid("motcua-server")
        self.issue(1)  # the number before: the next one after the full disk must follow it
        self.server.run("fallocate -l $(( $(stat -f -c '%a * %S' /var/lib/motcua) )) "
                        "/var/lib/motcua/fill-1 || true; dd if=/dev/zero of=/var/lib/motcua/fill-2"
                        " bs=4k 2>/dev/null || true", timeout=120)
        free = self.server.run("stat -f -c '%a' /var/lib/motcua").stdout.strip()
        rows = self.issue(300, "--until-refused --retry-s 5")
        refusal = next((r for r in rows if "refused" in r), None)
        self.check("6. disk full: the kiosk is refused with a clear reason", bool(
            refusal and refusal["refused"] == 503 and refusal.get("code") == "disk_full" and
            "ổ đĩa" in refusal.get("message", "")),
            f"{free} blocks free; {len(rows) - 1} tickets before the refusal: {refusal}")
        health = self.health()
        disk = health.body.get("disk", {}) if isinstance(health.body, dict) else {}
        self.check("6. disk full: health says so", disk.get("status") == "full",
                   f"{health.status} {health.body}")
        self.server.run("rm -f /var/lib/motcua/fill-1 /var/lib/motcua/fill-2")
        last = max(int(n) for n in self.tickets.values() if n.isdigit()) if self.tickets else 0
        after = self.issue(1)
        self.check("6. space back: tickets again with no restart, no number burnt", bool(
            after and "id" in after[0] and int(after[0]["number"]) == last + 1 and
            self.server.main_pid("motcua-server") == pid), f"{after}")
        self.check("6. the database is intact after the full disk", self.integrity() == "ok",
                   self.integrity())
        ok, detail = self.all_tickets_kept()
        self.check("6. nothing acknowledged is lost", ok, detail)

    def backup_and_restore(self) -> None:
        """7. The backup timer runs; its backup restored on a fresh server machine."""
        self._settle_ratings()
        figures = self.figures()
        s = self.server
        d = s.path("/etc/systemd/system/motcua-backup.timer.d")
        d.mkdir(parents=True, exist_ok=True)
        (d / "centre-test.conf").write_text(TIMER_SOON)
        before = set(s.run("ls /var/lib/motcua/backups").stdout.split())
        s.run("systemctl daemon-reload && systemctl restart motcua-backup.timer")
        made = wait_for(lambda: set(s.run("ls /var/lib/motcua/backups").stdout.split()) - before,
                        timeout=90, every=2, what="a backup from the timer")
        result = s.run("systemctl show -p Result --value motcua-backup.service").stdout.strip()
        (d / "centre-test.conf").unlink()
        s.run("systemctl daemon-reload && systemctl restart motcua-backup.timer")
        self.check("7. the backup timer made a backup", bool(made) and result == "success",
                   f"{sorted(made or [])} result {result}")
        if not made:
            return
        name = sorted(made)[-1]
        r = self.centre.boot_on_lan("restore")
        copy = r.path("/var/tmp/" + name)
        copy.write_bytes(s.path(f"/var/lib/motcua/backups/{name}").read_bytes())
        copy.chmod(0o644)
        out = r.run("systemctl stop motcua-server && sudo -u motcua /opt/motcua/bin/motcua "
                    f"restore /var/tmp/{name} 2>&1; echo exit=$?; systemctl start motcua-server",
                    check=False, timeout=120)
        wait_for(lambda: self.health("restore").status == 200, timeout=60, every=1,
                 what="the restored server")
        got = self.figures("restore")
        self.check("7. restored on a fresh machine: the day's figures are back", got == figures
                   and "exit=0" in out.stdout, f"backup {figures}, restored {got}; "
                   f"{out.stdout.strip()[-300:]}")
        r.poweroff()

    def nightly_restart(self) -> None:
        """7. The nightly restart timer, brought forward, under load: a fresh server process;
        nothing lost, and the hall screen shows the next call by itself."""
        s = self.server
        old = s.main_pid("motcua-server")
        d = s.path("/etc/systemd/system/motcua-server-restart.timer.d")
        d.mkdir(parents=True, exist_ok=True)
        new = 0

        def fault() -> None:  # the timer fires while the kiosk issues tickets
            nonlocal new
            (d / "centre-test.conf").write_text(TIMER_SOON)
            s.run("systemctl daemon-reload && systemctl restart motcua-server-restart.timer")
            new = wait_for(lambda: (lambda p: p not in (0, old) and p)(s.main_pid("motcua-server")),
                           timeout=60, every=0.5, what="the server restarted by the timer") or 0
        self._under_load(fault, "7. nightly restart")
        (d / "centre-test.conf").unlink()
        s.run("systemctl daemon-reload && systemctl restart motcua-server-restart.timer")
        result = s.run("systemctl show -p Result --value motcua-server-restart.service"
                       ).stdout.strip()
        self.check("7. the nightly restart timer started a fresh server process", bool(new) and
                   result == "success" and s.unit_state("motcua-server") == "active",
                   f"pid {old} -> {new}, result {result}")
        officer = self.officer()
        t = self.serve_one(officer) if officer else None
        if t:
            self.press(PIN_QUAY1)
        self.check("7. after the nightly restart the hall screen shows the next call",
                   bool(t and t["seen_on_screen"]), str(t))

    def upgrade(self) -> None:
        """8. install.sh ROLE again on every machine: config, data and tokens kept."""
        self._settle_ratings()
        figures = self.figures()
        for m in self.centre.machines.values():
            if m.on:
                m.poweroff()
        for name in ("server", "kiosk", "rating", "screen"):
            m = self.m(name)
            kept = self._fingerprint(m)
            m.boot(binds=cache_binds(self.centre.cache))
            args = [self.centre.install_args[name][0]]  # the same role, as docs/install.md says
            try:
                install(m, args, self.centre.logs)
                ok = True
            except Exception as exc:  # noqa: BLE001 - recorded as the point's failure
                ok = False
                log(str(exc))
            m.poweroff()
            now = self._fingerprint(m)
            changed = [k for k in kept if kept[k] != now.get(k)]
            self.check(f"8. {name}: install.sh {args[0]} again keeps config, tokens and data",
                       ok and not changed, f"changed: {changed}" if changed else "")
        for name in ("server", "kiosk", "rating", "screen"):
            self.centre.boot_on_lan(name)
        wait_for(lambda: self.health().status == 200, timeout=90, what="the upgraded server")
        self.check("8. after the upgrade the day's figures are all there",
                   self.figures() == figures, f"before {figures}, after {self.figures()}")
        rows = self.issue(1)
        officer = self.officer()
        t = self.serve_one(officer) if officer else None
        if t:
            self.press(PIN_QUAY1)
        self.check("8. after the upgrade: the kiosk's token works, calls reach the screen",
                   bool(rows and "id" in rows[0] and t and t["seen_on_screen"]), f"{rows} {t}")

    def _fingerprint(self, m: Machine) -> dict[str, str]:
        out: dict[str, str] = {}
        for f in sorted(m.path("/etc/motcua").glob("*")):
            if f.is_file():
                out[str(f.relative_to(m.root))] = hashlib.sha256(f.read_bytes()).hexdigest()
        if m.name == "server":
            out["database rows"] = rows(m.path("/var/lib/motcua/motcua.db"),
                                        "tickets", "ratings", "officers", "audit_log")
            out["secret_key"] = hashlib.sha256(m.path("/var/lib/motcua/secret_key")
                                               .read_bytes()).hexdigest()
        if m.name == "rating":
            out["outbox rows"] = rows(m.path(f"/var/lib/motcua/rating-outbox-{STATION}.db"),
                                      "outbox")
        return out

    def last_count(self) -> None:
        """At the close: the reports count every acknowledged ticket and every press once."""
        self._settle_ratings()
        ok, detail = self.all_tickets_kept()
        self.check("the day: every acknowledged ticket is on the server", ok, detail)
        got = wait_for(lambda: (lambda f: f.get("ratings") == self.presses and f)(self.figures()),
                       timeout=90, every=3, what="every press in the report")
        f = self.figures()
        self.check("the day: the report counts every ticket and every press once", bool(got) and
                   f.get("tickets") == len(self.tickets), f"report {f}, acknowledged "
                   f"{len(self.tickets)} tickets, {self.presses} presses")

    def ensure_on(self) -> None:
        """Every machine of the day on (the server first), for a point run on its own."""
        for name in ("server", "kiosk", "rating", "screen"):
            if not self.m(name).on:
                self.centre.boot_on_lan(name)
        wait_for(lambda: self.health().status == 200, timeout=90, what="the server")

    def run(self, points: list[str]) -> None:
        for point in points:
            try:
                if point != "boot_in_wrong_order":
                    self.ensure_on()
                getattr(self, point)()
            except Exception as exc:  # noqa: BLE001 - one broken point must not hide the others
                self.check(f"{point}", False, f"{type(exc).__name__}: {str(exc)[-1500:]}")


PENDING = 'id="pending"'
"""The admin page's note that saved settings wait for a restart."""
POINTS = ["boot_in_wrong_order", "ordinary_day", "kill_server_process", "power_cut",
          "station_off_the_lan", "disk_full", "backup_and_restore", "nightly_restart", "upgrade",
          "last_count"]
