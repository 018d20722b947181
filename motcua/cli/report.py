"""``motcua report satisfaction|waiting|dissatisfied|appointments``: print a report, or write it
to .xlsx or .csv."""

from __future__ import annotations

from pathlib import Path

import click

from config.loader import ConfigError
from motcua.core.reports.appointments import DIMENSIONS as APPOINTMENTS_BY
from motcua.core.reports.appointments import appointment_report
from motcua.core.reports.dissatisfied import dissatisfied_cases
from motcua.core.reports.errors import ReportError
from motcua.core.reports.export import to_csv, to_text, to_xlsx
from motcua.core.reports.satisfaction import DIMENSIONS as SATISFACTION_BY
from motcua.core.reports.satisfaction import satisfaction_report
from motcua.core.reports.table import report_table
from motcua.core.reports.waiting import DIMENSIONS as WAITING_BY
from motcua.core.reports.waiting import waiting_report

WRITERS = {".xlsx": to_xlsx, ".csv": to_csv}


def _context():
    return click.get_current_context().find_root().obj


def _database():
    """The centre's database, at the current schema; a clear error when there is none yet."""
    from sqlalchemy.exc import SQLAlchemyError

    from motcua.core.storage import Database, upgrade
    from motcua.core.storage.migrate import current_revision

    try:
        cfg = _context().config()
        db = Database(cfg.database_url)
        if current_revision(db) is None:
            raise click.ClickException(f"no database yet at {db.url.database or db.url}: "
                                       "run  motcua init")
        upgrade(db)
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from None
    except (SQLAlchemyError, OSError) as exc:
        raise click.ClickException(f"cannot open the database: {exc}".splitlines()[0]) from None
    return cfg, db


def _emit(report, output: Path | None) -> None:
    table = report_table(report)
    if output is None:
        click.echo(to_text(table), nl=False)
        return
    writer = WRITERS.get(output.suffix.lower())
    if writer is None:
        raise click.ClickException(f"{output}: use a file name ending in .xlsx or .csv")
    try:
        output.write_bytes(writer(table))
    except OSError as exc:
        raise click.ClickException(f"cannot write {output}: {exc.strerror}") from None
    click.echo(f"wrote {output} ({len(table.rows)} rows)")


def _run(compute, *args, output: Path | None) -> None:
    cfg, db = _database()
    try:
        report = compute(db, cfg, *args)
    except ReportError as exc:
        raise click.ClickException(exc.message) from None
    finally:
        db.dispose()
    _emit(report, output)


def _period_options(fn):
    fn = click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
                      help="Write to this .xlsx or .csv file instead of printing.")(fn)
    fn = click.option("--to", "end", required=True, metavar="YYYY-MM-DD",
                      help="Last local day (included).")(fn)
    return click.option("--from", "start", required=True, metavar="YYYY-MM-DD",
                        help="First local day.")(fn)


def _by_option(choices: tuple[str, ...]):
    return click.option("--by", "by", multiple=True, metavar="GROUP",
                        help=f"Group by one or two of: {', '.join(choices)} "
                             "(repeat or comma-separate; default: the total only).")


def _group_by(by: tuple[str, ...]) -> str:
    return ",".join(part for b in by for part in b.split(","))


@click.group("report")
def report() -> None:
    """Reports for the centre's head and the province."""


@report.command("satisfaction")
@_period_options
@_by_option(SATISFACTION_BY)
def satisfaction(start: str, end: str, output: Path | None, by: tuple[str, ...]) -> None:
    """Votes and % per level and the Decision 766 score, e.g.
    ``--from 2026-11-01 --to 2026-11-30 --by officer -o x.xlsx``."""
    _run(satisfaction_report, start, end, _group_by(by), output=output)


@report.command("waiting")
@_period_options
@_by_option(WAITING_BY)
def waiting(start: str, end: str, output: Path | None, by: tuple[str, ...]) -> None:
    """Tickets, waiting and service times (mean, median, p90), no-shows, share within target."""
    _run(waiting_report, start, end, _group_by(by), output=output)


@report.command("dissatisfied")
@_period_options
def dissatisfied(start: str, end: str, output: Path | None) -> None:
    """Dissatisfied votes with ticket number, time, counter, officer and dossier code."""
    _run(dissatisfied_cases, start, end, output=output)


@report.command("appointments")
@_period_options
@_by_option(APPOINTMENTS_BY)
def appointments(start: str, end: str, output: Path | None, by: tuple[str, ...]) -> None:
    """Bookings, no-shows, use of the slots' places, and waits of appointments against walk-ins."""
    _run(appointment_report, start, end, _group_by(by), output=output)
