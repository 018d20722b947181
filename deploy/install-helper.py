#!/usr/bin/env python3
"""Helpers for install.sh that are easier in Python (standard library only: they run before the
motcua virtual environment exists).

    install-helper.py extras ROLE... [--pyproject FILE]
        The pip extras and extra packages the roles need, as far as pyproject.toml declares them:
        line 1 the extras ("usb,serial"), then one requirement per line for what no extra covers.

    install-helper.py make-config --template FILE --output FILE [--server-url URL]
                                  [--public-url URL] [--printer VID:PID] [--kiosk-device ID]
        A production config from a template (normally config/demo.toml): data in
        /var/lib/motcua, the server on all interfaces, fresh random device tokens in place of the
        demo ones, a random kiosk admin PIN, fullscreen kiosk. Comments and layout are kept.
        Prints the new secrets. Refuses to overwrite an existing file.
"""

from __future__ import annotations

import argparse
import re
import secrets
import sys
import tomllib
from datetime import datetime
from pathlib import Path


def pi_only(requirement: str) -> str:
    """Only on Raspberry Pi CPUs (lgpio has wheels for those and is useless elsewhere)."""
    return f"{requirement}; platform_machine == 'aarch64' or platform_machine == 'armv7l'"


# What each role wants from pyproject's optional dependencies, and what to install directly when
# no extra provides it (the module to look for, the requirement to install).
ROLE_EXTRAS = {
    "server": ["server", "postgres"],
    "kiosk": ["usb", "serial", "kiosk", "gpio", "rating"],
    "rating-station": ["gpio", "rating"],
    "demo": ["kiosk", "server"],
    "dev": ["*"],
}
FALLBACKS = {
    "kiosk": [("kivy", "Kivy>=2.3")],
    "rating-station": [("gpiozero", "gpiozero>=2.0"), ("lgpio", pi_only("lgpio>=0.2"))],
    "demo": [("kivy", "Kivy>=2.3")],
    "dev": [("kivy", "Kivy>=2.3"), ("gpiozero", "gpiozero>=2.0")],
}
DATA_DIR = "/var/lib/motcua"


def _requirement_name(req: str) -> str:
    return re.split(r"[\s\[<>=!~;]", req.strip(), maxsplit=1)[0].lower().replace("_", "-")


def extras_for(roles: list[str], pyproject: Path) -> tuple[list[str], list[str]]:
    """(extras to install, extra requirements) for ``roles``, given what pyproject declares."""
    project = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]
    declared: dict[str, list[str]] = project.get("optional-dependencies", {})
    extras: list[str] = []
    for role in roles:
        for extra in ROLE_EXTRAS.get(role, []):
            for name in declared if extra == "*" else [extra]:
                if name in declared and name not in extras:
                    extras.append(name)
    covered = {_requirement_name(r) for r in project.get("dependencies", [])}
    for extra in extras:
        covered |= {_requirement_name(r) for r in declared[extra]}
    more: list[str] = []
    for role in roles:
        for module, requirement in FALLBACKS.get(role, []):
            if module not in covered and requirement not in more:
                more.append(requirement)
    return extras, more


# -- config ---------------------------------------------------------------------------------------
SECTION_RE = re.compile(r"^\s*\[\[?\s*([A-Za-z0-9_.-]+)\s*\]\]?\s*(#.*)?$")


def _sections(lines: list[str]) -> list[tuple[str, int, int]]:
    """(name, first line, end line) of each table, top-level keys as ""."""
    found: list[tuple[str, int, int]] = []
    name, start = "", 0
    for i, line in enumerate(lines):
        m = SECTION_RE.match(line)
        if m:
            found.append((name, start, i))
            name, start = m.group(1), i
    found.append((name, start, len(lines)))
    return found


def set_key(lines: list[str], section: str, key: str, value: str) -> None:
    """Set ``key = value`` (a TOML literal) in the first ``[section]``; add what is missing."""
    key_re = re.compile(rf"^\s*{re.escape(key)}\s*=")
    for name, start, end in _sections(lines):
        if name != section:
            continue
        for i in range(start + 1, end):
            if key_re.match(lines[i]):
                lines[i] = f"{key} = {value}"
                return
        last = start
        for i in range(start + 1, end):
            if lines[i].strip() and not lines[i].lstrip().startswith("#"):
                last = i
        lines.insert(last + 1, f"{key} = {value}")
        return
    lines.extend(["", f"[{section}]", f"{key} = {value}"])


def is_demo_token(token: str) -> bool:
    """The example configs' placeholder tokens (config/demo.toml, config/province.toml)."""
    t = token.lower()
    return t.startswith("demo-") or "not-secret" in t or "change-me" in t


def make_config(template: Path, *, server_url: str = "", public_url: str = "", printer: str = "",
                kiosk_device: str = "") -> tuple[str, list[tuple[str, str, str]], str]:
    """The config text, the new tokens [(device id, kind, token)] and the kiosk PIN."""
    text = template.read_text(encoding="utf-8")
    data = tomllib.loads(text)
    lines = text.splitlines()
    # Fresh tokens for every device that still has a demo token.
    devices = data.get("devices", [])
    tokens: list[tuple[str, str, str]] = []
    token_re = re.compile(r'^(\s*token\s*=\s*)"([^"]*)"(.*)$')
    device_index = -1
    for i, line in enumerate(lines):
        if re.match(r"^\s*\[\[\s*devices\s*\]\]", line):
            device_index += 1
        m = token_re.match(line)
        if m and device_index >= 0 and is_demo_token(m.group(2)):
            new = secrets.token_urlsafe(24)
            lines[i] = f'{m.group(1)}"{new}"'
            d = devices[device_index] if device_index < len(devices) else {}
            tokens.append((d.get("id", f"device-{device_index}"), d.get("kind", "?"), new))
    lines = [
        "# Device tokens below were made by install.sh: every kiosk and rating station needs the"
        if ln.startswith("# Device tokens below are for the demo only") else ln for ln in lines
    ]
    for i, ln in enumerate(lines):
        if ln.startswith("# Device tokens below were made by install.sh"):
            lines.insert(i + 1, "# same file (copy it to them: docs/install.md).")
            break
    set_key(lines, "centre", "data_dir", f'"{DATA_DIR}"')
    set_key(lines, "server", "host", '"0.0.0.0"')
    if public_url:
        set_key(lines, "server", "public_url", f'"{public_url}"')
    if server_url:
        set_key(lines, "kiosk", "server_url", f'"{server_url}"')
    set_key(lines, "kiosk", "fullscreen", "true")
    if kiosk_device:
        kiosks = [d.get("id") for d in devices if d.get("kind") == "kiosk"]
        if kiosk_device not in kiosks:
            raise ValueError(f"no kiosk {kiosk_device!r} in [[devices]] (kiosks: {', '.join(kiosks)})")
        set_key(lines, "kiosk", "device_id", f'"{kiosk_device}"')
    pin = ""
    if str(data.get("kiosk", {}).get("admin_pin", "")) in ("", "1234"):
        pin = f"{secrets.randbelow(10**6):06d}"
        set_key(lines, "kiosk", "admin_pin", f'"{pin}"')
    if printer:
        vendor, product = parse_usb_id(printer)
        set_key(lines, "printer", "backend", '"usb"')
        set_key(lines, "printer", "usb_vendor_id", f"0x{vendor}")
        set_key(lines, "printer", "usb_product_id", f"0x{product}")
    stamp = datetime.now().astimezone().strftime("%Y-%m-%d %H:%M")
    header = [f"# Made by install.sh from {template.name} on {stamp}. Edit it for your centre",
              "# (name, fields, counters, hours, devices, printer), then check it with",
              "#   sudo -u motcua /opt/motcua/bin/motcua config check",
              "# and restart: sudo systemctl restart motcua-server", ""]
    out = "\n".join(header + lines) + "\n"
    tomllib.loads(out)  # still valid TOML
    return out, tokens, pin


def parse_usb_id(text: str) -> tuple[str, str]:
    """ "0416:5011" -> ("0416", "5011"); a ValueError otherwise."""
    m = re.fullmatch(r"(?:0x)?([0-9a-fA-F]{4}):(?:0x)?([0-9a-fA-F]{4})", text.strip())
    if not m:
        raise ValueError(f"{text!r} is not a USB id like 0416:5011 (see lsusb)")
    return m.group(1).lower(), m.group(2).lower()


# -- command line ---------------------------------------------------------------------------------
def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description="install.sh helpers")
    sub = p.add_subparsers(dest="command", required=True)
    e = sub.add_parser("extras")
    e.add_argument("roles", nargs="+")
    e.add_argument("--pyproject", type=Path, default=Path(__file__).resolve().parent.parent
                   / "pyproject.toml")
    c = sub.add_parser("make-config")
    c.add_argument("--template", type=Path, required=True)
    c.add_argument("--output", type=Path, required=True)
    c.add_argument("--server-url", default="")
    c.add_argument("--public-url", default="")
    c.add_argument("--printer", default="")
    c.add_argument("--kiosk-device", default="")
    u = sub.add_parser("usb-id")
    u.add_argument("id")
    args = p.parse_args(argv)

    if args.command == "extras":
        extras, more = extras_for(args.roles, args.pyproject)
        print(",".join(extras))
        for req in more:
            print(req)
        return 0
    if args.command == "usb-id":
        try:
            vendor, product = parse_usb_id(args.id)
        except ValueError as exc:
            print(f"install-helper: {exc}", file=sys.stderr)
            return 1
        print(f"{vendor} {product}")
        return 0
    if args.output.exists():
        print(f"install-helper: {args.output} exists: not overwriting it", file=sys.stderr)
        return 1
    try:
        text, tokens, pin = make_config(args.template, server_url=args.server_url,
                                        public_url=args.public_url, printer=args.printer,
                                        kiosk_device=args.kiosk_device)
    except (OSError, ValueError, tomllib.TOMLDecodeError) as exc:
        print(f"install-helper: cannot make the config from {args.template}: {exc}", file=sys.stderr)
        return 1
    tmp = args.output.with_name(f".{args.output.name}.new")
    tmp.write_text(text, encoding="utf-8")
    tmp.chmod(0o640)
    tmp.replace(args.output)
    print(f"created {args.output} from {args.template}")
    if tokens:
        print("  fresh random device tokens (the kiosks and rating stations need them):")
    else:
        print(f"  device tokens kept as they are in {args.template} (none was a demo token)")
    for device_id, kind, token in tokens:
        print(f"  new token for {device_id} ({kind}): {token}")
    if pin:
        print(f"  kiosk admin PIN (to leave the kiosk app): {pin}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
