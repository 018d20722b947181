"""The summary of a valid config: the facts an operator checks (centre, counts, queue policy,
database, printer and voice, the procedures look-up, the admin's settings file and the keys it
sets over the config file, one line per field), read once by
:func:`facts`, and told in English by :func:`summary` (``motcua config check``) and in the page's
language by the admin's config page."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from config.admin_settings import settings_path
from config.procedures import ProcedureBook, procedures_found
from config.schema import Config


@dataclass(frozen=True)
class FieldFacts:
    id: str
    name: str
    format: str
    """Its numbers: the range (``"1001-1999"``) or prefix and width (``"A000"``)."""
    daily_cap: int | None
    booking: str = ""
    """Its bookable slots, e.g. ``"30 min x 3, 14 days ahead"``; empty without appointments."""


@dataclass(frozen=True)
class Facts:
    source: Path | None
    centre: str
    where: str
    """Commune and province, comma-separated (either may be missing)."""
    timezone: str
    fields: int
    counters: int
    kiosks: int
    stations: int
    levels: tuple[str, ...]
    priority_policy: str
    priority_every: int
    call_order: str
    transferred: str
    max_waiting: int
    """0: no cap."""
    database_url: str | None
    """None: SQLite in ``data_path``."""
    data_path: Path
    printer: str
    paper_width_mm: int
    voice: str
    procedures_path: Path | None
    procedures: ProcedureBook | None
    """None when the procedures file is missing or invalid."""
    procedures_problem: str
    field_lines: tuple[FieldFacts, ...]
    remote: str = ""
    """Remote tickets (lấy số từ xa): off, or their limits."""
    admin_path: Path | None = None
    """Where the admin page keeps its settings (``<data_dir>/admin-settings.toml``)."""
    admin_keys: tuple[str, ...] | None = None
    """The dotted keys that file set over the config file; None: no file (or it was ignored)."""
    admin_problems: tuple[str, ...] = ()
    """Why the file was ignored."""


def facts(cfg: Config) -> Facts:
    c, q = cfg.centre, cfg.queue
    path, book, problem = procedures_found(cfg)
    return Facts(
        source=cfg.source, centre=c.name, where=", ".join(x for x in (c.commune, c.province) if x),
        timezone=c.timezone, fields=len(cfg.fields), counters=len(cfg.counters),
        kiosks=sum(d.kind == "kiosk" for d in cfg.devices),
        stations=sum(d.kind == "rating_station" for d in cfg.devices),
        levels=tuple(lv.name for lv in cfg.ratings.effective_levels),
        priority_policy=q.priority_policy, priority_every=q.priority_every, call_order=q.call_order,
        transferred=q.transferred, max_waiting=q.max_waiting, database_url=cfg.database.url,
        data_path=cfg.data_path, printer=cfg.printer.backend,
        paper_width_mm=cfg.printer.paper_width_mm, voice=cfg.voice.engine,
        procedures_path=path, procedures=book, procedures_problem=problem,
        field_lines=tuple(FieldFacts(f.id, f.name, f.numbering.range or
                                     f"{f.numbering.prefix}{'0' * (f.numbering.width or 0)}",
                                     f.daily_cap, _booking(f.appointments)) for f in cfg.fields),
        remote=_remote(cfg), admin_path=settings_path(cfg.data_path),
        admin_keys=cfg.admin.keys if cfg.admin and not cfg.admin.problems else None,
        admin_problems=cfg.admin.problems if cfg.admin else ())


def _remote(cfg: Config) -> str:
    r = cfg.remote
    if not r.enabled:
        return "off"
    where = ", ".join(r.networks) if r.networks else "anywhere"
    cap = f"{r.daily_cap_per_field} per field" if r.daily_cap_per_field else "no cap per field"
    url = cfg.server.public_url or "not set: server.public_url (the poster's QR code needs it)"
    return (f"/lay-so from {where}; a day: {r.per_phone_per_day} per phone, {r.address_limit} "
            f"per address, {cap}; public URL {url}")


def _booking(plan) -> str:
    return (f"{plan.slot_minutes} min x {plan.capacity}, {plan.days_ahead} days ahead"
            if plan is not None else "")


def summary(cfg: Config) -> str:
    """What ``motcua config check`` prints for a valid config."""
    s = facts(cfg)
    lines = [
        f"{s.source}: OK",
        f"  centre: {s.centre} ({s.where}), {s.timezone}",
        f"  fields: {s.fields}; counters: {s.counters}; "
        f"kiosks: {s.kiosks}; rating stations: {s.stations}",
        f"  rating levels: {', '.join(s.levels)}",
        f"  priority: {s.priority_policy}; call order: {s.call_order}; "
        f"max waiting: {s.max_waiting or 'no cap'}",
        f"  database: {s.database_url or 'SQLite in ' + str(s.data_path)}",
        f"  printer: {s.printer} {s.paper_width_mm} mm; voice: {s.voice}",
        f"  procedures look-up: {procedures_summary(s)}",
        f"  remote tickets: {s.remote}",
        f"  admin settings: {admin_summary(s)}",
    ]
    for f in s.field_lines:
        booking = f"; appointments {f.booking}" if f.booking else ""
        lines.append(f"    - {f.id}: {f.name} [{f.format}] cap {f.daily_cap or 'none'}{booking}")
    return "\n".join(lines)


def admin_summary(s: Facts) -> str:
    """The admin page's settings file: the keys whose values win over this file, or why not."""
    if s.admin_problems:
        return f"{s.admin_path} is ignored ({'; '.join(s.admin_problems)})"
    if s.admin_keys is None:
        return f"none ({s.admin_path} does not exist)"
    keys = ", ".join(s.admin_keys) or "nothing"
    return f"{s.admin_path} sets {keys} (the admin page's values win over this file's)"


def procedures_summary(s: Facts) -> str:
    """Where the kiosk's procedures look-up comes from, or why it will be empty."""
    path = s.procedures_path
    if s.procedures_problem:
        return f"{path}: {s.procedures_problem}"
    if s.procedures is None:
        return (f"none: no {path.name if path else 'procedures file'} beside this config, so the "
                "kiosk's look-up screen is empty (copy it with the config)")
    return f"{len(s.procedures.entries)} procedures from {path}"
