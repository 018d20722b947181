"""``motcua printer test|status|preview``: check and try the ticket printer.

The group reads the loaded config from the root context object (``obj.config()``), which
the main ``motcua`` command provides.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import click

from config import Config
from printer.backends import PreviewPrinter, TicketPrinter
from printer.encode import encode_image
from printer.errors import PrinterError
from printer.factory import open_printer, renderer_from_config
from printer.status import PrinterStatus
from printer.ticket import sample_ticket


def _config() -> Config:
    return click.get_current_context().find_root().obj.config()


def _open(config: Config) -> TicketPrinter:
    try:
        return open_printer(config.printer, data_dir=config.data_path)
    except PrinterError as exc:
        raise click.ClickException(str(exc)) from None


def _explain(printer: TicketPrinter, status: PrinterStatus) -> str:
    text = f"{printer.describe()}: {status} ({status.message})"
    return f"{text}; {printer.last_detail}" if printer.last_detail else text


@click.group("printer")
def printer() -> None:
    """Ticket printer: print a test ticket, show its status, preview a ticket."""


@printer.command("status")
def status_command() -> None:
    """Ask the configured printer for its status (exit 1 if it cannot print)."""
    p = _open(_config())
    result = p.status()
    if not result.can_print:
        raise click.ClickException(_explain(p, result))
    click.echo(_explain(p, result))


@printer.command("test")
@click.option("--number", default="1005", show_default=True, help="Number on the ticket.")
@click.option("--field", "field_id", help="Field id from the config (default: the first).")
def test_command(number: str, field_id: str | None) -> None:
    """Print a sample ticket on the configured printer."""
    config = _config()
    p = _open(config)
    result = p.status()
    if not result.can_print:
        raise click.ClickException(_explain(p, result))
    try:
        p.print_ticket(sample_ticket(config, number=number, field_id=field_id))
    except (PrinterError, ValueError) as exc:
        raise click.ClickException(str(exc)) from None
    if isinstance(p, PreviewPrinter) and p.last_path is not None:
        click.echo(f"Wrote {p.last_path} and {p.last_path.with_suffix('.bin').name}")
    else:
        click.echo(f"Sent a sample ticket to {p.describe()} (status before printing: {result})")


@printer.command("preview")
@click.option("--number", default="1005", show_default=True, help="Number on the ticket.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              default=Path("ticket.png"), show_default=True, help="PNG file to write.")
@click.option("--field", "field_id", help="Field id from the config (default: the first).")
@click.option("--field-name", help="Print this field name instead (e.g. to try long names).")
@click.option("--width", "paper_width_mm", type=click.Choice(["58", "80"]),
              help="Paper width in mm (default: printer.paper_width_mm).")
@click.option("--priority", is_flag=True, help="Mark the ticket as a priority ticket.")
@click.option("--ahead", default=3, show_default=True, type=click.IntRange(min=0),
              help="People ahead.")
@click.option("--wait-min", default=15, show_default=True, type=click.IntRange(min=0),
              help="Estimated wait in minutes.")
@click.option("--language", type=click.Choice(["vi", "en"]), default="vi", show_default=True)
@click.option("--raw", type=click.Path(dir_okay=False, path_type=Path),
              help="Also write the ESC/POS bytes to this file.")
def preview_command(number: str, output: Path, field_id: str | None, field_name: str | None,
                    paper_width_mm: str | None, priority: bool, ahead: int, wait_min: int,
                    language: str, raw: Path | None) -> None:
    """Draw a ticket into a PNG file without printing it."""
    config = _config()
    try:
        renderer = renderer_from_config(
            config.printer, data_dir=config.data_path,
            paper_width_mm=int(paper_width_mm) if paper_width_mm else None)
        ticket = sample_ticket(config, number=number, field_id=field_id, people_ahead=ahead,
                               estimated_wait_s=wait_min * 60, priority=priority,
                               language="en" if language == "en" else "vi")
        if field_name:
            ticket = dataclasses.replace(ticket, field_name=field_name)
        image = renderer.render(ticket)
    except (PrinterError, ValueError) as exc:
        raise click.ClickException(str(exc)) from None
    try:
        image.save(output, format="PNG")
        if raw is not None:
            raw.write_bytes(encode_image(image, cut=config.printer.cut))
    except OSError as exc:
        raise click.ClickException(f"cannot write {exc.filename}: {exc.strerror}") from None
    click.echo(f"Wrote {output} ({image.width} x {image.height} dots, "
               f"{renderer.paper_width_mm} mm paper)")
