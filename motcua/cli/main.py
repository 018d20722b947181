"""The ``motcua`` command: one console script, one subcommand per job."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

import click

from config import Config, ConfigError, find_config, load_config
from motcua import __version__
from motcua.core.extras import MissingExtra


class Context:
    """Shared by subcommands: finds and loads the config once, on first use."""

    def __init__(self, config_path: str | None):
        self.config_path = config_path
        self._config: Config | None = None

    def config(self) -> Config:
        if self._config is None:
            path = find_config(self.config_path)
            try:
                self._config = load_config(path)
            except ConfigError as exc:
                fail(f"config {exc.path}: {'; '.join(exc.problems)}")
        return self._config

    def database(self):
        from motcua.core.storage import Database

        try:
            return Database(self.config().database_url)
        except OSError as exc:
            fail(f"cannot create the data directory {self.config().data_path}: {exc.strerror}")


def fail(message: str) -> None:
    """Print a one-line error and exit 1 (user errors never show a traceback)."""
    click.echo(f"error: {message}", err=True)
    sys.exit(1)


def _writable_data_dir(path: Path) -> None:
    """Create the data directory if needed and check that this user can write in it."""
    import tempfile

    try:
        path.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=path):
            pass
    except OSError as exc:
        fail(f"cannot write in the data directory {path}: {exc.strerror or exc} (run as the user "
             "that owns it, e.g. sudo -u motcua motcua init, or set $MOTCUA_DATA_DIR)")


def _opened_database(ctx: Context):
    """The database, migrated to the current schema, or a clear error."""
    from sqlalchemy.exc import SQLAlchemyError

    from motcua.core.storage import upgrade

    db = ctx.database()
    try:
        upgrade(db)
    except (SQLAlchemyError, OSError) as exc:
        fail(f"cannot open the database {db!r}: {exc.__class__.__name__}: {exc}".splitlines()[0])
    return db


class LazyGroup(click.Group):
    """A group some of whose commands live in modules imported only when that command is asked
    for (click's "lazily loading subcommands" pattern): ``motcua server`` does not load the
    kiosk, printer, voice, report, rating-station or backup code, and ``motcua --help`` lists
    them from their help lines here without importing them (so it stays quick, and works in a
    role without the printer's or the voice's packages)."""

    def __init__(self, *args, lazy: dict[str, tuple[str, str]] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.lazy = lazy or {}
        """Command name -> (``module:attribute`` of the click command, its help line)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted([*super().list_commands(ctx), *self.lazy])

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in self.lazy:
            return super().get_command(ctx, name)
        module, attr = self.lazy[name][0].split(":")
        return getattr(importlib.import_module(module), attr)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        names = self.list_commands(ctx)
        if not names:
            return
        limit = formatter.width - 6 - max(len(name) for name in names)  # as click's own
        rows = []
        for name in names:
            if name in self.lazy:
                stand_in = click.Command(name, help=self.lazy[name][1])  # not imported for --help
                rows.append((name, stand_in.get_short_help_str(limit)))
            elif (command := super().get_command(ctx, name)) and not command.hidden:
                rows.append((name, command.get_short_help_str(limit)))
        with formatter.section("Commands"):
            formatter.write_dl(rows)


LAZY_COMMANDS = {
    "kiosk": ("motcua.cli.kiosk:kiosk",  # Kivy is imported only when the command runs
              "Run the touch kiosk that issues and prints tickets."),
    "rating-station": ("motcua.cli.rating_station:rating_station",
                       "Run a rating station: GPIO buttons -> local outbox -> server."),
    "backup": ("motcua.cli.backup:backup_command",
               "Back up the database (safe while the server runs)."),
    "restore": ("motcua.cli.backup:restore_command", "Replace the database with a backup FILE."),
    "voice": ("motcua.cli.voice:voice", "Voice announcements of calls (say, check)."),
    "printer": ("motcua.cli.printer:printer", "The ticket printer (test, status, preview)."),
    "report": ("motcua.cli.report:report",
               "Reports: satisfaction, waiting times, dissatisfied cases."),
}


@click.group(cls=LazyGroup, lazy=LAZY_COMMANDS,
             context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--config", "config_path", metavar="FILE", envvar="MOTCUA_CONFIG",
              help="Centre config (default: $MOTCUA_CONFIG, /etc/motcua/motcua.toml, demo config).")
@click.version_option(__version__, prog_name="motcua")
@click.pass_context
def cli(ctx: click.Context, config_path: str | None) -> None:
    """motcua: queue and satisfaction system for one-stop public service centres."""
    ctx.obj = Context(config_path)


@cli.command()
@click.pass_obj
def init(ctx: Context) -> None:
    """Create the data directory and create or upgrade the database."""
    from motcua.core.storage.migrate import current_revision

    cfg = ctx.config()
    _writable_data_dir(cfg.data_path)
    db = ctx.database()
    before = current_revision(db)
    db = _opened_database(ctx)
    after = current_revision(db)
    state = "created" if before is None else ("upgraded" if before != after else "up to date")
    click.echo(f"database {state}: {db.url.render_as_string(hide_password=True)} (schema {after})")
    click.echo(f"data directory: {cfg.data_path}")
    from motcua.core.accounts import Accounts

    if not any(o.role == "admin" for o in Accounts(db).list()):
        click.echo("next: create an admin with  motcua officer add admin --role admin")


# -- config -------------------------------------------------------------------------------------
@cli.group("config")
def config_group() -> None:
    """Check the centre config."""


@config_group.command("check")
@click.argument("file", required=False, type=click.Path(dir_okay=False))
@click.pass_obj
def config_check(ctx: Context, file: str | None) -> None:
    """Validate FILE (default: the config in use); print each problem, or a summary."""
    path = Path(file) if file else find_config(ctx.config_path)
    try:
        cfg = load_config(path)
    except ConfigError as exc:
        click.echo(f"{exc.path}: {len(exc.problems)} problem(s)", err=True)
        for problem in exc.problems:
            click.echo(f"  - {problem}", err=True)
        sys.exit(1)
    from config.summary import summary

    click.echo(summary(cfg))


# -- officers -----------------------------------------------------------------------------------
@cli.group()
def officer() -> None:
    """Manage officer and admin accounts."""


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return click.prompt("Password", hide_input=True, confirmation_prompt=True)


def _accounts(ctx: Context):
    from motcua.core.accounts import Accounts

    return Accounts(_opened_database(ctx), {c.id for c in ctx.config().counters})


@officer.command("add")
@click.argument("username")
@click.option("--role", type=click.Choice(["officer", "admin"]), default="officer", show_default=True)
@click.option("--full-name", default="", help="Shown on reports, e.g. 'Nguyễn Văn An'.")
@click.option("--counters", default="", help="Comma-separated counter ids (default: all).")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@click.pass_obj
def officer_add(ctx: Context, username: str, role: str, full_name: str, counters: str,
                password_stdin: bool) -> None:
    """Create an account."""
    from motcua.core.accounts import AccountError

    accounts = _accounts(ctx)
    password = _read_password(password_stdin)
    try:
        o = accounts.add(username, password, full_name=full_name, role=role,
                         counters=tuple(c.strip() for c in counters.split(",") if c.strip()))
    except AccountError as exc:
        fail(str(exc))
    click.echo(f"added {o.role} {o.username} (counters: {', '.join(o.counters) or 'all'})")


@officer.command("list")
@click.pass_obj
def officer_list(ctx: Context) -> None:
    """List accounts."""
    rows = _accounts(ctx).list()
    if not rows:
        click.echo("no accounts yet: motcua officer add USERNAME --role admin")
        return
    for o in rows:
        state = "" if o.active else "  (disabled)"
        click.echo(f"{o.username:<20} {o.role:<8} {o.full_name:<28} "
                   f"counters: {', '.join(o.counters) or 'all'}{state}")


@officer.command("passwd")
@click.argument("username")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@click.pass_obj
def officer_passwd(ctx: Context, username: str, password_stdin: bool) -> None:
    """Set a new password."""
    from motcua.core.accounts import AccountError

    accounts = _accounts(ctx)
    try:
        accounts.set_password(username, _read_password(password_stdin))
    except AccountError as exc:
        fail(str(exc))
    click.echo(f"password changed for {username}")


@officer.command("disable")
@click.argument("username")
@click.pass_obj
def officer_disable(ctx: Context, username: str) -> None:
    """Stop an account from logging in (its history stays)."""
    _set_active(ctx, username, False)


@officer.command("enable")
@click.argument("username")
@click.pass_obj
def officer_enable(ctx: Context, username: str) -> None:
    """Let a disabled account log in again."""
    _set_active(ctx, username, True)


def _set_active(ctx: Context, username: str, active: bool) -> None:
    from motcua.core.accounts import AccountError

    try:
        _accounts(ctx).set_active(username, active)
    except AccountError as exc:
        fail(str(exc))
    click.echo(f"{'enabled' if active else 'disabled'} {username}")


# -- server -------------------------------------------------------------------------------------
@cli.command()
@click.option("--host", default=None, help="Address to listen on (default: from the config).")
@click.option("--port", type=int, default=None, help="Port (default: from the config).")
@click.option("--threads", type=int, default=None, hidden=True,
              help="Ignored: the server is event-driven (kept so old unit files still work).")
@click.pass_obj
def server(ctx: Context, host: str | None, port: int | None, threads: int | None) -> None:
    """Run the display server: API, hall and counter screens, officer pages, phones."""
    from display_server.process import setup_logging
    from display_server.serve import serve

    setup_logging()
    cfg = ctx.config()
    _opened_database(ctx)
    try:
        if threads is not None:
            click.echo("warning: --threads is no longer used (the server is event-driven)",
                       err=True)
        serve(cfg, host=host, port=port)
    except OSError as exc:
        fail(f"cannot listen on {host or cfg.server.host}:{port or cfg.server.port}: {exc.strerror}")


# -- demo ---------------------------------------------------------------------------------------
@cli.command()
@click.option("--simulate", is_flag=True, help="Simulate a day: citizens, officers, ratings.")
@click.option("--no-kiosk", is_flag=True, help="Do not start the kiosk window.")
@click.option("--offscreen/--window", default=None,
              help="Kiosk without a display (default: offscreen when there is no display).")
@click.option("--speed", default=1.0, show_default=True, help="Simulation speed factor.")
@click.option("--duration", type=float, default=None, help="Stop after this many seconds.")
@click.option("--port", type=click.IntRange(1, 65535), default=None,
              help="The server's port (default: server.port of the config, 8080).")
@click.option("--terminal", is_flag=True,
              help="Only print a simulated day in the terminal (no server, no windows).")
@click.option("--tickets", default=40, show_default=True, help="--terminal: citizens arriving.")
@click.option("--seed", default=1, show_default=True, help="--terminal: random seed.")
@click.option("--data-dir", type=click.Path(file_okay=False), default=None,
              help="--terminal: where the database goes (default: a new temporary folder).")
@click.pass_obj
def demo(ctx: Context, simulate: bool, no_kiosk: bool, offscreen: bool | None, speed: float,
         duration: float | None, port: int | None, terminal: bool, tickets: int, seed: int,
         data_dir: str | None) -> None:
    """Run the whole system on this machine: server, kiosk, simulated rating buttons."""
    if terminal:
        from .demo_day import run_demo_day

        run_demo_day(ctx.config(), tickets=tickets, seed=seed, data_dir=data_dir)
        return
    from .demo import port_in_use, run_demo

    cfg = ctx.config()
    if port is not None:
        cfg = cfg.with_server_port(port)
    if port_in_use(cfg.server.host, cfg.server.port):
        fail(f"port {cfg.server.port} is already in use (another motcua demo or server?): "
             f"choose another with  motcua demo --port {cfg.server.port + 1}")
    _opened_database(ctx)
    sys.exit(run_demo(cfg, cfg.source or find_config(ctx.config_path), simulate_day=simulate,
                      kiosk=not no_kiosk, offscreen=offscreen, duration_s=duration, speed=speed))


@cli.command("demo-kiosk", hidden=True)
@click.option("--offscreen", is_flag=True)
@click.option("--server", "server_url", required=True)
@click.pass_obj
def demo_kiosk(ctx: Context, offscreen: bool, server_url: str) -> None:
    """The demo's kiosk process: kiosk window plus the first rating station on keys 1-3."""
    from .demo import run_demo_kiosk

    run_demo_kiosk(ctx.config().with_server_url(server_url), offscreen=offscreen)


def main() -> None:
    try:
        cli(prog_name="motcua")
    except MissingExtra as exc:  # an optional package this role did not install
        fail(str(exc))


if __name__ == "__main__":
    main()
