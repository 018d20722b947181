"""The Flask application factory."""

from __future__ import annotations

import logging
import os
import secrets
from pathlib import Path

from flask import Flask

from config.schema import Config
from motcua.core.storage import Database, upgrade

from . import safe_input, security_headers
from .api import blueprint as api_blueprint
from .api.errors import install as install_errors
from .auth import csrf
from .disk import NO_SPACE_ERRNOS
from .inflight import RequestsInFlight
from .services import Services

log = logging.getLogger(__name__)


def create_app(config: Config, *, db: Database | None = None, clock=None,
               settings: dict | None = None) -> Flask:
    """Build the app for one centre. ``settings`` override Flask config (tests)."""
    app = Flask(__name__)
    safe_input.install(app)
    db = db or Database(config.database_url)
    upgrade(db)
    app.secret_key = config.server.secret_key or _stored_secret(config.data_path)
    app.config.update(
        SSE_KEEPALIVE_S=config.server.sse_keepalive_s,
        WTF_CSRF_CHECK_DEFAULT=False,  # checked where a cookie authenticates a change
        WTF_CSRF_TIME_LIMIT=None,  # the token lives as long as the session
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        MAX_CONTENT_LENGTH=64 * 1024,
        JSON_SORT_KEYS=False,
    )
    app.json.ensure_ascii = False
    app.json.sort_keys = False
    security_headers.install(app, config)
    app.config.update(settings or {})
    services = app.extensions["motcua"] = Services.build(config, db, clock=clock,
                                                         salt=app.secret_key)
    inflight = RequestsInFlight(app.wsgi_app)
    app.wsgi_app = inflight  # type: ignore[method-assign]
    services.bus.wait_idle = inflight.wait_idle  # requests go before the screens' fan-out
    csrf.init_app(app)
    app.url_map.strict_slashes = False  # /admin/ and /counter/ are /admin and /counter
    app.register_blueprint(api_blueprint())
    install_errors(app, page_error=_register_pages(app))
    return app


def _register_pages(app: Flask):
    """Add the pages; returns their HTTP error page."""
    from .pages import register
    from .pages.common import http_error_page

    register(app)
    return http_error_page


def _stored_secret(data_dir: Path) -> str:
    """A secret key kept in the data directory, made on first start (mode 0600).

    Written whole or not at all (a temporary file linked into place, only if none is there:
    server processes started together on one data folder all use the first one's key), so a
    full disk never leaves an empty key behind; while it cannot be written, this run uses a
    key of its own (officers log in again after a restart)."""
    path = data_dir / "secret_key"
    try:
        found: str | None = path.read_text().strip()
    except FileNotFoundError:
        found = None
    if found:  # an empty file, left by an older version that ran out of space, is replaced
        return found
    key = secrets.token_hex(32)
    tmp = path.with_name(f".secret_key.{os.getpid()}")
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(key)
            fh.flush()
            os.fsync(fh.fileno())
        if found is None:
            os.link(tmp, path)  # only if there is none: processes started together share one
        else:
            os.replace(tmp, path)
    except FileExistsError:
        return _stored_secret(data_dir)  # another process made it a moment ago: use that one
    except OSError as exc:
        if exc.errno not in NO_SPACE_ERRNOS:
            raise
        log.error("disk full: cannot store the secret key in %s (%s); using a temporary one "
                  "until the next start", data_dir, exc.strerror)
        return key
    finally:
        tmp.unlink(missing_ok=True)
    log.info("created a new secret key in %s", path)
    return key
