"""Headers every answer carries so a page cannot be framed, sniffed or made to run foreign code.

Pages load scripts, styles and sounds from this server only (no inline script or style attribute
is used); announcements play from ``blob:`` URLs made in the page; QR codes may be ``data:``
images. The session cookie is ``Secure`` when the centre's public URL is https.
"""

from __future__ import annotations

from flask import Flask, Response

from config.schema import Config

CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data: blob:",
    "media-src 'self' blob:",
    "connect-src 'self'",
    "font-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])
HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
}


def install(app: Flask, config: Config) -> None:
    app.config["SESSION_COOKIE_SECURE"] = config.server.public_url.lower().startswith("https://")

    @app.after_request
    def _headers(response: Response) -> Response:
        for name, value in HEADERS.items():
            response.headers.setdefault(name, value)
        return response
