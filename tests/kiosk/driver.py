"""Run the kiosk app offscreen against a real server, play a scripted visit, write a JSON report.

A Kivy app does not run twice in one process, so each UI test starts this script::

    python tests/kiosk/driver.py --config motcua.toml --out report.json --shots DIR \
        --size 800x480 --steps home,issue,procedures,keys,exit

Steps:
  home        wait for the server's figures on the home screen; screenshot ``<prefix>-home``
  issue       touch the field ``--field`` (a real touch event at the button's centre); wait for
              the result or error screen; record what it shows; screenshot it
  closed      touch ``--closed-field`` (shown closed): the "closed" screen with its hours
  priority    as ``issue`` but touching the priority button first
  procedures  open the look-up screen by touch; screenshot it; touch the second field
  english     switch to English by touch; screenshot home in English
  noprint     a printer that says it is ready but fails: the number and its QR code on screen
  paperout    the paper runs out: the home screen says so at once and pauses every field; a
              touch shows the printer's error; paper back, the fields come back
  error       show the printer-offline screen through the controller (the printer swapped for
              the "none" backend) and screenshot it
  issuing     show the "please wait" screen and screenshot it
  appointment touch "Có lịch hẹn"; type a wrong code on the keypad by touch (the message), then
              ``--code`` on the keyboard ending with Enter, as a USB scanner types a QR code;
              wait for the result screen; screenshots ``appointment``, ``appointment-result``
  homescan    on the home screen, without touching "Có lịch hẹn": a stray key, then a scanner
              types a wrong code and Enter (the pad opens with its message), home again, then
              ``--code`` and Enter; wait for the result screen; screenshots ``homescan-wrong``,
              ``homescan-result``; record what the scans gave ``on_digit_key`` (nothing), then
              press key 3 alone (a rating)
  wrongcodes  type a wrong code ``--wrong`` times on the keypad; record each message
  keys        press keys 1-4, 'a' and '9' on the window one at a time, as a person does; record
              what reached ``on_digit_key``
  idle        pretend nobody touched the screen for a long time; record the screen after
  exit        5 taps in the top-left corner, the PIN on the number pad, "exit": the app stops
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import sys
import tempfile
import time
import traceback
from collections.abc import Callable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if importlib.util.find_spec("kiosk") is None:  # else the installed motcua (a role's own venv)
    sys.path.insert(0, str(ROOT))

Wait = Callable[[], bool] | float | int | None


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--config", required=True)
    ap.add_argument("--data-dir", default="")
    ap.add_argument("--out", required=True)
    ap.add_argument("--shots", default="")
    ap.add_argument("--prefix", default="kiosk")
    ap.add_argument("--size", default="1280x720")
    ap.add_argument("--field", default="ho-tich")
    ap.add_argument("--closed-field", default="dat-dai")
    ap.add_argument("--steps", default="home,issue")
    ap.add_argument("--code", default="")
    ap.add_argument("--wrong", type=int, default=4)
    ap.add_argument("--timeout", type=float, default=30.0)
    args = ap.parse_args()

    if args.data_dir:
        os.environ["MOTCUA_DATA_DIR"] = args.data_dir
    from config import load_config
    from kiosk.kivy_env import parse_size
    from kiosk.launch import make_app, window_spec

    config = load_config(args.config)
    spec = window_spec(config, offscreen=True, size=parse_size(args.size))
    digits: list[int] = []
    home = Path(tempfile.mkdtemp(prefix="kivy-home-"))
    app = make_app(config, spec, on_digit_key=digits.append, kivy_home=home)
    report: dict = {"steps": [], "digits": digits, "errors": []}
    shots = Path(args.shots) if args.shots else None

    from kivy.base import EventLoop
    from kivy.clock import Clock
    from kivy.core.window import Window
    from kivy.input.motionevent import MotionEvent

    class Touch(MotionEvent):
        """One finger at window position (x, y): kivy.tests.common.UnitTestTouch, which needs
        pytest (not in a kiosk's own environment)."""

        def __init__(self, x: float, y: float):
            win = EventLoop.window
            super().__init__("Touch", 99, {"x": x / (win.width - 1.0), "y": y / (win.height - 1.0)},
                             is_touch=True, type_id="touch")
            self.profile = ["pos"]

        def depack(self, args: dict) -> None:
            self.sx, self.sy = args["x"], args["y"]
            super().depack(args)

    def shot(name: str) -> None:
        if shots is None:
            return
        shots.mkdir(parents=True, exist_ok=True)
        target = shots / f"{args.prefix}-{name}.png"
        made = Window.screenshot(name=str(target.with_suffix(".tmp.png")))
        if made:
            os.replace(made, target)
            report.setdefault("shots", []).append(str(target))

    def tap_at(x: float, y: float) -> None:
        t = Touch(x, y)
        EventLoop.post_dispatch_input("begin", t)
        EventLoop.post_dispatch_input("end", t)

    def touch(widget) -> None:
        tap_at(*widget.to_window(*widget.center))

    def frames(n: int = 3) -> Wait:
        start = Clock.frames_displayed

        return lambda: Clock.frames_displayed >= start + n

    def result_text() -> dict:
        r = app.screens["result"]
        e = app.screens["error"]
        last = app.last_outcome
        return {"screen": app.sm.current, "number": r.ids.number.text,
                "ticket_id": getattr(last, "ticket_id", None), "field": r.ids.field.text,
                "counters": r.ids.counters.text, "ahead": r.ids.ahead.text,
                "take": r.ids.take.text, "printed": r.printed, "has_qr": r.qr is not None,
                "take_fit": [r.ids.take.font_size, list(r.ids.take.texture_size),
                             list(r.ids.take.size)],
                "error_kind": e.kind, "error_title": e.title, "error_message": e.message}

    def issue_visit(name: str, field: str = "") -> Iterator[Wait]:
        button = app.screens["home"].buttons[field or args.field]
        yield frames()
        touch(button)
        yield lambda: app.sm.current in ("result", "error") and not app.busy
        yield frames()
        report[name] = result_text()
        shot(f"{name}-{app.sm.current}")

    def type_code_by_touch(code: str) -> Iterator[Wait]:
        screen = app.screens["appointment"]
        keys = {k.key: k for k in screen.ids.pad.children}
        for digit in code:
            touch(keys[digit])
        touch(keys["ok"])
        yield frames()
        yield lambda: not app.busy
        yield frames()

    def scanner(code: str) -> None:
        """A USB scanner: the QR code's digits, then Enter, typed like a keyboard."""
        for ch in code:
            Window.dispatch("on_key_down", ord(ch), 0, ch, [])
        Window.dispatch("on_key_down", 13, 40, None, [])

    def checked_in(name: str) -> Iterator[Wait]:
        """Wait for the check-in's answer, record it, screenshot it, go home."""
        yield lambda: app.sm.current in ("result", "error") and not app.busy
        yield frames()
        report[name] = result_text()
        shot(f"{name}-{app.sm.current}")
        app.go_home()
        yield frames()

    def open_appointment() -> Iterator[Wait]:
        touch(app.screens["home"].ids.appointment)
        yield lambda: app.sm.current == "appointment"
        yield frames()

    def script() -> Iterator[Wait]:
        for step in args.steps.split(","):
            report["steps"].append(step)
            if step == "home":
                yield lambda: app.home_state is not None and app.home_state.online
                yield frames()
                home_screen = app.screens["home"]
                report["home"] = {fid: [b.title, b.line1, b.line2, b.is_open]
                                  for fid, b in home_screen.buttons.items()}
                shot("home")
            elif step == "issue":
                yield from issue_visit("issue")
                touch(app.screens[app.sm.current].ids.get("done") or
                      app.screens[app.sm.current].ids["home"])
                yield lambda: app.sm.current == "home"
                yield frames()
            elif step == "closed":
                yield from issue_visit("closed", args.closed_field)
                touch(app.screens["error"].ids.home)
                yield lambda: app.sm.current == "home"
                yield frames()
            elif step == "priority":
                touch(app.screens["home"].ids.priority)
                yield frames()
                shot("priority-home")
                yield from issue_visit("priority")
                app.go_home()
                yield frames()
            elif step == "procedures":
                touch(app.screens["home"].ids.procedures)
                yield lambda: app.sm.current == "procedures"
                yield frames()
                screen = app.screens["procedures"]
                report["procedures"] = {"field": screen.field_id,
                                        "cards": len(screen.ids.cards.children)}
                shot("procedures")
                buttons = list(reversed(screen.ids.fields.children))
                touch(buttons[1])
                yield frames()
                report["procedures_second"] = {"field": screen.field_id,
                                               "cards": len(screen.ids.cards.children)}
                shot("procedures-2")
                touch(screen.ids.home)
                yield lambda: app.sm.current == "home"
                yield frames()
            elif step == "english":
                touch(app.screens["home"].ids.language)
                yield frames()
                report["english"] = app.lang
                shot("home-en")
                touch(app.screens["home"].ids.language)
                yield frames()
            elif step == "error":
                from printer import NullPrinter

                real = app.controller.printer
                app.controller.printer = NullPrinter(None)
                yield from issue_visit("error")
                app.controller.printer = real
                app.go_home()
                yield frames()
            elif step == "noprint":
                from printer import PrinterOffline, PrinterStatus

                real = app.controller.printer

                class Jammed(type(real)):  # says it is ready, then fails to print
                    def status(self):
                        return PrinterStatus.OK

                    def _send(self, data, image, ticket):
                        raise PrinterOffline("paper jam")

                jammed = Jammed.__new__(Jammed)
                jammed.__dict__.update(real.__dict__)
                app.controller.printer = jammed
                yield from issue_visit("noprint")
                app.controller.printer = real
                app.go_home()
                yield frames()
            elif step == "paperout":
                from printer import PrinterStatus

                real = app.controller.printer

                class Empty(type(real)):  # the paper roll ran out
                    def status(self):
                        return PrinterStatus.PAPER_OUT

                empty = Empty.__new__(Empty)
                empty.__dict__.update(real.__dict__)
                app.controller.printer = empty
                app.refresh()  # the kiosk's own 10 s refresh, now
                home_screen = app.screens["home"]
                yield lambda hs=home_screen: hs.fault != ""
                yield frames()
                report["paperout_home"] = {
                    "banner": home_screen.fault, "banner_height": home_screen.ids.fault.height,
                    "tiles": {fid: [b.line1, b.line2, b.is_open]
                              for fid, b in home_screen.buttons.items()}}
                shot("paperout-home")
                yield from issue_visit("paperout")
                app.controller.printer = real
                app.go_home()
                app.refresh()
                yield lambda hs=home_screen: hs.fault == ""
                yield frames()
                report["paperout_back"] = {fid: b.is_open
                                           for fid, b in home_screen.buttons.items()}
            elif step == "issuing":
                app.sm.current = "issuing"  # normally on screen for a fraction of a second
                yield frames()
                shot("issuing")
                app.go_home()
                yield frames()
            elif step == "appointment":
                yield from open_appointment()
                screen = app.screens["appointment"]
                report["appointment_prompt"] = screen.message
                shot("appointment")
                yield from type_code_by_touch("123456")  # a wrong check digit
                report["appointment_wrong"] = {"message": screen.message, "error": screen.error,
                                               "shown": screen.shown, "screen": app.sm.current}
                shot("appointment-wrong")
                scanner(args.code)
                yield from checked_in("appointment")
            elif step == "homescan":
                screen = app.screens["appointment"]
                Window.dispatch("on_key_down", ord("9"), 0, "9", [])  # a stray key, long ago
                app.scan.last -= 60
                scanner("123456")  # a wrong check digit
                yield lambda: app.sm.current == "appointment" and not app.busy
                yield frames()
                report["homescan_wrong"] = {"message": screen.message, "error": screen.error,
                                            "shown": screen.shown, "screen": app.sm.current}
                shot("homescan-wrong")
                app.go_home()
                yield frames()
                scanner(args.code)
                yield from checked_in("homescan")
                yield app.lone.burst_s * 2  # a rating key held back would be due by now
                report["homescan_digits"] = list(digits)
                Window.dispatch("on_key_down", ord("3"), 0, "3", [])  # a person's rating key
                yield app.lone.burst_s * 2
            elif step == "wrongcodes":
                yield from open_appointment()
                screen = app.screens["appointment"]
                report["wrongcodes"] = []
                for _ in range(args.wrong):
                    yield from type_code_by_touch("111111")
                    report["wrongcodes"].append(screen.message)
                shot("appointment-paused")
                app.go_home()
                yield frames()
            elif step == "keys":
                for key in ("1", "2", "3", "4", "a", "9"):  # a person: one key at a time
                    Window.dispatch("on_key_down", ord(key), 0, key, [])
                    yield app.lone.burst_s * 2
                yield frames()
            elif step == "idle":
                app.open_procedures()
                yield frames()
                app.idle.last = time.monotonic() - 10_000
                yield lambda: app.sm.current == "home"
                yield frames()
                report["idle"] = app.sm.current
            elif step == "exit":
                w, h = Window.size
                for _ in range(5):
                    tap_at(4, h - 4)
                yield lambda: app.sm.current == "admin"
                yield frames()
                shot("admin")
                pad = app.screens["admin"].ids.pad
                keys = {k.key: k for k in pad.children}
                for digit in config.kiosk.admin_pin:
                    touch(keys[digit])
                touch(keys["ok"])
                yield lambda: app.screens["admin"].mode == "menu"
                yield frames()
                shot("admin-menu")
                report["exited"] = True
                touch(app.screens["admin"].ids.exit)
                return
            else:
                raise SystemExit(f"unknown step {step!r}")
        app.stop()

    gen = script()
    state: dict = {"wait": None, "deadline": 0.0}

    def tick(_dt: float) -> None:
        try:
            wait = state["wait"]
            if wait is not None:
                if callable(wait):
                    if not wait():
                        if time.monotonic() > state["deadline"]:
                            raise TimeoutError(f"timed out in step {report['steps'][-1]!r}"
                                               f" on screen {app.sm.current!r}")
                        return
                elif time.monotonic() < state["deadline"]:
                    return
            state["wait"] = next(gen)
            w = state["wait"]
            state["deadline"] = time.monotonic() + (args.timeout if callable(w) else float(w or 0))
        except StopIteration:
            state["wait"] = lambda: False
            state["deadline"] = float("inf")
        except Exception as exc:  # noqa: BLE001 - reported to the test, then stop
            report["errors"].append(f"{type(exc).__name__}: {exc}\n{traceback.format_exc()}")
            state["wait"] = lambda: False
            state["deadline"] = float("inf")
            app.stop()

    def begin(_dt: float) -> None:
        Clock.schedule_interval(tick, 0.05)

    Clock.schedule_once(begin, 0.5)
    app.run()
    EventLoop.close()
    report["preview"] = sorted(p.name for p in
                               (config.resolve_path(config.printer.preview_dir)).glob("*.png"))
    Path(args.out).write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
    return 1 if report["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
