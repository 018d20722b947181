"""The procedures citizens look up on the kiosk, read from ``<config stem>.procedures.toml``.

The file sits next to the centre config (``config/demo.toml`` -> ``config/demo.procedures.toml``)
and lists ``[[procedures]]`` entries, each with its ``field`` id, name, required documents,
processing time and fee (Vietnamese, with optional ``*_en`` translations).
"""

from __future__ import annotations

import logging
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

import msgspec
from msgspec import Meta

from config.schema import Config
from config.validate import Invalid, validate

log = logging.getLogger(__name__)


class ProceduresError(Exception):
    """The procedures file is unreadable or invalid; the message names the bad entry."""


class _Entry(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    field: Annotated[str, Meta(min_length=1)]
    id: str = ""
    name: Annotated[str, Meta(min_length=1)]
    name_en: str = ""
    documents: tuple[str, ...] = ()
    documents_en: tuple[str, ...] = ()
    processing_time: str = ""
    processing_time_en: str = ""
    fee: str = ""
    fee_en: str = ""


@dataclass(frozen=True)
class Procedure:
    """One procedure as shown on screen, in one language."""

    id: str
    field_id: str
    name: str
    documents: tuple[str, ...] = ()
    processing_time: str = ""
    fee: str = ""


@dataclass(frozen=True)
class ProcedureBook:
    """All procedures of a centre, by field; both languages kept."""

    entries: tuple[_Entry, ...] = ()

    def for_field(self, field_id: str, language: str = "vi") -> tuple[Procedure, ...]:
        """The field's procedures in file order; English text where given, else Vietnamese."""
        en = language == "en"
        return tuple(
            Procedure(
                id=e.id or e.name,
                field_id=e.field,
                name=(e.name_en if en and e.name_en else e.name),
                documents=(e.documents_en if en and e.documents_en else e.documents),
                processing_time=(e.processing_time_en if en and e.processing_time_en
                                 else e.processing_time),
                fee=(e.fee_en if en and e.fee_en else e.fee),
            )
            for e in self.entries if e.field == field_id
        )

    def __len__(self) -> int:
        return len(self.entries)


def procedures_path(config: Config) -> Path | None:
    """``<config stem>.procedures.toml`` next to the config file (None without a source)."""
    if config.source is None:
        return None
    return config.source.with_name(f"{config.source.stem}.procedures.toml")


def load_procedures(path: Path, *, field_ids: set[str] | None = None) -> ProcedureBook:
    """Read ``path``; a missing file is an empty book. Raises :class:`ProceduresError`."""
    try:
        with path.open("rb") as fh:
            data = tomllib.load(fh)
    except FileNotFoundError:
        log.info("no procedures file %s: the look-up screen will be empty", path)
        return ProcedureBook()
    except OSError as exc:
        raise ProceduresError(f"{path}: cannot read: {exc.strerror}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ProceduresError(f"{path}: not valid TOML: {exc}") from None
    unknown_keys = set(data) - {"procedures"}
    if unknown_keys:
        raise ProceduresError(f"{path}: unknown key(s) {', '.join(sorted(unknown_keys))}")
    raw = data.get("procedures", [])
    if not isinstance(raw, list):
        raise ProceduresError(f"{path}: 'procedures' must be a list of [[procedures]] tables")
    entries = []
    for i, item in enumerate(raw):
        try:
            entry = validate(_Entry, item)
        except Invalid as exc:
            first = exc.problems[0]
            where = first.where if first.path else "(entry)"
            raise ProceduresError(f"{path}: procedures[{i}].{where}: {first.message}") from None
        if field_ids is not None and entry.field not in field_ids:
            raise ProceduresError(
                f"{path}: procedures[{i}].field: unknown field {entry.field!r}"
                f" (known: {', '.join(sorted(field_ids))})")
        entries.append(entry)
    return ProcedureBook(tuple(entries))


def procedures_found(config: Config) -> tuple[Path | None, ProcedureBook | None, str]:
    """For a summary: the procedures file's path, its book (None when the file is missing or
    invalid) and why it is invalid (empty otherwise)."""
    path = procedures_path(config)
    if path is None or not path.exists():
        return path, None, ""
    try:
        return path, procedures_for(config), ""
    except ProceduresError as exc:
        return path, None, str(exc)


def procedures_for(config: Config) -> ProcedureBook:
    """The procedure book of ``config``, checked against its fields."""
    path = procedures_path(config)
    if path is None:
        return ProcedureBook()
    return load_procedures(path, field_ids={f.id for f in config.fields})
