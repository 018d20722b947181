"""The pages' language, over the shared gettext catalogues (:mod:`motcua.core.i18n`).

The request's language (:func:`current_lang`) comes from ``?lang=`` (then kept in a cookie), else
the cookie, else the centre's ``display.language``. Views (``from display_server.pages.i18n import
gettext as _``) and templates (Jinja's i18n extension) carry the message itself, gettext's way:
``_("Về trang chính")``, ``ngettext("{n} người", "{n} người", n)``, ``pgettext("paused", "Tạm
dừng")``; placeholders are brace names (shared with the kiosk, the ticket and the page scripts),
filled with ``.format()`` after translation. A page's script gets its words in the boot JSON's
``strings``, built by its view.
"""

from __future__ import annotations

from collections.abc import Callable
from gettext import NullTranslations

from flask import Flask, Response, current_app, g, has_request_context, request

from motcua.core.i18n import DEFAULT, LANGUAGES, translations

LANGS = LANGUAGES
COOKIE = "motcua_lang"
COOKIE_MAX_AGE_S = 365 * 24 * 3600


def init_app(app: Flask) -> None:
    """Give the templates the request's words, through Jinja's i18n extension."""
    app.jinja_env.add_extension("jinja2.ext.i18n")
    # The templates' _(), ngettext(), pgettext() as plain calls (Jinja's old-style gettext): they
    # give text that is escaped like any other value, and leave the brace placeholders to .format().
    app.jinja_env.install_gettext_callables(gettext, ngettext, newstyle=False, pgettext=pgettext,
                                            npgettext=npgettext)


def _translations() -> NullTranslations:
    """The catalogue of the request's language (Vietnamese outside a request)."""
    return translations(current_lang() if has_request_context() else DEFAULT)


def gettext(message: str) -> str:
    """``message`` in the request's language."""
    return _translations().gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The form for the count ``n`` in the request's language (``{n}`` is filled later)."""
    return _translations().ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    """``message`` in ``context`` (a wording English says two ways), in the request's language."""
    return _translations().pgettext(context, message)


def npgettext(context: str, singular: str, plural: str, n: int) -> str:
    """:func:`ngettext` in ``context``."""
    return _translations().npgettext(context, singular, plural, n)


def current_lang() -> str:
    """The request's language: ``?lang=``, else the cookie, else the centre's default."""
    if "lang" in g:
        return g.lang
    asked = request.args.get("lang")
    if asked in LANGS:
        g.lang_chosen = asked
        lang = asked
    else:
        cookie = request.cookies.get(COOKIE)
        lang = cookie if cookie in LANGS else current_app.extensions["motcua"].config.display.language
    g.lang = lang
    return lang


def counted(name: str, words: Callable[[int], str]) -> dict[str, str]:
    """A count message for a page's script: ``name`` in its form for many and ``name_one`` in its
    form for one, with the 1 written in (``Motcua.count`` picks), as the language says them."""
    return {name: words(2), f"{name}_one": words(1).replace("{n}", "1")}


def remember_lang(response: Response) -> Response:
    """After a request that chose a language with ``?lang=``, keep it in a cookie."""
    chosen = g.get("lang_chosen")
    if chosen:
        response.set_cookie(COOKIE, chosen, max_age=COOKIE_MAX_AGE_S, samesite="Lax", httponly=True)
    return response
