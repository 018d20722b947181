"""Run the app under waitress, a production WSGI server that runs on a Raspberry Pi."""

from __future__ import annotations

import logging
import sys

from config.schema import Config

log = logging.getLogger("motcua.server")


def setup_logging(level: int = logging.INFO) -> None:
    """Log lines to stdout (journald picks them up under systemd)."""
    logging.basicConfig(level=level, stream=sys.stdout,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("alembic").setLevel(logging.WARNING)


def serve(config: Config, *, host: str | None = None, port: int | None = None,
          threads: int | None = None) -> None:
    """Serve until interrupted. Each connected screen holds one thread (SSE)."""
    from waitress import serve as waitress_serve

    from .app import create_app

    app = create_app(config)
    host = host or config.server.host
    port = port or config.server.port
    threads = threads or config.server.threads
    log.info("motcua server for %s on http://%s:%d (%d threads)", config.centre.name, host, port,
             threads)
    waitress_serve(app, host=host, port=port, threads=threads, connection_limit=threads + 100,
                   channel_timeout=60, ident="motcua", clear_untrusted_proxy_headers=True)
