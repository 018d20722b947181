"""The pages' language, through Flask-Babel, over the shared gettext catalogues (motcua/locale).

The request's language (Flask-Babel's locale selector, :func:`current_lang`) comes from ``?lang=``
(then kept in a cookie), else the cookie, else the centre's ``display.language``. Views and
templates carry the message itself, Flask-Babel's way: ``_("Về trang chính")``,
``ngettext("{n} người", "{n} người", n)``, ``pgettext("paused", "Tạm dừng")``; placeholders are
brace names (shared with the kiosk, the ticket and the page scripts), filled with ``.format()``
after translation. A page's script gets its words in the boot JSON's ``strings``, built by its view.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask, Response, current_app, g, request
from flask_babel import Babel, gettext, ngettext, npgettext, pgettext

from motcua.core.i18n import DOMAIN, LANGUAGES, LOCALE_DIR

LANGS = LANGUAGES
COOKIE = "motcua_lang"
COOKIE_MAX_AGE_S = 365 * 24 * 3600


def init_app(app: Flask) -> None:
    """Flask-Babel with the shared catalogues; :func:`current_lang` is its locale selector."""
    app.config.setdefault("BABEL_DEFAULT_LOCALE", "vi")
    Babel(app, locale_selector=current_lang, default_domain=DOMAIN,
          default_translation_directories=str(LOCALE_DIR))
    # The templates' _(), ngettext(), pgettext() as plain calls (Jinja's old-style gettext): they
    # give text that is escaped like any other value, and leave the brace placeholders to .format().
    app.jinja_env.install_gettext_callables(gettext, ngettext, newstyle=False, pgettext=pgettext,
                                            npgettext=npgettext)


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
