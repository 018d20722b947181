"""The summary of a valid config that ``motcua config check`` prints: centre, counts, queue
policy, database, printer and voice, the procedures look-up, one line per field."""

from __future__ import annotations

from config.schema import Config


def summary(cfg: Config) -> str:
    c = cfg.centre
    kiosks = sum(d.kind == "kiosk" for d in cfg.devices)
    stations = sum(d.kind == "rating_station" for d in cfg.devices)
    lines = [
        f"{cfg.source}: OK",
        f"  centre: {c.name} ({', '.join(x for x in (c.commune, c.province) if x)}), {c.timezone}",
        f"  fields: {len(cfg.fields)}; counters: {len(cfg.counters)}; "
        f"kiosks: {kiosks}; rating stations: {stations}",
        f"  rating levels: {', '.join(lv.name for lv in cfg.ratings.effective_levels)}",
        f"  priority: {cfg.queue.priority_policy}; call order: {cfg.queue.call_order}; "
        f"max waiting: {cfg.queue.max_waiting or 'no cap'}",
        f"  database: {cfg.database.url or 'SQLite in ' + str(cfg.data_path)}",
        f"  printer: {cfg.printer.backend} {cfg.printer.paper_width_mm} mm; voice: {cfg.voice.engine}",
    ]
    lines.append(f"  procedures look-up: {procedures_summary(cfg)}")
    for f in cfg.fields:
        fmt = f.numbering.range or f"{f.numbering.prefix}{'0' * (f.numbering.width or 0)}"
        lines.append(f"    - {f.id}: {f.name} [{fmt}] cap {f.daily_cap or 'none'}")
    return "\n".join(lines)


def procedures_summary(cfg: Config) -> str:
    """Where the kiosk's procedures look-up comes from, or why it will be empty."""
    from config.procedures import procedures_found

    path, book, problem = procedures_found(cfg)
    if problem:
        return f"{path}: {problem}"
    if book is None:
        return (f"none: no {path.name if path else 'procedures file'} beside this config, so the "
                "kiosk's look-up screen is empty (copy it with the config)")
    return f"{len(book.entries)} procedures from {path}"
