"""Every word a person reads, from one gettext catalogue per language (stdlib gettext; no Flask).

The catalogues live in ``motcua/locale/<lang>/LC_MESSAGES/motcua.po`` (domain ``motcua``), with
the compiled ``.mo`` beside each, shipped as package data so that installed roles read them with
no build step. Vietnamese is the source language: msgids are the Vietnamese wording, ``vi.po``
repeats them (so a centre can correct a wording with Poedit, without code) and ``en.po`` gives the
English. Placeholders are brace names (``{n}``, ``{number}``), filled after translation.

Call sites carry the message itself, with gettext's names, so that ``pybabel extract`` finds it
(``babel.cfg``)::

    say = words(language)
    say.gettext("Xin mời nhận phiếu")
    say.ngettext("{n} người", "{n} người", n)             # "1 person", "2 people"
    say.pgettext("result.ahead", "Trước bạn còn {n} người", n=3)

A message named before its language is known (a refusal reason kept with its code) is marked
with :func:`N_` and translated where it is shown. Update the catalogues after changing wording:
``pybabel extract``, then ``update``, then ``compile`` (README, "Wording").
"""

from __future__ import annotations

import gettext as _stdlib
from functools import cache
from pathlib import Path

DOMAIN = "motcua"
LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"
LANGUAGES = ("vi", "en")
DEFAULT = "vi"


def N_(message: str) -> str:  # noqa: N802  (the gettext convention)
    """Mark ``message`` for extraction, to translate later (gettext_noop)."""
    return message


def translations(language: str) -> _stdlib.NullTranslations:
    """The compiled catalogue of ``language`` (Vietnamese for an unknown one)."""
    return _load(language if language in LANGUAGES else DEFAULT)


@cache
def _load(language: str) -> _stdlib.NullTranslations:
    return _stdlib.translation(DOMAIN, LOCALE_DIR, languages=[language], fallback=True)


def _filled(text: str, values: dict[str, object]) -> str:
    return text.format(**values) if values else text


class Words:
    """The words of one language: stdlib gettext's calls, each filling its brace placeholders."""

    def __init__(self, trans: _stdlib.NullTranslations):
        self.translations = trans

    def gettext(self, message: str, /, **values: object) -> str:
        """``message`` translated, formatted with ``values``."""
        return _filled(self.translations.gettext(message), values)

    def pgettext(self, context: str, message: str, /, **values: object) -> str:
        """``message`` in ``context`` (a wording English says two ways), formatted."""
        return _filled(self.translations.pgettext(context, message), values)

    def ngettext(self, singular: str, plural: str, n: int, /, **values: object) -> str:
        """The form for the count ``n`` (which fills ``{n}``), formatted with ``values``."""
        return self.translations.ngettext(singular, plural, n).format(n=n, **values)


def words(language: str) -> Words:
    """The words of ``language`` (Vietnamese for an unknown one)."""
    return _words(language if language in LANGUAGES else DEFAULT)


@cache
def _words(language: str) -> Words:
    return Words(_load(language))
