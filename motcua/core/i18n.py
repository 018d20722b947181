"""Every word a person reads, from one gettext catalogue per language (stdlib gettext; no Flask).

The catalogues live in ``motcua/locale/<lang>/LC_MESSAGES/motcua.po`` (domain ``motcua``), with
the compiled ``.mo`` beside each, shipped as package data so that installed roles read them with
no build step. Vietnamese is the source language: msgids are the Vietnamese wording, ``vi.po``
repeats them (so a centre can correct a wording with Poedit, without code) and ``en.po`` gives the
English. Placeholders are brace names (``{n}``, ``{number}``), filled after translation.

The shells name their messages by key in small tables of :class:`Msg` (``N_``, ``NP_``, ``NN_``
mark them for ``pybabel extract``, see ``babel.cfg``); :func:`text` turns one into words.
Update after changing wording: ``pybabel extract`` then ``update`` then ``compile`` (README).
"""

from __future__ import annotations

import gettext
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DOMAIN = "motcua"
LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"
LANGUAGES = ("vi", "en")
DEFAULT = "vi"


@dataclass(frozen=True)
class Msg:
    """A message: its Vietnamese msgid, the plural msgid (counted with ``n``), a msgctxt."""

    msgid: str
    plural: str | None = None
    context: str | None = None


def N_(msgid: str) -> Msg:  # noqa: N802  (the gettext convention)
    """A message to translate later."""
    return Msg(msgid)


def NP_(context: str, msgid: str) -> Msg:  # noqa: N802
    """A message with a context, for a Vietnamese wording that English says two ways."""
    return Msg(msgid, context=context)


def NN_(msgid: str, plural: str) -> Msg:  # noqa: N802
    """A message counted with ``n``: English says "1 person", "2 people"."""
    return Msg(msgid, plural=plural)


def translations(language: str) -> gettext.NullTranslations:
    """The compiled catalogue of ``language`` (Vietnamese for an unknown one)."""
    return _load(language if language in LANGUAGES else DEFAULT)


@cache
def _load(language: str) -> gettext.NullTranslations:
    return gettext.translation(DOMAIN, LOCALE_DIR, languages=[language], fallback=True)


def raw(msg: Msg, trans: gettext.NullTranslations, n: int | None = None) -> str:
    """``msg`` translated by ``trans``, placeholders left in; plurals chosen for ``n`` (else many)."""
    if msg.plural is not None:
        count = 2 if n is None else n
        if msg.context:
            return trans.npgettext(msg.context, msg.msgid, msg.plural, count)
        return trans.ngettext(msg.msgid, msg.plural, count)
    if msg.context:
        return trans.pgettext(msg.context, msg.msgid)
    return trans.gettext(msg.msgid)


def text(msg: Msg, language: str, **values: object) -> str:
    """``msg`` in ``language``, formatted with ``values`` (a plural by ``values["n"]``)."""
    n = values.get("n")
    words = raw(msg, translations(language), n if isinstance(n, int) else None)
    return words.format(**values) if values else words
