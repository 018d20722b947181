"""``motcua voice say|check``: try an announcement, check the voice set-up."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import click

from config.loader import ConfigError
from config.schema import Config
from display_server.voice.announcer import Announcer
from display_server.voice.errors import VoiceError

_PLAYERS = (["aplay", "-q"], ["paplay"], ["play", "-q"])


def _config() -> Config:
    try:
        return click.get_current_context().find_root().obj.config()
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from None


def _counter_number(cfg: Config, counter: str) -> int:
    """A counter of the config, given as its number ("3") or its id ("quay-3")."""
    found = next((c for c in cfg.counters if counter.isdigit() and c.number == int(counter)),
                 None) or cfg.counter(counter)
    if found is None:
        known = ", ".join(f"{c.number} ({c.id})" for c in cfg.counters)
        raise click.ClickException(f"unknown counter {counter!r} (known: {known})")
    return found.number


@click.group("voice")
def voice() -> None:
    """Voice announcements of calls."""


@voice.command("say")
@click.argument("number")
@click.argument("counter")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Copy the announcement WAV to this file.")
@click.option("--text", "show_text", is_flag=True, help="Print the phrase that is said.")
@click.option("--play", is_flag=True, help="Play it (aplay, paplay or sox's play).")
def say(number: str, counter: str, output: Path | None, show_text: bool, play: bool) -> None:
    """Make the announcement calling ticket NUMBER to COUNTER (number or id)."""
    cfg = _config()
    announcer = Announcer.from_config(cfg)
    counter_number = _counter_number(cfg, counter)
    try:
        if show_text:
            click.echo(announcer.phrase_text(number, counter_number))
            if not (output or play):
                return
        path = announcer.announcement(number, counter_number)
    except VoiceError as exc:
        raise click.ClickException(str(exc)) from None
    if output:
        try:
            shutil.copyfile(path, output)
        except OSError as exc:
            raise click.ClickException(f"cannot write {output}: {exc.strerror or exc}") from None
        click.echo(f"wrote {output}")
    elif not play:
        click.echo(str(path))
    if play:
        _play(path)


def _play(path: Path) -> None:
    for player in _PLAYERS:
        program = shutil.which(player[0])
        if program:
            done = subprocess.run([program, *player[1:], str(path)], check=False)
            if done.returncode:
                raise click.ClickException(f"{player[0]} could not play {path}")
            return
    raise click.ClickException("no audio player found (install alsa-utils or sox)")


@voice.command("check")
def check() -> None:
    """Check the voice set-up: program, clips, model, cache folder."""
    cfg = _config()
    announcer = Announcer.from_config(cfg)
    problems = announcer.check()
    for problem in problems:
        click.echo(f"problem: {problem}", err=True)
    if problems:
        raise click.ClickException(f"voice: {len(problems)} problem(s) found")
    click.echo(f"voice ok: {announcer.describe()}")
