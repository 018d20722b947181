"""HTML pages: hall and counter screens (``display``), the officer page (``counter``), the
phone tracking page (``track``), the public booking page (``booking``), the public
remote-ticket page (``remote``) and the admin pages
(``admin``, a package: one blueprint, a module per page). Every template extends ``templates/base.html``."""

from __future__ import annotations

from flask import Flask

from . import admin, booking, counter, display, remote, track
from .common import asset, config, lang_url
from .i18n import LANGS, current_lang, init_app, remember_lang

BLUEPRINTS = (display.bp, counter.bp, track.bp, booking.bp, remote.bp, admin.bp)


def register(app: Flask) -> None:
    """Add the page blueprints, the language cookie and the template helpers to ``app``."""
    init_app(app)  # Flask-Babel; its locale selector is current_lang
    for bp in BLUEPRINTS:
        app.register_blueprint(bp)
    app.after_request(remember_lang)  # a no-op unless a page chose a language with ?lang=

    @app.context_processor
    def _page_context() -> dict:
        from flask import request

        if request.path.startswith("/api/"):
            return {}
        lang = current_lang()
        return {"lang": lang, "other_lang": next(x for x in LANGS if x != lang),
                "asset": asset, "lang_url": lang_url, "centre": config().centre}
