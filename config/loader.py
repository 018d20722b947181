"""Read the centre's TOML file into a :class:`config.schema.Config`, with errors that name the key,
and the admin's settings file (:mod:`config.admin_settings`) merged over it."""

from __future__ import annotations

import logging
import os
import tomllib
from collections.abc import Mapping
from pathlib import Path

from msgspec.structs import replace

from .admin_settings import dotted, keys_of, merge, outside_keys, settings_path
from .schema import AdminLayer, Config
from .validate import Invalid, validate

log = logging.getLogger(__name__)


class ConfigError(Exception):
    """The config file is missing, unreadable or invalid; ``problems`` lists each one."""

    def __init__(self, path: Path | str, problems: list[str]):
        self.path = Path(path)
        self.problems = problems
        super().__init__(f"{path}: " + "; ".join(problems))


def _problems(exc: Invalid) -> list[str]:
    """Each problem as ``motcua config check`` prints it: ``server.port: ...``; the
    cross-reference problems of the whole file, each on its own."""
    problems: list[str] = []
    for problem in exc.problems:
        if problem.path:
            problems.append(str(problem))
        else:
            problems.extend(problem.message.split("; "))
    return problems


def parse_config(data: Mapping, *, source: Path | None = None,
                 env: Mapping[str, str] | None = None) -> Config:
    """Validate already-parsed TOML data; relative ``data_dir`` is resolved against ``source``."""
    env = os.environ if env is None else env
    try:
        config = validate(Config, data)
    except Invalid as exc:
        raise ConfigError(source or "<config>", _problems(exc)) from None
    for key in config.server.ignored:
        log.warning("%s: [server] %s is no longer used (the server is event-driven); ignored",
                    source or "<config>", key)
    base = source.parent if source else Path.cwd()
    data_dir = env.get("MOTCUA_DATA_DIR") or config.centre.data_dir or "data"
    data_path = (base / Path(data_dir).expanduser()).resolve()
    centre = replace(config.centre, data_dir=str(data_path))
    return replace(config, centre=centre, source=source)


def read_toml(path: Path) -> dict:
    """A TOML file's data; :class:`ConfigError` when it is missing, unreadable or not TOML."""
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        raise ConfigError(path, ["file not found"]) from None
    except OSError as exc:
        raise ConfigError(path, [f"cannot read: {exc.strerror}"]) from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(path, [f"not valid TOML: {exc}"]) from None


def load_config(path: str | os.PathLike, *, env: Mapping[str, str] | None = None) -> Config:
    """Load and validate ``path`` with the admin's settings of its data directory merged over it
    (:func:`load_layers`). Raises :class:`ConfigError` naming every bad key of ``path``."""
    return load_layers(path, env=env)[1]


def load_layers(path: str | os.PathLike, *,
                env: Mapping[str, str] | None = None) -> tuple[Config, Config]:
    """The config file alone, and with the admin's settings file
    (``<data_dir>/admin-settings.toml``) merged over it, key by key. A settings file that cannot
    be read, holds keys the admin page does not set or makes the config invalid is ignored with a
    warning (the second config is then the first, its ``admin.problems`` saying why): it never
    stops the server."""
    path = Path(path)
    data = read_toml(path)
    main = parse_config(data, source=path.resolve(), env=env)
    return main, _with_admin(main, data, env)


def _with_admin(main: Config, data: Mapping, env: Mapping[str, str] | None) -> Config:
    file = settings_path(main.data_path)
    if not file.exists():
        return main
    try:
        settings = read_toml(file)
        problems = outside_keys(settings)
        if not problems:
            merged = parse_config(merge(data, settings), source=main.source, env=env)
            keys = tuple(dotted(k) for k, _ in keys_of(settings))
            return replace(merged, admin=AdminLayer(path=file, keys=keys))
    except ConfigError as exc:
        problems = exc.problems
    except KeyError as exc:
        problems = [str(exc.args[0])]
    log.warning("%s: ignored, the values of %s apply: %s", file, main.source, "; ".join(problems))
    return replace(main, admin=AdminLayer(path=file, problems=tuple(problems)))


DEFAULT_SYSTEM_CONFIG = Path("/etc/motcua/motcua.toml")
DEMO_CONFIG = Path(__file__).resolve().parent / "demo.toml"


def find_config(explicit: str | os.PathLike | None = None,
                env: Mapping[str, str] | None = None) -> Path:
    """``--config``, else ``$MOTCUA_CONFIG``, else /etc/motcua/motcua.toml, else the demo config."""
    env = os.environ if env is None else env
    if explicit:
        return Path(explicit)
    if env.get("MOTCUA_CONFIG"):
        return Path(env["MOTCUA_CONFIG"])
    if DEFAULT_SYSTEM_CONFIG.exists():
        return DEFAULT_SYSTEM_CONFIG
    return DEMO_CONFIG
